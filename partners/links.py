"""A change to a commitment touches its commitment set's ``updated_at``.

The commitment matrix keeps its counts and its list of committed organisations under a
fingerprint of the commitment sets (their number and latest ``updated_at``,
:func:`partners.selectors._sets_fingerprint`). ``services.save_commitments`` saves the set
whenever it changes a commitment; these receivers cover every other way of saving or deleting
one (the admin, a shell, ``QuerySet.delete``), so no process keeps a matrix that no longer
holds. ``bulk_create`` and ``QuerySet.update`` send no signals: code that writes commitments
that way must touch their sets itself (the demo and the benchmark seed create the sets together
with their commitments, before any page is read).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from partners.models import Commitment, CommitmentSet


def _commitment_changed(sender: Any, instance: Commitment, **kwargs: Any) -> None:
    CommitmentSet.objects.filter(pk=instance.commitment_set_id).update(updated_at=timezone.now())


def connect() -> None:
    """Called once from :meth:`partners.apps.PartnersConfig.ready`."""
    post_save.connect(
        _commitment_changed, sender=Commitment, dispatch_uid="partners-commitment-saved"
    )
    post_delete.connect(
        _commitment_changed, sender=Commitment, dispatch_uid="partners-commitment-deleted"
    )
