"""Meetings with their invitations, answers, attendance and documents, and the personal
calendar feeds."""

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

from activities import tasks
from activities.models import (
    Activity,
    CalendarFeed,
    Meeting,
    MeetingAttendance,
    MeetingDocument,
    MeetingInvitation,
    _new_feed_secret,
    feed_token_digest,
)
from activities.services.common import (
    ANSWER_CLOSED,
    ANSWER_SALT,
    MEETING_END_BEFORE_START,
    PERSON_WITHOUT_ORGANISATION,
    ConcurrentEditError,
)
from activities.services.milestones import (
    check_upload,
)
from klimatfardplan.queue import publish_on_commit

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import ContactPerson, Organisation
    from roadmap.models import Challenge

# Messages shared with the tests (HackSoft's habit): the user sees exactly these.

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
