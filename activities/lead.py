"""Keeps each activity's ``lead_organisation`` equal to its leading participation.

The dashboard counts and lists the live activities without a lead; testing every activity's
participations for a lead was a seventh of its counting statement. The lead is stored on the
activity instead and set again from the participations whenever one is saved or deleted (the
admin, a cascade, a test), hence signals. The working-group service changes the team with
``QuerySet.update`` and ``bulk_create``, which send none, so it calls :func:`refresh_lead` itself,
as do the demo data and the benchmark seeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from activities.models import Activity, Participation


def refresh_lead(activity_ids: Iterable[int] | None = None) -> int:
    """Set the stored lead of ``activity_ids`` (every activity when None) from their
    participations, in one UPDATE. Returns the number of activities updated."""
    activities = Activity.objects.all()
    if activity_ids is not None:
        activities = activities.filter(pk__in=list(activity_ids))
    lead = Participation.objects.filter(activity=OuterRef("pk"), is_lead=True)
    # updated_at too: the dashboard keeps its counts under the activities' fingerprint.
    return activities.update(
        lead_organisation=Subquery(lead.values("organisation")[:1]), updated_at=timezone.now()
    )


def _participation_changed(
    sender: type[Participation], instance: Participation, **kwargs: Any
) -> None:
    refresh_lead([instance.activity_id])


def connect() -> None:
    """Called once from :meth:`activities.apps.ActivitiesConfig.ready`."""
    post_save.connect(_participation_changed, sender=Participation, dispatch_uid="lead_save")
    post_delete.connect(_participation_changed, sender=Participation, dispatch_uid="lead_delete")
