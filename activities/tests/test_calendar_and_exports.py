"""The personal iCalendar feed (opaque, revocable, scoped) and the CSV/XLSX exports."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from activities import calendar, services
from activities.models import Activity, CalendarFeed, Meeting
from activities.tests.factories import MeetingFactory, activity_with_team
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    feed = services.get_or_create_calendar_feed(user=user)
    return reverse("activities:calendar_feed", kwargs={"token": calendar.make_token(feed)})


@pytest.fixture
def meetings(world):
    soon = timezone.now() + dt.timedelta(days=5)
    return {
        "day": MeetingFactory(
            kind=Meeting.Kind.PARTNERSHIP_DAY,
            title="Partnerskapsdag",
            starts_at=soon,
            place="Väven",
        ),
        "grouping_a": MeetingFactory(
            kind=Meeting.Kind.GROUPING, title="Gruppering A", starts_at=soon
        ),
        "strategic": MeetingFactory(
            kind=Meeting.Kind.STRATEGIC_GROUP, title="Strategimöte", starts_at=soon
        ),
        # Issue 18: the feed keeps past meetings for a year, so the one to leave out is older.
        "past": MeetingFactory(
            kind=Meeting.Kind.PARTNERSHIP_DAY,
            title="Förra dagen",
            starts_at=timezone.now() - dt.timedelta(days=400),
        ),
    }


def summaries(body: bytes) -> set[str]:
    cal = Calendar.from_ical(body)
    return {str(event["summary"]).split(" (")[0] for event in cal.walk("VEVENT")}


def test_the_feed_works_without_a_login_and_shows_only_what_the_user_may_see(world, meetings):
    meetings["grouping_a"].invited_organisations.set([world.org_a])
    anonymous = client_for(None)
    response = anonymous.get(feed_url(world.contact_a))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert summaries(response.content) == {"Partnerskapsdag", "Gruppering A"}
    assert summaries(anonymous.get(feed_url(world.contact_b)).content) == {"Partnerskapsdag"}
    office = summaries(anonymous.get(feed_url(world.office)).content)
    # Not the meeting that ended more than a year ago.
    assert office == {"Partnerskapsdag", "Gruppering A", "Strategimöte"}


def test_feed_events_carry_time_place_and_a_stable_uid(world, meetings):
    body = client_for(None).get(feed_url(world.contact_a)).content
    event = next(
        e for e in Calendar.from_ical(body).walk("VEVENT") if "Partnerskapsdag" in str(e["summary"])
    )
    assert str(event["location"]) == "Väven"
    assert event["dtstart"].dt == meetings["day"].starts_at.astimezone(dt.UTC).replace(
        microsecond=0
    ) or (event["dtstart"].dt == meetings["day"].starts_at.astimezone(dt.UTC))
    assert str(event["uid"]) == f"meeting-{meetings['day'].pk}@klimatfardplan.umea.se"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:20],  # cut short
        lambda t: "nonsense",
    ],
)
def test_a_tampered_token_is_refused(world, meetings, mangle):
    feed = services.get_or_create_calendar_feed(user=world.contact_a)
    token = mangle(calendar.make_token(feed))
    response = client_for(None).get(reverse("activities:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 404


def test_a_token_for_one_user_does_not_open_another_users_feed(world, meetings):
    token_a = calendar.make_token(services.get_or_create_calendar_feed(user=world.contact_a))
    feed_b = services.get_or_create_calendar_feed(user=world.contact_b)
    assert calendar.user_for_token(token_a) == world.contact_a
    assert calendar.user_for_token(calendar.make_token(feed_b)) == world.contact_b
    assert token_a != calendar.make_token(feed_b)


def test_the_feed_address_names_no_user_and_the_database_keeps_no_usable_token(world, meetings):
    """Issue 15, point 8: the URL is opaque, and a copy of the table cannot rebuild it."""
    user = UserFactory(pk=987654321, username="zacharias_unik")
    url = feed_url(user)
    token = url.removeprefix("/activities/calendar/").removesuffix(".ics")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), url
    decoded = base64.urlsafe_b64decode(token + "=").decode("latin-1")
    for readable in ("987654321", "zacharias_unik"):
        assert readable not in url
        assert readable not in decoded
    feed = CalendarFeed.objects.get(user=user)
    assert token not in (feed.secret, feed.token_digest)
    assert client_for(None).get(url).status_code == 200


def test_the_old_signed_id_address_no_longer_opens_a_feed(world, meetings):
    """Before issue 15 the URL was "<user id>:<signature>"; such URLs are dead now."""
    feed = services.get_or_create_calendar_feed(user=world.contact_a)
    old = signing.Signer(salt=f"activities.calendar-feed:{feed.secret}").sign(
        str(world.contact_a.pk)
    )
    assert old.startswith(f"{world.contact_a.pk}:")
    response = client_for(None).get(reverse("activities:calendar_feed", kwargs={"token": old}))
    assert response.status_code == 404


def test_making_a_new_address_revokes_the_old_one(world, meetings):
    old = feed_url(world.contact_a)
    client = client_for(world.contact_a)
    response = client.post(reverse("activities:calendar_settings"))
    assert response.status_code == 302
    assert client_for(None).get(old).status_code == 404
    page = client.get(reverse("activities:calendar_settings"))
    new_url = page.context["feed_url"]
    assert new_url.endswith(".ics")
    assert not new_url.endswith(old)
    assert client_for(None).get(feed_url(world.contact_a)).status_code == 200


def test_an_inactive_users_feed_is_closed(world, meetings):
    url = feed_url(world.contact_a)
    world.contact_a.is_active = False
    world.contact_a.save()
    assert client_for(None).get(url).status_code == 404


# --- exports ---------------------------------------------------------------------------------------


@pytest.fixture
def exported(world):
    a = activity_with_team(
        world.org_a, world.org_b, title='=HYPERLINK("http://evil")', kind=Activity.Kind.INITIATIVE
    )
    b = activity_with_team(
        world.org_b, title="Utredning om värme", kind=Activity.Kind.INVESTIGATION
    )
    MeetingFactory(kind=Meeting.Kind.SITE_VISIT, title="Växthuslunch")
    return a, b


def test_activities_export_as_csv(world, exported):
    response = client_for(world.office).get(reverse("activities:activity_export", args=["csv"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Titel", "Typ"]
    titles = {r[1] for r in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://evil")', "Utredning om värme"}  # formulas defused
    beta = next(r for r in rows if r[1] == "Utredning om värme")
    assert beta[2] == "Utredning"
    assert beta[9] == world.org_b.name


def test_activities_export_as_xlsx_respects_filters(world, exported):
    response = client_for(world.strategic).get(
        reverse("activities:activity_export", args=["xlsx"]), {"kind": "investigation"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][1] == "Titel"
    assert [row[1] for row in values[1:]] == ["Utredning om värme"]


def test_meetings_export_as_csv_and_xlsx(world, exported):
    client = client_for(world.office)
    body = client.get(reverse("activities:meeting_export", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    assert "Växthuslunch" in body
    assert "Studiebesök" in body
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("activities:meeting_export", args=["xlsx"])).content)
    ).active
    assert [row[2] for row in list(sheet.values)[1:]] == ["Växthuslunch"]


def test_partner_contacts_cannot_export(world, exported):
    client = client_for(world.contact_a)
    assert client.get(reverse("activities:activity_export", args=["csv"])).status_code == 403
    assert client.get(reverse("activities:meeting_export", args=["xlsx"])).status_code == 403


def test_the_export_runs_a_constant_number_of_queries(world, exported, django_assert_num_queries):
    from activities.exports import activity_rows

    activity_rows(visible_to=world.office)
    # 1 activities with facts and lead; 2 participations with organisations; 3 challenges.
    with django_assert_num_queries(3):
        activity_rows(visible_to=world.office)
    for _ in range(3):
        activity_with_team(world.org_a, world.org_b)
    with django_assert_num_queries(3):
        assert len(activity_rows(visible_to=world.office)[1]) == 5
