"""Declarations and commitments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Commitment, CommitmentChange, CommitmentSet, Declaration, Organisation
from partners.services.errors import MSG_TOO_FEW_CHALLENGES, ConcurrentEditError
from partners.validators import validate_pdf

if TYPE_CHECKING:
    from accounts.models import User
    from roadmap.models import Challenge, Goal, PartnershipPeriod


# --- declarations -----------------------------------------------------------------------------


@transaction.atomic
def record_declaration(
    *,
    organisation: Organisation,
    period: PartnershipPeriod,
    signed_on: datetime.date,
    signatory_name: str,
    signatory_title: str = "",
    document: UploadedFile | None = None,
    goals: Iterable[Goal] = (),
    goals_text: str = "",
    by: User | None,
) -> Declaration:
    """Create or update the organisation's declaration for ``period``. The PDF is checked by
    content and stored on the private storage; ``document=None`` keeps the current file."""
    if document is not None:
        validate_pdf(document)
    declaration = Declaration.objects.filter(organisation=organisation, period=period).first()
    if declaration is None:
        declaration = Declaration(organisation=organisation, period=period)
    declaration.signed_on = signed_on
    declaration.signatory_name = signatory_name
    declaration.signatory_title = signatory_title
    declaration.goals_text = goals_text
    if document is not None:
        # The uploader is who brought this file (a GDPR erasure removes that person's uploads),
        # not whoever last edited the declaration's other fields.
        declaration.uploaded_by = by
        if declaration.document:
            declaration.document.delete(save=False)
        declaration.document.save("declaration.pdf", document, save=False)
    declaration.save()
    declaration.goals.set(list(goals))
    return declaration


# --- commitments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentEntry:
    plan: str = ""
    looking_for_partners: bool = False


def get_or_create_commitment_set(
    *, organisation: Organisation, period: PartnershipPeriod
) -> CommitmentSet:
    commitment_set, _created = CommitmentSet.objects.get_or_create(
        organisation=organisation, period=period
    )
    return commitment_set


def _replace_commitments(
    locked: CommitmentSet, entries: Mapping[Challenge, CommitmentEntry], *, by: User | None
) -> list[CommitmentChange]:
    """Remove, add and change the set's commitments to match ``entries``; the history rows
    of what changed (not yet saved)."""
    existing = {c.challenge_id: c for c in locked.commitments.all()}
    wanted = {challenge.pk: (challenge, entry) for challenge, entry in entries.items()}
    history: list[CommitmentChange] = []
    for challenge_id, commitment in existing.items():
        if challenge_id not in wanted:
            history.append(
                CommitmentChange(
                    commitment_set=locked,
                    action=CommitmentChange.Action.REMOVED,
                    challenge_id=challenge_id,
                    plan=commitment.plan,
                    changed_by=by,
                )
            )
            commitment.delete()
    for challenge_id, (challenge, entry) in wanted.items():
        current = existing.get(challenge_id)
        plan = entry.plan.strip()
        if current is None:
            Commitment.objects.create(
                commitment_set=locked,
                challenge=challenge,
                plan=plan,
                looking_for_partners=entry.looking_for_partners,
            )
            action = CommitmentChange.Action.ADDED
        elif current.plan != plan or current.looking_for_partners != entry.looking_for_partners:
            current.plan = plan
            current.looking_for_partners = entry.looking_for_partners
            current.save(update_fields=["plan", "looking_for_partners", "updated_at"])
            action = CommitmentChange.Action.CHANGED
        else:
            continue
        history.append(
            CommitmentChange(
                commitment_set=locked, action=action, challenge=challenge, plan=plan, changed_by=by
            )
        )
    return history


@transaction.atomic
def save_commitments(
    *,
    commitment_set: CommitmentSet,
    entries: Mapping[Challenge, CommitmentEntry],
    expected_version: int,
    confirm: bool,
    by: User | None,
) -> CommitmentSet:
    """Replace the set's commitments with ``entries`` and save it as a draft, or confirm it.

    Confirming needs at least ``CommitmentSet.MIN_CHALLENGES`` challenges; otherwise a
    ValidationError is raised and nothing is saved. Each added, changed or removed challenge is
    written to the set's history. Saving the same entries twice changes nothing."""
    locked = (
        CommitmentSet.objects.select_for_update().select_related("period").get(pk=commitment_set.pk)
    )
    if locked.version != expected_version:
        raise ConcurrentEditError()
    if confirm and len(entries) < CommitmentSet.MIN_CHALLENGES:
        raise ValidationError(
            _(MSG_TOO_FEW_CHALLENGES)
            % {"min": CommitmentSet.MIN_CHALLENGES, "count": len(entries)},
            code="too_few_challenges",
        )
    history = _replace_commitments(locked, entries, by=by)
    new_status = CommitmentSet.Status.CONFIRMED if confirm else CommitmentSet.Status.DRAFT
    if new_status != locked.status:
        history.append(
            CommitmentChange(
                commitment_set=locked,
                action=(
                    CommitmentChange.Action.CONFIRMED
                    if confirm
                    else CommitmentChange.Action.REOPENED
                ),
                changed_by=by,
            )
        )
        locked.status = new_status
        locked.confirmed_at = timezone.now() if confirm else None
        locked.confirmed_by = by if confirm else None
    if history:
        CommitmentChange.objects.bulk_create(history)
        locked.version += 1
        locked.save()
    commitment_set.refresh_from_db()
    return commitment_set
