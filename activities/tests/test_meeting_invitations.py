"""Meeting invitations people can act on (issue 18, point 3): an iCalendar invitation per invited
person that Outlook and Google Calendar accept, updates and cancellations with a stable UID and a
rising SEQUENCE, an answer link without a login, attendance by person, and the calendar feed."""

from __future__ import annotations

import datetime as dt
import email
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from activities import calendar, services
from activities.models import Meeting, MeetingAttendance, MeetingInvitation
from activities.tests.factories import MeetingFactory
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)


def _itip(message) -> Calendar:
    """The text/calendar part of a sent mail, parsed the way a calendar program reads it."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one iTIP part in the alternatives"
    assert parts[0].get_param("method") in {"REQUEST", "CANCEL"}
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def _event(message):
    cal = _itip(message)
    (event,) = cal.walk("VEVENT")
    return cal, event


def _by_recipient() -> dict[str, object]:
    return {m.to[0]: m for m in mail.outbox}


@pytest.fixture
def meeting_kwargs():
    return {
        "kind": Meeting.Kind.GROUPING,
        "title": "Grupperingsträff energi",
        "starts_at": START,
        "ends_at": START + dt.timedelta(hours=2),
        "place": "Väven, Umeå",
        "notes": "Vi går igenom årets åtaganden.",
    }


def _create(world, django_capture_on_commit_callbacks, **kwargs) -> Meeting:
    with django_capture_on_commit_callbacks(execute=True):
        return services.create_meeting(by=world.office, **kwargs)


def _update(world, meeting, django_capture_on_commit_callbacks, **changes) -> Meeting:
    fields = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "notes": meeting.notes,
        "status": meeting.status,
        "organiser": meeting.organiser,
    }
    lists = {
        "challenges": list(meeting.challenges.all()),
        "activities": list(meeting.activities.all()),
        "invited_organisations": list(meeting.invited_organisations.all()),
        "invited_contacts": list(meeting.invited_contacts.all()),
    }
    for name, value in changes.items():
        (lists if name in lists else fields)[name] = value
    with django_capture_on_commit_callbacks(execute=True):
        return services.update_meeting(
            meeting=meeting,
            by=world.office,
            expected_version=meeting.version,
            **lists,
            **fields,
        )


def test_saving_a_meeting_sends_each_invited_person_a_calendar_invitation(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    cecilia = world.contact_b.contact_person
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_a],
        invited_contacts=[cecilia],
        **meeting_kwargs,
    )
    # Alfa's three active contact persons (anna, bertil, and ivar, whose login is disabled but
    # who is still Alfa's contact) and Cecilia, invited by name.
    assert set(_by_recipient()) == {
        "anna_a@example.org",
        "bertil_a@example.org",
        "ivar_inactive@example.org",
        "cecilia_b@example.org",
    }
    message = _by_recipient()["cecilia_b@example.org"]
    assert message.subject == "Inbjudan: Grupperingsträff energi, 2027-03-10 10:00"  # Stockholm
    cal, event = _event(message)
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@klimatfardplan.umea.se"
    assert int(event["sequence"]) == 0
    assert event["dtstart"].dt == START
    assert event["dtend"].dt == START + dt.timedelta(hours=2)
    assert "dtstamp" in event
    assert str(event["location"]) == "Väven, Umeå"
    assert str(event["organizer"]) == "mailto:klimatfardplan@umea.se"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:cecilia_b@example.org"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    # The same calendar is attached as invite.ics for mail programs that ignore the alternative.
    assert [a.filename for a in message.attachments] == ["invite.ics"]
    # An absolute link to answer, in the text and the HTML part.
    link = re.search(r"http://127\.0\.0\.1:8000/activities/meetings/answer/\S+/", message.body)
    assert link, message.body
    assert link.group(0) in message.alternatives[0].content


def test_a_person_of_two_invited_organisations_gets_one_invitation(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    MembershipFactory(contact=world.contact_a.contact_person, organisation=world.org_b)
    _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_a, world.org_b],
        invited_contacts=[world.contact_a.contact_person],
        **meeting_kwargs,
    )
    assert [m.to for m in mail.outbox].count(["anna_a@example.org"]) == 1
    assert MeetingInvitation.objects.filter(contact=world.contact_a.contact_person).count() == 1


def test_a_change_of_time_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    (first,) = mail.outbox
    uid = str(_event(first)[1]["uid"])
    mail.outbox.clear()

    meeting = _update(
        world,
        meeting,
        django_capture_on_commit_callbacks,
        starts_at=START + dt.timedelta(days=1),
        ends_at=START + dt.timedelta(days=1, hours=2),
    )
    (update,) = mail.outbox
    cal, event = _event(update)
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 1
    assert event["dtstart"].dt == START + dt.timedelta(days=1)
    assert update.subject.startswith("Ändrad träff:")
    mail.outbox.clear()

    # Notes only: nothing a calendar shows changed, so nobody is mailed again.
    meeting = _update(world, meeting, django_capture_on_commit_callbacks, notes="Ny dagordning.")
    assert mail.outbox == []
    meeting = _update(world, meeting, django_capture_on_commit_callbacks, place="Stadshuset")
    assert int(_event(mail.outbox[0])[1]["sequence"]) == 2


def test_cancelling_sends_method_cancel_to_everyone_who_was_sent_the_invitation(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    uid = str(_event(mail.outbox[0])[1]["uid"])
    mail.outbox.clear()
    _update(world, meeting, django_capture_on_commit_callbacks, status=Meeting.Status.CANCELLED)
    (cancel,) = mail.outbox
    cal, event = _event(cancel)
    assert str(cal["method"]) == "CANCEL"
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert cancel.subject.startswith("Inställd:")


def test_people_taken_off_the_list_get_a_cancellation_and_new_people_an_invitation(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    mail.outbox.clear()
    _update(
        world,
        meeting,
        django_capture_on_commit_callbacks,
        invited_organisations=[],
        invited_contacts=[world.contact_a.contact_person],
    )
    sent = _by_recipient()
    assert set(sent) == {"cecilia_b@example.org", "anna_a@example.org"}
    assert str(_itip(sent["cecilia_b@example.org"])["method"]) == "CANCEL"
    assert sent["cecilia_b@example.org"].subject.startswith("Inbjudan återkallad:")
    assert str(_itip(sent["anna_a@example.org"])["method"]) == "REQUEST"


def test_delivery_is_safe_to_repeat(world, meeting_kwargs, django_capture_on_commit_callbacks):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    assert len(mail.outbox) == 1
    assert services.deliver_meeting_invitations(meeting_id=meeting.pk) == 0
    assert len(mail.outbox) == 1


def test_a_meeting_already_over_sends_no_invitations(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    past = timezone.now() - dt.timedelta(days=3)
    meeting_kwargs |= {"starts_at": past, "ends_at": past + dt.timedelta(hours=1)}
    _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    assert mail.outbox == []


def test_the_answer_link_works_without_a_login_and_the_office_sees_the_answer(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    link = re.search(r"/activities/meetings/answer/\S+/", mail.outbox[0].body).group(0)
    anonymous = client_for(None)
    page = anonymous.get(link)
    assert page.status_code == 200
    invitation = MeetingInvitation.objects.get(meeting=meeting)
    assert invitation.contact.full_name in page.content.decode()  # whom the link is for
    assert invitation.response == MeetingInvitation.Response.PENDING  # GET changes nothing
    response = anonymous.post(link, {"answer": "no"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.DECLINED
    assert invitation.responded_at is not None

    detail = client_for(world.office).get(meeting.get_absolute_url())
    rows = detail.content.decode().split('data-testid="invitations"')[1].split("</table>")[0]
    assert re.search(r"Beta Bygg AB</td>\s*<td>Kommer inte", rows), rows
    # The partner sees the meeting, not the list of who answered what.
    partner_page = client_for(world.contact_b).get(meeting.get_absolute_url())
    assert 'data-testid="invitations"' not in partner_page.content.decode()


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "MQ:abc:def"])
def test_a_tampered_answer_link_is_refused(
    world, meeting_kwargs, django_capture_on_commit_callbacks, mangle
):
    _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    token = re.search(r"/answer/(\S+)/", mail.outbox[0].body).group(1)
    url = reverse("activities:meeting_answer", kwargs={"token": mangle(token)})
    assert client_for(None).post(url, {"answer": "yes"}).status_code == 404


def test_someone_no_longer_invited_cannot_answer(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_organisations=[world.org_b],
        **meeting_kwargs,
    )
    link = re.search(r"/activities/meetings/answer/\S+/", mail.outbox[0].body).group(0)
    _update(world, meeting, django_capture_on_commit_callbacks, invited_organisations=[])
    response = client_for(None).post(link, {"answer": "yes"})
    assert response.status_code == 200
    assert MeetingInvitation.objects.get().response == MeetingInvitation.Response.PENDING


# --- attendance by person ---------------------------------------------------------------------


def test_the_attendance_form_lists_each_person_once_with_organisation_and_ticks_the_invited(
    world, meeting_kwargs, django_capture_on_commit_callbacks
):
    anna = world.contact_a.contact_person
    MembershipFactory(contact=anna, organisation=world.org_b)  # Anna works for both
    meeting = _create(
        world,
        django_capture_on_commit_callbacks,
        invited_contacts=[anna],
        **meeting_kwargs,
    )
    page = client_for(world.office).get(
        reverse("activities:meeting_attendance", kwargs={"pk": meeting.pk})
    )
    form = page.context["form"]
    labels = [label for _value, label in form.fields["contacts"].choices]
    anna_labels = [label for label in labels if label.startswith(anna.full_name)]
    assert anna_labels == [f"{anna.full_name} (Alfa Energi AB, Beta Bygg AB)"]
    assert form.initial["contacts"] == [anna.pk]


def test_a_person_counts_once_for_one_organisation_and_adds_no_other(
    world, django_capture_on_commit_callbacks
):
    anna = world.contact_a.contact_person
    MembershipFactory(contact=anna, organisation=world.org_b)
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    meeting.invited_organisations.set([world.org_b])
    client = client_for(world.office)
    response = client.post(
        reverse("activities:meeting_attendance", kwargs={"pk": meeting.pk}),
        {"contacts": [anna.pk, world.contact_b.contact_person.pk]},
    )
    assert response.status_code == 302
    rows = list(MeetingAttendance.objects.filter(meeting=meeting).order_by("contact__email"))
    # Anna once, for Beta (the invited one of her organisations); Alfa is not added.
    assert [(r.contact.email, r.organisation.name) for r in rows] == [
        ("anna_a@example.org", "Beta Bygg AB"),
        ("cecilia_b@example.org", "Beta Bygg AB"),
    ]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_an_organisation_without_named_people_can_still_be_recorded(world):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    services.record_attendance(
        meeting=meeting,
        by=world.office,
        contacts=[world.contact_b.contact_person],
        organisations=[world.org_a, world.org_b],
    )
    rows = {(r.organisation.name, r.contact_id) for r in meeting.attendances.all()}
    # Beta counts through Cecilia; Alfa came without anyone named.
    assert rows == {("Beta Bygg AB", world.contact_b.contact_person.pk), ("Alfa Energi AB", None)}


def test_two_people_with_the_same_name_stay_apart_by_organisation(world):
    twin = ContactPersonFactory(
        first_name=world.contact_a.contact_person.first_name,
        last_name=world.contact_a.contact_person.last_name,
        email="tvilling@example.org",
    )
    MembershipFactory(contact=twin, organisation=world.org_b)
    meeting = MeetingFactory()
    page = client_for(world.office).get(
        reverse("activities:meeting_attendance", kwargs={"pk": meeting.pk})
    )
    name = world.contact_a.contact_person.full_name
    labels = [label for _v, label in page.context["form"].fields["contacts"].choices]
    assert sorted(label for label in labels if label.startswith(name)) == [
        f"{name} (Alfa Energi AB)",
        f"{name} (Beta Bygg AB)",
    ]


# --- the calendar feed --------------------------------------------------------------------------


def _feed(user) -> Calendar:
    feed = services.get_or_create_calendar_feed(user=user)
    url = reverse("activities:calendar_feed", kwargs={"token": calendar.make_token(feed)})
    return Calendar.from_ical(client_for(None).get(url).content)


def test_the_feed_carries_a_description_and_a_link_back_and_keeps_a_year(world):
    now = timezone.now()
    recent = MeetingFactory(
        kind=Meeting.Kind.PARTNERSHIP_DAY,
        title="Höstens dag",
        notes="Tema: mat",
        starts_at=now - dt.timedelta(days=300),
    )
    MeetingFactory(
        kind=Meeting.Kind.PARTNERSHIP_DAY,
        title="För länge sedan",
        starts_at=now - dt.timedelta(days=400),
    )
    events = {str(e["summary"]): e for e in _feed(world.contact_a).walk("VEVENT")}
    assert set(events) == {"Höstens dag"}
    event = events["Höstens dag"]
    link = f"http://127.0.0.1:8000/activities/meetings/{recent.pk}/"
    assert str(event["url"]) == link
    assert "Tema: mat" in str(event["description"])
    assert link in str(event["description"])


def test_the_calendar_page_offers_a_webcal_link_and_a_copy_button(world):
    page = client_for(world.contact_a).get(reverse("activities:calendar_settings"))
    html = page.content.decode()
    feed_url = page.context["feed_url"]
    assert page.context["webcal_url"] == "webcal://" + feed_url.split("://", 1)[1]
    assert f'href="{page.context["webcal_url"]}"' in html
    assert 'data-copy-target="feed-url"' in html
    assert "js/copy.js" in html
    assert "<script>" not in html  # no inline script (CSP)
