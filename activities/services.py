"""Writes of the activities app: activity cards and their working groups, milestones, the status
log and the office's signal override, meetings with their attendance and documents, and the
personal calendar feeds.

Every service takes keyword-only arguments and the acting user as ``by=``. Rules that span rows
(a lead inside the team, milestones inside the timeline, an override only with a reason) are
checked here and raise ``ValidationError`` before anything is written, so a refused change leaves
the database untouched; edits of the card carry the version they started from and are refused
when someone else saved in between (optimistic locking, security.md §0.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import followup, tasks
from activities.lead import refresh_lead
from activities.models import (
    MAX_ATTACHMENTS,
    MAX_CHALLENGES,
    MAX_LINKS,
    MAX_MILESTONES,
    MAX_PARTICIPANTS,
    MAX_PEOPLE,
    Activity,
    ActivityPerson,
    Attachment,
    CalendarFeed,
    Lifecycle,
    Meeting,
    MeetingAttendance,
    MeetingDocument,
    MeetingInvitation,
    Milestone,
    Participation,
    Proposal,
    Signal,
    StatusUpdate,
    _new_feed_secret,
    feed_token_digest,
)
from klimatfardplan.queue import publish_on_commit

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import ContactPerson, Organisation
    from roadmap.models import Challenge, Cluster, Goal

# Messages shared with the tests (HackSoft's habit): the user sees exactly these.
CONCURRENT_EDIT = _(
    "Någon annan har sparat ändringar under tiden. Ladda om sidan och gör dina ändringar igen."
)
END_BEFORE_START = _("Slutdatum kan inte vara före startdatum.")
LEAD_NOT_IN_TEAM = _("Den ledande organisationen måste ingå i arbetsgruppen.")
MILESTONE_OUTSIDE = _("Delmålets datum måste ligga inom aktivitetens tidplan (%(start)s–%(end)s).")
MILESTONES_OUTSIDE = _(
    "Delmålen %(titles)s ligger utanför den nya tidplanen. Flytta dem först eller välj andra datum."
)
TOO_MANY_MILESTONES = _("En aktivitet kan ha högst %(max)d delmål (kortet ska rymmas på en sida).")
TOO_MANY_PARTICIPANTS = _("Högst %(max)d organisationer får plats i arbetsgruppen på kortet.")
TOO_MANY_PEOPLE = _("Högst %(max)d namngivna personer får plats på kortet.")
TOO_MANY_CHALLENGES = _("Högst %(max)d klimatutmaningar får plats på kortet.")
TOO_MANY_LINKS = _("Högst %(max)d länkar får plats på kortet.")
TOO_MANY_ATTACHMENTS = _("Högst %(max)d bilagor per aktivitet.")
NO_LINK_TO_ROADMAP = _(
    "Koppla aktiviteten till minst en klimatutmaning eller ett kluster, "
    "eller markera att den hör till lärande och erfarenhetsutbyte."
)
DONE_IN_FUTURE = _("Ett delmål kan inte vara klart ett datum som inte har kommit än.")
OVERRIDE_NEEDS_REASON = _("Skriv en motivering när du ändrar uppföljningssignalen manuellt.")
PERSON_NOT_IN_TEAM = _("Personen måste vara kontaktperson hos en organisation i arbetsgruppen.")
FILE_TOO_LARGE = _("Filen är för stor (högst %(mb)d MB).")
FILE_TYPE_NOT_ALLOWED = _("Filtypen är inte tillåten. Tillåtna: %(types)s.")
MEETING_END_BEFORE_START = _("Träffen kan inte sluta innan den börjar.")
NOT_YOUR_ORGANISATION = _("Du kan bara föreslå aktiviteter för din egen organisation.")
PROPOSAL_CLOSED = _("Förslaget är redan godkänt och kan inte längre ändras som förslag.")
RETURN_NEEDS_COMMENT = _("Skriv vad som ska ändras när du skickar tillbaka förslaget.")
PROPOSAL_APPROVED_LOG = _("Kansliet godkände förslaget.")
PROPOSAL_RETURNED_LOG = _("Kansliet skickade tillbaka förslaget:")
ANSWER_CLOSED = _("Du är inte längre inbjuden till träffen, eller så är den inställd.")
PERSON_WITHOUT_ORGANISATION = _("Personen hör inte till någon organisation just nu.")
ANSWER_SALT = "activities.meeting-answer"

ALLOWED_UPLOAD_SUFFIXES = (".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".png", ".jpg")
# The first bytes of each allowed type: the extension alone is not trusted (security.md, V5).
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
}


class ConcurrentEditError(ValidationError):
    def __init__(self) -> None:
        super().__init__(CONCURRENT_EDIT, code="concurrent_edit")


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
    refresh_lead([activity.pk])  # the updates above send no signals
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


def _bump_version(activity: Activity) -> None:
    """Any change that shows on the card invalidates open edit forms of it."""
    Activity.objects.filter(pk=activity.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    activity.version += 1


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


# --- milestones -----------------------------------------------------------------------------------


def _check_milestone_date(activity: Activity, due_date: dt.date, done_on: dt.date | None) -> None:
    if not activity.start_date <= due_date <= activity.end_date:
        raise ValidationError(
            {
                "due_date": ValidationError(
                    MILESTONE_OUTSIDE,
                    params={"start": activity.start_date, "end": activity.end_date},
                    code="outside_timeline",
                )
            }
        )
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": ValidationError(DONE_IN_FUTURE, code="done_in_future")})


@transaction.atomic
def add_milestone(
    *,
    activity: Activity,
    by: User,
    title: str,
    due_date: dt.date,
    done_on: dt.date | None = None,
) -> Milestone:
    _check_milestone_date(activity, due_date, done_on)
    if activity.milestones.count() >= MAX_MILESTONES:
        raise ValidationError(TOO_MANY_MILESTONES, params={"max": MAX_MILESTONES})
    milestone = Milestone(activity=activity, title=title, due_date=due_date, done_on=done_on)
    milestone.full_clean()
    milestone.save()
    _bump_version(activity)
    return milestone


@transaction.atomic
def update_milestone(
    *,
    milestone: Milestone,
    by: User,
    title: str,
    due_date: dt.date,
    done_on: dt.date | None,
) -> Milestone:
    _check_milestone_date(milestone.activity, due_date, done_on)
    if (milestone.title, milestone.due_date, milestone.done_on) == (title, due_date, done_on):
        return milestone
    milestone.title, milestone.due_date, milestone.done_on = title, due_date, done_on
    milestone.full_clean()
    milestone.save()
    _bump_version(milestone.activity)
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, by: User) -> None:
    activity = milestone.activity
    milestone.delete()
    _bump_version(activity)


# --- people and attachments -------------------------------------------------------------------------


@transaction.atomic
def add_person(
    *, activity: Activity, by: User, contact: ContactPerson, role: str = ""
) -> ActivityPerson:
    team = activity.organisation_ids()
    if not contact.memberships.filter(organisation_id__in=team, is_active=True).exists():
        raise ValidationError({"contact": ValidationError(PERSON_NOT_IN_TEAM)})
    if activity.people.count() >= MAX_PEOPLE:
        raise ValidationError(TOO_MANY_PEOPLE, params={"max": MAX_PEOPLE})
    person, created = ActivityPerson.objects.get_or_create(
        activity=activity, contact=contact, defaults={"role": role}
    )
    if not created and person.role != role:
        person.role = role
        person.save(update_fields=["role"])
    _bump_version(activity)
    return person


@transaction.atomic
def remove_person(*, person: ActivityPerson, by: User) -> None:
    activity = person.activity
    person.delete()
    _bump_version(activity)


def check_upload(file: UploadedFile) -> None:
    """Size, extension and magic bytes (security.md, V5 files)."""
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in ALLOWED_UPLOAD_SUFFIXES:
        raise ValidationError(
            {
                "file": ValidationError(
                    FILE_TYPE_NOT_ALLOWED, params={"types": ", ".join(ALLOWED_UPLOAD_SUFFIXES)}
                )
            }
        )
    limit = int(settings.UPLOAD_MAX_FILE_BYTES)  # the project's one upload limit (issue 15)
    if (file.size or 0) > limit:
        raise ValidationError(
            {"file": ValidationError(FILE_TOO_LARGE, params={"mb": limit // (1024 * 1024)})}
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise ValidationError(
            {
                "file": ValidationError(
                    FILE_TYPE_NOT_ALLOWED, params={"types": ", ".join(ALLOWED_UPLOAD_SUFFIXES)}
                )
            }
        )


@transaction.atomic
def add_attachment(*, activity: Activity, by: User, title: str, file: UploadedFile) -> Attachment:
    check_upload(file)
    if activity.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(TOO_MANY_ATTACHMENTS, params={"max": MAX_ATTACHMENTS})
    attachment = Attachment(activity=activity, title=title, uploaded_by=by)
    attachment.file.save(Path(file.name or "bilaga").name, file, save=False)
    attachment.save()
    return attachment


def delete_attachment(*, attachment: Attachment, by: User) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- meetings ------------------------------------------------------------------------------------


def _check_meeting(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at < starts_at:
        raise ValidationError(
            {"ends_at": ValidationError(MEETING_END_BEFORE_START, code="end_before_start")}
        )


# What a calendar shows of a meeting: a change to any of these raises the invitations' SEQUENCE.
_CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "status")


@transaction.atomic
def create_meeting(
    *,
    by: User,
    challenges: Sequence[Challenge] = (),
    activities: Sequence[Activity] = (),
    invited_organisations: Sequence[Organisation] = (),
    invited_contacts: Sequence[ContactPerson] = (),
    **fields: Any,
) -> Meeting:
    """Save a new meeting and send every invited person an invitation (after commit)."""
    meeting = Meeting(**fields)
    meeting.full_clean()
    _check_meeting(meeting.starts_at, meeting.ends_at)
    meeting.save()
    meeting.challenges.set(challenges)
    meeting.activities.set(activities)
    meeting.invited_organisations.set(invited_organisations)
    meeting.invited_contacts.set(invited_contacts)
    sync_invitations(meeting=meeting)
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int,
    challenges: Sequence[Challenge],
    activities: Sequence[Activity],
    invited_organisations: Sequence[Organisation],
    invited_contacts: Sequence[ContactPerson] = (),
    **fields: Any,
) -> Meeting:
    """Change the meeting. A change of what calendars show (time, place, title, a cancellation)
    raises the SEQUENCE, and every invited person is sent the update or the cancellation;
    people taken off the list are sent a cancellation; people added, an invitation."""
    before = {name: getattr(meeting, name) for name in _CALENDAR_FIELDS}
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    _check_meeting(meeting.starts_at, meeting.ends_at)
    calendar_changed = any(getattr(meeting, name) != before[name] for name in _CALENDAR_FIELDS)
    sequence = F("sequence") + 1 if calendar_changed else F("sequence")
    updated = Meeting.objects.filter(pk=meeting.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), sequence=sequence, **fields
    )
    if not updated:
        raise ConcurrentEditError()
    meeting.version = expected_version + 1
    meeting.sequence = Meeting.objects.values_list("sequence", flat=True).get(pk=meeting.pk)
    meeting.challenges.set(challenges)
    meeting.activities.set(activities)
    meeting.invited_organisations.set(invited_organisations)
    meeting.invited_contacts.set(invited_contacts)
    sync_invitations(meeting=meeting)
    return meeting


def invited_contact_ids(meeting: Meeting) -> set[int]:
    """Everyone invited: the people invited by name, and the active contact persons of the
    invited organisations (each person once, however many of their organisations are invited)."""
    from partners.models import Membership

    through_organisations = Membership.objects.filter(
        organisation__in=meeting.invited_organisations.all(), is_active=True
    ).values_list("contact_id", flat=True)
    named = meeting.invited_contacts.values_list("pk", flat=True)
    return set(through_organisations) | set(named)


def sync_invitations(*, meeting: Meeting) -> None:
    """Make the invitation rows follow the invitee lists, then have the worker mail whatever
    differs from what each person's calendar holds (after commit)."""
    wanted = invited_contact_ids(meeting)
    rows = {i.contact_id: i for i in MeetingInvitation.objects.filter(meeting=meeting)}
    MeetingInvitation.objects.bulk_create(
        [MeetingInvitation(meeting=meeting, contact_id=pk) for pk in sorted(wanted - rows.keys())]
    )
    MeetingInvitation.objects.filter(meeting=meeting, contact_id__in=wanted).update(
        is_withdrawn=False
    )
    MeetingInvitation.objects.filter(meeting=meeting).exclude(contact_id__in=wanted).update(
        is_withdrawn=True
    )
    publish_on_commit(tasks.send_meeting_invitations, meeting.pk)


