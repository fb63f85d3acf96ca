"""Activity cards and their working groups, partners' proposals (issue 18), the status log
and the office's signal override."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import followup
from activities.models import (
    MAX_CHALLENGES,
    MAX_LINKS,
    MAX_PARTICIPANTS,
    Activity,
    Lifecycle,
    Participation,
    Proposal,
    Signal,
    StatusUpdate,
)
from activities.services.common import (
    END_BEFORE_START,
    LEAD_NOT_IN_TEAM,
    MILESTONES_OUTSIDE,
    NO_LINK_TO_ROADMAP,
    NOT_YOUR_ORGANISATION,
    OVERRIDE_NEEDS_REASON,
    PROPOSAL_APPROVED_LOG,
    PROPOSAL_CLOSED,
    PROPOSAL_RETURNED_LOG,
    RETURN_NEEDS_COMMENT,
    TOO_MANY_CHALLENGES,
    TOO_MANY_LINKS,
    TOO_MANY_PARTICIPANTS,
    ConcurrentEditError,
)

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation
    from roadmap.models import Challenge, Cluster, Goal

# Messages shared with the tests (HackSoft's habit): the user sees exactly these.

# --- activities ---------------------------------------------------------------------------------


def _check_card(
    *,
    start_date: dt.date,
    end_date: dt.date,
    organisations: Sequence[Organisation],
    lead: Organisation | None,
    challenges: Sequence[Challenge],
    clusters: Sequence[Cluster],
    learning_and_sharing: bool,
    links: str,
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if end_date < start_date:
        errors.setdefault("end_date", []).append(
            ValidationError(END_BEFORE_START, code="end_before_start")
        )
    if lead is not None and lead not in organisations:
        errors.setdefault("lead_organisation", []).append(
            ValidationError(LEAD_NOT_IN_TEAM, code="lead_not_in_team")
        )
    if len(organisations) > MAX_PARTICIPANTS:
        errors.setdefault("organisations", []).append(
            ValidationError(TOO_MANY_PARTICIPANTS, params={"max": MAX_PARTICIPANTS})
        )
    if len(challenges) > MAX_CHALLENGES:
        errors.setdefault("challenges", []).append(
            ValidationError(TOO_MANY_CHALLENGES, params={"max": MAX_CHALLENGES})
        )
    if not challenges and not clusters and not learning_and_sharing:
        errors.setdefault("challenges", []).append(
            ValidationError(NO_LINK_TO_ROADMAP, code="no_link")
        )
    if len([line for line in links.splitlines() if line.strip()]) > MAX_LINKS:
        errors.setdefault("links", []).append(
            ValidationError(TOO_MANY_LINKS, params={"max": MAX_LINKS})
        )
    if errors:
        raise ValidationError(errors)


def _set_team(
    activity: Activity, organisations: Sequence[Organisation], lead: Organisation | None
) -> None:
    wanted = {o.pk for o in organisations}
    activity.participations.exclude(organisation_id__in=wanted).delete()
    # Clear the lead first: the partial unique index allows one lead per activity at any time.
    activity.participations.update(is_lead=False)
    existing = set(activity.participations.values_list("organisation_id", flat=True))
    Participation.objects.bulk_create(
        [Participation(activity=activity, organisation_id=pk) for pk in wanted - existing]
    )
    if lead is not None:
        activity.participations.filter(organisation=lead).update(is_lead=True)
    # People whose organisations left the team leave with them.
    activity.people.exclude(contact__memberships__organisation_id__in=wanted).delete()


@transaction.atomic
def create_activity(
    *,
    by: User,
    organisations: Sequence[Organisation] = (),
    lead: Organisation | None = None,
    challenges: Sequence[Challenge] = (),
    clusters: Sequence[Cluster] = (),
    goals: Sequence[Goal] = (),
    **fields: Any,
) -> Activity:
    """Create an activity card with its working group. ``fields`` are the card's own fields."""
    activity = Activity(created_by=by, **fields)
    activity.full_clean()
    _check_card(
        start_date=activity.start_date,
        end_date=activity.end_date,
        organisations=organisations,
        lead=lead,
        challenges=challenges,
        clusters=clusters,
        learning_and_sharing=activity.learning_and_sharing,
        links=activity.links,
    )
    activity.save()
    activity.challenges.set(challenges)
    activity.clusters.set(clusters)
    activity.goals.set(goals)
    _set_team(activity, organisations, lead)
    return activity


