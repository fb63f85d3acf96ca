"""The access matrix's world, survey rounds, and growing the data block by block."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from bench.seed.blocks import _activities, _spaces, _surveys
from bench.seed.partners import _partners
from bench.seed.sizes import Seeded, _Block, _refresh


def build_world() -> tuple[Any, dict[str, Any]]:
    """The access matrix's users and samples (tests/fixtures.py and tests/access_world.py of the
    tree under test): organisations A and B with contacts, an object of every kind."""
    from accounts.tests.factories import UserFactory
    from partners.tests.factories import (
        ContactPersonFactory,
        MembershipFactory,
        OrganisationFactory,
    )
    from roadmap.services import load_reference_data
    from tests.access_world import build
    from tests.fixtures import World

    load_reference_data()

    def contact(username: str, org: Any, *, submitter: bool, active: bool = True) -> Any:
        user = UserFactory(username=username, is_active=active)
        person = ContactPersonFactory(user=user, email=f"{username}@example.org")
        MembershipFactory(
            contact=person,
            organisation=org,
            is_survey_submitter=submitter,
            is_main_contact=submitter,
        )
        return user

    org_a = OrganisationFactory(name="Alfa Energi AB")
    org_b = OrganisationFactory(name="Beta Bygg AB")
    world = World(
        org_a=org_a,
        org_b=org_b,
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        office=UserFactory(username="kansli", is_office_staff=True, is_staff=True),
        strategic=UserFactory(username="strateg", is_strategic_group=True),
        contact_a=contact("anna_a", org_a, submitter=True),
        contact_a2=contact("bertil_a", org_a, submitter=False),
        contact_b=contact("cecilia_b", org_b, submitter=True),
        inactive=contact("ivar_inactive", org_a, submitter=False, active=False),
    )
    return world, build(world)


def _block(number: int, seeded: Seeded) -> None:
    from roadmap.models import Challenge

    block = _Block(
        number,
        seeded,
        random.Random(1000 + number),
        timezone.localdate(),
        timezone.now(),
        list(Challenge.objects.all()),
    )
    _partners(block)
    _activities(block)
    _spaces(block)
    _surveys(block)


# Services that keep derived values, called once after seeding (bulk_create sends no signals).
# The activities' milestone facts and lead are computed by the database now (issue 19): no
# refresh for them.
REFRESHERS = [
    "surveys.indicators:recompute_indicators",
    # The answers went in behind the survey services' back: what they would have announced
    # (the follow-up's cached figures get a new version, issue 19).
    "surveys.figures.cached:changed",
    # ...and the task that follows such a change computes what the pages open with.
    "surveys.figures.cached:warm",
]


def grow(seeded: Seeded, to: int) -> None:
    """Add blocks until the database holds ``to`` times the real size."""
    from django.apps import apps

    while seeded.scale < to:
        _block(seeded.scale, seeded)
        seeded.scale += 1
    for dotted in REFRESHERS:
        if called := _refresh(dotted):
            seeded.refreshed.add(called)
    seeded.counts = {
        label: apps.get_model(label).objects.count()
        for label in [
            "partners.Organisation",
            "partners.ContactPerson",
            "partners.Commitment",
            "activities.Activity",
            "activities.Milestone",
            "activities.Meeting",
            "spaces.Post",
            "surveys.SurveyRound",
            "surveys.Response",
            "surveys.Answer",
        ]
    }