def _wanted_message(meeting: Meeting, invitation: MeetingInvitation) -> tuple[str, int] | None:
    """What the person's calendar should be sent now, as (METHOD, SEQUENCE), or None."""
    if meeting.status == Meeting.Status.CANCELLED or invitation.is_withdrawn:
        if invitation.sent_method != "REQUEST":
            return None  # their calendar holds nothing to cancel
        return ("CANCEL", meeting.sequence)
    if meeting.status != Meeting.Status.PLANNED or meeting.ends_at < timezone.now():
        return None  # a meeting over (or recorded afterwards) is not sent to calendars
    return ("REQUEST", meeting.sequence)


def answer_url(invitation: MeetingInvitation) -> str:
    """The person's own link to answer yes or no, without logging in (like the calendar feed,
    the signed token in the URL is the credential; it names only the invitation)."""
    from django.core import signing
    from django.urls import reverse

    from outbox.mail import absolute_url

    token = signing.dumps(invitation.pk, salt=ANSWER_SALT, compress=True)
    return absolute_url(reverse("activities:meeting_answer", kwargs={"token": token}))


def invitation_for_token(token: str) -> MeetingInvitation | None:
    from django.core import signing

    try:
        pk = signing.loads(token, salt=ANSWER_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return MeetingInvitation.objects.select_related("meeting", "contact").filter(pk=pk).first()


class _InvitationEmail(EmailMultiAlternatives):
    """A mail whose alternatives end with the iTIP part, ``text/calendar; method=…``, the form
    Outlook and Gmail turn into an invitation with answer buttons; the same calendar also goes
    as an ``invite.ics`` attachment for other mail programs."""

    def __init__(self, *args: Any, ics: bytes, method: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ics, self.method = ics, method
        self.attach("invite.ics", ics, "application/ics")

    def _create_alternatives(self, msg: Any) -> Any:
        # Django's hook that builds multipart/alternative (django/core/mail/message.py).
        msg = super()._create_alternatives(msg)  # type: ignore[misc]
        part = SafeMIMEText(self.ics.decode(), "calendar", "utf-8")
        part.set_param("method", self.method)
        msg.attach(part)
        return msg


def deliver_meeting_invitations(*, meeting_id: int) -> int:
    """Mail each invited person what their calendar lacks: the invitation (METHOD:REQUEST) at
    the meeting's current SEQUENCE, or a cancellation. Safe to repeat: each row records what was
    last sent, under a row lock, so a retry or a second worker sends nothing twice."""
    from activities import calendar  # here: calendar reads through selectors, which import us
    from outbox.mail import recipient_for_contact, render_mail

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    sent = 0
    for invitation_id in MeetingInvitation.objects.filter(meeting=meeting).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            invitation = (
                MeetingInvitation.objects.select_for_update(of=("self",))
                .select_related("contact__user")
                .get(pk=invitation_id)
            )
            wanted = _wanted_message(meeting, invitation)
            if wanted is None or wanted == (invitation.sent_method, invitation.sent_sequence):
                continue
            method, sequence = wanted
            recipient = recipient_for_contact(invitation.contact)
            if not recipient.address:
                continue
            ics = calendar.render_invitation(
                meeting,
                method=method,
                attendee_name=invitation.contact.full_name,
                attendee_email=recipient.address,
            )
            template = (
                "activities/mail/meeting_cancelled"
                if method == "CANCEL"
                else "activities/mail/meeting_invitation"
            )
            rendered = render_mail(
                template,
                {
                    "meeting": meeting,
                    "contact": invitation.contact,
                    "is_update": invitation.sent_sequence is not None,
                    "is_withdrawn": invitation.is_withdrawn,
                    "answer_url": answer_url(invitation),
                    "action_url": answer_url(invitation) if method == "REQUEST" else "",
                    "action_label": _("Svara om du kommer"),
                },
                language=recipient.locale,
            )
            message = _InvitationEmail(
                subject=rendered.subject,
                body=rendered.text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.address],
                ics=ics,
                method=method,
            )
            message.attach_alternative(rendered.html, "text/html")
            message.send()
            invitation.sent_method, invitation.sent_sequence = method, sequence
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_method", "sent_sequence", "sent_at"])
            sent += 1
    return sent


@transaction.atomic
def answer_invitation(*, invitation: MeetingInvitation, attending: bool) -> MeetingInvitation:
    """The invited person says whether they come. Refused once they are no longer invited or
    the meeting is cancelled (their calendar was sent a cancellation)."""
    if invitation.is_withdrawn or invitation.meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(ANSWER_CLOSED, code="answer_closed")
    response = (
        MeetingInvitation.Response.ACCEPTED if attending else MeetingInvitation.Response.DECLINED
    )
    if invitation.response == response:
        return invitation
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


def _attendance_organisation(contact: ContactPerson, preferred: frozenset[int]) -> int | None:
    """The organisation a person came for: an invited one (or the organiser) among their
    active organisations, else the first of them by name."""
    memberships = sorted(
        (m for m in contact.memberships.all() if m.is_active),
        key=lambda m: (m.organisation.name, m.organisation_id),
    )
    for membership in memberships:
        if membership.organisation_id in preferred:
            return membership.organisation_id
    return memberships[0].organisation_id if memberships else None


@transaction.atomic
def record_attendance(
    *,
    meeting: Meeting,
    by: User,
    contacts: Iterable[ContactPerson] = (),
    organisations: Iterable[Organisation] = (),
) -> list[MeetingAttendance]:
    """Replace the meeting's attendance: one row per person who came, counted for one of their
    organisations (an invited one when there is one), and a row for each further organisation
    that came without anyone named. An organisation counts as attending through its people;
    naming a person never adds another organisation."""
    preferred = meeting.organisation_ids()
    rows: list[MeetingAttendance] = []
    seen_contacts: set[int] = set()
    orgs_with_people: set[int] = set()
    for contact in contacts:
        if contact.pk in seen_contacts:
            continue
        org_id = _attendance_organisation(contact, preferred)
        if org_id is None:
            raise ValidationError(
                {"contacts": ValidationError(PERSON_WITHOUT_ORGANISATION, code="no_organisation")}
            )
        seen_contacts.add(contact.pk)
        orgs_with_people.add(org_id)
        rows.append(MeetingAttendance(meeting=meeting, organisation_id=org_id, contact=contact))
    for organisation in organisations:
        if organisation.pk not in orgs_with_people:
            orgs_with_people.add(organisation.pk)
            rows.append(MeetingAttendance(meeting=meeting, organisation=organisation))
    meeting.attendances.all().delete()
    created = MeetingAttendance.objects.bulk_create(rows)
    if created and meeting.status == Meeting.Status.PLANNED and meeting.starts_at <= timezone.now():
        # Attendance recorded for a past meeting means it was held.
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.HELD, version=F("version") + 1
        )
        meeting.status = Meeting.Status.HELD
        meeting.version += 1
    return created


@transaction.atomic
def add_meeting_document(
    *, meeting: Meeting, by: User, title: str, file: UploadedFile
) -> MeetingDocument:
    check_upload(file)
    document = MeetingDocument(meeting=meeting, title=title, uploaded_by=by)
    document.file.save(Path(file.name or "dokument").name, file, save=False)
    document.save()
    return document


# --- calendar feed ---------------------------------------------------------------------------------


def get_or_create_calendar_feed(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    if feed.token_digest != feed_token_digest(feed.url_token()):
        # The SECRET_KEY changed since the digest was stored: the URL shown now must work.
        feed.save(update_fields=["token_digest"])
    return feed


@transaction.atomic
def rotate_calendar_feed(*, user: User) -> CalendarFeed:
    """Give the user a new feed URL; every earlier URL stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.secret = _new_feed_secret()
        feed.rotated_at = timezone.now()
        feed.save(update_fields=["secret", "rotated_at"])
    return feed


def stale_days() -> int:
    return int(getattr(settings, "ACTIVITY_STALE_DAYS", 60))