@transaction.atomic
def update_activity(
    *,
    activity: Activity,
    by: User,
    expected_version: int,
    organisations: Sequence[Organisation],
    lead: Organisation | None,
    challenges: Sequence[Challenge],
    clusters: Sequence[Cluster],
    goals: Sequence[Goal],
    **fields: Any,
) -> Activity:
    """Change the card. Refused when the card changed since ``expected_version`` was read, or when
    the new timeline would leave existing milestones outside it."""
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    _check_card(
        start_date=activity.start_date,
        end_date=activity.end_date,
        organisations=organisations,
        lead=lead,
        challenges=challenges,
        clusters=clusters,
        learning_and_sharing=activity.learning_and_sharing,
        links=activity.links,
    )
    outside = list(
        activity.milestones.exclude(
            due_date__range=(activity.start_date, activity.end_date)
        ).values_list("title", flat=True)
    )
    if outside:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    MILESTONES_OUTSIDE, params={"titles": ", ".join(f"”{t}”" for t in outside)}
                )
            }
        )
    updated = Activity.objects.filter(pk=activity.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConcurrentEditError()
    activity.version = expected_version + 1
    activity.challenges.set(challenges)
    activity.clusters.set(clusters)
    activity.goals.set(goals)
    _set_team(activity, organisations, lead)
    return activity


# --- partners' proposals (issue 18) -----------------------------------------------------------


@transaction.atomic
def propose_activity(
    *,
    by: User,
    organisation: Organisation,
    challenges: Sequence[Challenge] = (),
    clusters: Sequence[Cluster] = (),
    **fields: Any,
) -> Activity:
    """A partner contact proposes a card for its own organisation, which leads it. The card is
    an idea, not shared, until the office approves it; the office is told by mail."""
    from accounts import policy  # here: accounts.policy is imported by half the project

    if not policy.can(by, "activities.propose", organisation):
        raise ValidationError(
            {"organisation": ValidationError(NOT_YOUR_ORGANISATION, code="not_own")}
        )
    for protected in ("lifecycle", "is_shared", "signal_override", "proposal_status"):
        fields.pop(protected, None)  # the office decides these, never the proposing partner
    activity = create_activity(
        by=by,
        organisations=[organisation],
        lead=organisation,
        challenges=challenges,
        clusters=clusters,
        lifecycle=Lifecycle.IDEA,
        is_shared=False,
        proposal_status=Proposal.PROPOSED,
        proposer_organisation=organisation,
        **fields,
    )
    _notify_office_of_proposal(activity, resubmitted=False)
    return activity


@transaction.atomic
def update_proposal(
    *,
    activity: Activity,
    by: User,
    expected_version: int,
    challenges: Sequence[Challenge],
    clusters: Sequence[Cluster],
    **fields: Any,
) -> Activity:
    """The proposing partner changes its proposal while the office has not approved it; a
    returned proposal goes back to the office. The working group stays as it is."""
    from accounts import policy

    if not policy.can(by, "activities.edit_proposal", activity):
        raise ValidationError(PROPOSAL_CLOSED, code="proposal_closed")
    for protected in ("lifecycle", "is_shared", "signal_override", "proposal_status"):
        fields.pop(protected, None)
    team = list(activity.participations.select_related("organisation"))
    resubmitted = activity.proposal_status == Proposal.RETURNED
    activity = update_activity(
        activity=activity,
        by=by,
        expected_version=expected_version,
        organisations=[p.organisation for p in team],
        lead=next((p.organisation for p in team if p.is_lead), None),
        challenges=challenges,
        clusters=clusters,
        goals=list(activity.goals.all()),
        proposal_status=Proposal.PROPOSED,
        **fields,
    )
    if resubmitted:
        _notify_office_of_proposal(activity, resubmitted=True)
    return activity


@transaction.atomic
def review_proposal(*, activity: Activity, by: User, approve: bool, comment: str = "") -> Activity:
    """The office approves the proposal (it becomes an ordinary card) or returns it with a
    comment for the partner to change; the partner who proposed it is told by mail."""
    from accounts import policy

    policy.require(by, "activities.review_proposal", activity)  # never the proposing partner
    comment = comment.strip()
    if not activity.is_open_proposal:
        raise ValidationError(PROPOSAL_CLOSED, code="proposal_closed")
    if not approve and not comment:
        raise ValidationError({"comment": ValidationError(RETURN_NEEDS_COMMENT, code="no_comment")})
    activity.proposal_status = Proposal.APPROVED if approve else Proposal.RETURNED
    activity.review_comment = comment
    Activity.objects.filter(pk=activity.pk).update(
        proposal_status=activity.proposal_status,
        review_comment=comment,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    activity.version += 1
    StatusUpdate.objects.create(
        activity=activity,
        by=by,
        lifecycle=activity.lifecycle,
        comment=str(PROPOSAL_APPROVED_LOG if approve else PROPOSAL_RETURNED_LOG)
        + (f" {comment}" if comment else ""),
    )
    _notify_proposer(activity, approved=approve)
    return activity


def _notify_office_of_proposal(activity: Activity, *, resubmitted: bool) -> None:
    from accounts.models import User as UserModel
    from outbox import mail

    for office_user in UserModel.objects.filter(is_active=True, is_office_staff=True).exclude(
        email=""
    ):
        mail.send_mail(
            to=mail.recipient_for_user(office_user),
            template="activities/mail/proposal_submitted",
            context={
                "activity": activity,
                "organisation": activity.proposer_organisation,
                "resubmitted": resubmitted,
                "action_url": mail.url("activities:proposal_review", pk=activity.pk),
                "action_label": _("Granska förslaget"),
            },
        )


def _notify_proposer(activity: Activity, *, approved: bool) -> None:
    from outbox import mail

    proposer = activity.created_by
    if proposer is None or not proposer.is_active or not proposer.email:
        return
    mail.send_mail(
        to=mail.recipient_for_user(proposer),
        template="activities/mail/proposal_reviewed",
        context={
            "activity": activity,
            "approved": approved,
            "comment": activity.review_comment,
            "action_url": mail.url(
                "activities:activity_detail" if approved else "activities:proposal_update",
                pk=activity.pk,
            ),
            "action_label": _("Öppna aktivitetskortet") if approved else _("Ändra förslaget"),
        },
    )


def milestone_facts(activity: Activity, *, today: dt.date) -> followup.MilestoneFacts:
    return followup.MilestoneFacts.from_milestones(
        activity.milestones.values_list("due_date", "done_on"), today=today
    )


def current_signal(activity: Activity, *, today: dt.date | None = None) -> Signal | None:
    today = today or timezone.localdate()
    computed = followup.compute_signal(
        today=today,
        lifecycle=activity.lifecycle,
        start_date=activity.start_date,
        end_date=activity.end_date,
        milestones=milestone_facts(activity, today=today),
    )
    return followup.effective_signal(computed, activity.signal_override)


@transaction.atomic
def update_status(
    *, activity: Activity, by: User, lifecycle: str, comment: str = ""
) -> StatusUpdate:
    """Log a status update (the working group or the office reports where the activity stands).

    Always writes a log row, even when the lifecycle is unchanged: "still ongoing, nothing new"
    is a report too, and it resets the "not updated for N days" signal."""
    now = timezone.now()
    # updated_at too: the dashboard keeps its counts under the activities' fingerprint.
    Activity.objects.filter(pk=activity.pk).update(
        lifecycle=lifecycle, last_status_update_at=now, updated_at=now, version=F("version") + 1
    )
    activity.lifecycle = lifecycle
    activity.last_status_update_at = now
    activity.version += 1
    signal = current_signal(activity, today=timezone.localdate(now))
    return StatusUpdate.objects.create(
        activity=activity,
        by=by,
        at=now,
        lifecycle=lifecycle,
        signal=signal or "",
        comment=comment,
    )


@transaction.atomic
def override_signal(*, activity: Activity, by: User, signal: str, reason: str) -> Activity:
    """Set (or with ``signal=""`` clear) the office's override of the follow-up signal.

    Setting one needs a written reason; the change is logged with the reason as its comment."""
    reason = reason.strip()
    if signal and not reason:
        raise ValidationError({"reason": ValidationError(OVERRIDE_NEEDS_REASON, code="no_reason")})
    if signal == activity.signal_override and reason == activity.signal_override_reason:
        return activity  # nothing would change
    now = timezone.now()
    activity.signal_override = signal
    activity.signal_override_reason = reason if signal else ""
    activity.signal_override_by = by if signal else None
    activity.signal_override_at = now if signal else None
    activity.version += 1
    activity.save(
        update_fields=[
            "signal_override",
            "signal_override_reason",
            "signal_override_by",
            "signal_override_at",
            "version",
            "updated_at",
        ]
    )
    comment = (
        _("Signalen ändrades manuellt: %(reason)s") % {"reason": reason}
        if signal
        else _("Den manuella signalen togs bort.")
    )
    StatusUpdate.objects.create(
        activity=activity,
        by=by,
        at=now,
        lifecycle=activity.lifecycle,
        signal=current_signal(activity) or "",
        comment=str(comment)[:1000],
    )
    return activity
