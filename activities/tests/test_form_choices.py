"""The meeting forms list every organisation and every contact person (550 and 1,650 at ten times
the real size). Their options are read with one query per list, so the pages' query counts do not
grow with the rows, and each option still says who it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import MeetingAttendance, MeetingInvitation
from activities.tests.factories import MeetingFactory
from partners.tests.factories import (
    ContactPersonFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.fixtures import client_for

# Signed in as the office, after a warm-up request. The attendance page: the request's own
# (session, user, TOTP device, audit and security middleware), the meeting, its attendances, its
# invitations with their people and organisations, then one query per list of the form (the
# people with their organisations, the organisations). 15 at 3 and at 12 organisations, on both
# branches of the view (invited people ticked, attendance already recorded).
ATTENDANCE_BUDGET = 15
# The meeting's edit page: the request's own, the meeting and its four lists' current values, and
# one query per list of options (challenges, activities, organisations twice, people). 16 at both
# sizes.
MEETING_FORM_BUDGET = 16


def _grow(meeting, organisations: int) -> list[Any]:
    """``organisations`` new partner organisations with two contact people each, all invited."""
    people = []
    for number in range(organisations):
        organisation = OrganisationFactory(name=f"Org {number:03d}")
        meeting.invited_organisations.add(organisation)
        for first in ("Ada", "Bo"):
            person = ContactPersonFactory(first_name=first, last_name=f"Person {number:03d}")
            MembershipFactory(contact=person, organisation=organisation)
            MeetingInvitation.objects.create(meeting=meeting, contact=person)
            people.append(person)
    return people


@pytest.mark.parametrize("organisations", [3, 12])
@pytest.mark.parametrize("recorded", [False, True])
def test_the_attendance_page_costs_the_same_queries_for_more_people(
    world, organisations, recorded, django_assert_max_num_queries
):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    people = _grow(meeting, organisations)
    if recorded:  # the other branch of the view: attendance already saved
        for person in people:
            MeetingAttendance.objects.create(
                meeting=meeting, contact=person, organisation=person.memberships.get().organisation
            )
    client = client_for(world.office)
    url = reverse("activities:meeting_attendance", kwargs={"pk": meeting.pk})
    client.get(url)  # warm-up: the session and the caches

    with django_assert_max_num_queries(ATTENDANCE_BUDGET):
        page = client.get(url)

    html = page.content.decode()
    for person in people:  # each person once, named with the organisation, and ticked
        label = (
            f"{person.first_name} {person.last_name} ({person.memberships.get().organisation.name})"
        )
        assert html.count(f"> {label}</label>") == 1
        assert f'value="{person.pk}"' in html
    assert html.count(" checked>") == len(people)


@pytest.mark.parametrize("organisations", [3, 12])
def test_the_meeting_form_costs_the_same_queries_for_more_organisations(
    world, organisations, django_assert_max_num_queries
):
    meeting = MeetingFactory()
    _grow(meeting, organisations)
    client = client_for(world.office)
    url = reverse("activities:meeting_update", kwargs={"pk": meeting.pk})
    client.get(url)

    with django_assert_max_num_queries(MEETING_FORM_BUDGET):
        page = client.get(url)

    html = page.content.decode()
    # Every organisation is offered as organiser and as invited; the invited ones are selected.
    for number in range(organisations):
        assert html.count(f">Org {number:03d}</option>") == 2
        assert html.count(f"selected>Org {number:03d}</option>") == 1
