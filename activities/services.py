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
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import followup
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
    Meeting,
    MeetingAttendance,
    MeetingDocument,
    Milestone,
    Participation,
    Signal,
    StatusUpdate,
    _new_feed_secret,
    feed_token_digest,
)

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


@transaction.atomic
def create_meeting(
    *,
    by: User,
    challenges: Sequence[Challenge] = (),
    activities: Sequence[Activity] = (),
    invited_organisations: Sequence[Organisation] = (),
    **fields: Any,
) -> Meeting:
    meeting = Meeting(**fields)
    meeting.full_clean()
    _check_meeting(meeting.starts_at, meeting.ends_at)
    meeting.save()
    meeting.challenges.set(challenges)
    meeting.activities.set(activities)
    meeting.invited_organisations.set(invited_organisations)
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
    **fields: Any,
) -> Meeting:
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    _check_meeting(meeting.starts_at, meeting.ends_at)
    updated = Meeting.objects.filter(pk=meeting.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConcurrentEditError()
    meeting.version = expected_version + 1
    meeting.challenges.set(challenges)
    meeting.activities.set(activities)
    meeting.invited_organisations.set(invited_organisations)
    return meeting


@transaction.atomic
def record_attendance(
    *,
    meeting: Meeting,
    by: User,
    organisations: Iterable[Organisation],
    contacts: Iterable[ContactPerson] = (),
) -> list[MeetingAttendance]:
    """Replace the meeting's attendance: the organisations that came, and the named people.

    A person counts for each of their organisations that is listed (or, when none is, for their
    first active organisation, which is then counted as attending too)."""
    org_ids = {o.pk for o in organisations}
    rows: list[MeetingAttendance] = []
    people_orgs: dict[int, set[int]] = {}
    for contact in contacts:
        memberships = [m.organisation_id for m in contact.memberships.all() if m.is_active]
        chosen = [pk for pk in memberships if pk in org_ids] or memberships[:1]
        for org_id in chosen:
            people_orgs.setdefault(org_id, set()).add(contact.pk)
            org_ids.add(org_id)
    for org_id in sorted(org_ids):
        contact_ids = people_orgs.get(org_id)
        if contact_ids:
            rows += [
                MeetingAttendance(meeting=meeting, organisation_id=org_id, contact_id=c)
                for c in sorted(contact_ids)
            ]
        else:
            rows.append(MeetingAttendance(meeting=meeting, organisation_id=org_id))
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
