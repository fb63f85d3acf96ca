"""The demo data: varied states, and a second run adds nothing."""

from __future__ import annotations

import random

import pytest

from activities.demo import create_demo
from activities.models import Activity, Meeting, Milestone
from activities.selectors import dashboard
from partners.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_data_covers_the_dashboard_and_is_idempotent(world):
    organisations = [world.org_a, world.org_b, *OrganisationFactory.create_batch(6)]
    summary = create_demo(random.Random(1), organisations)
    assert summary == "20 activities, 15 meetings"
    assert Milestone.objects.exists()
    assert Meeting.objects.filter(kind=Meeting.Kind.INTRO).exists()
    data = dashboard(visible_to=world.office)
    assert data.attention_counts["late"] >= 1
    assert data.attention_counts["at_risk"] >= 1
    assert data.attention_counts["stale"] >= 1
    assert data.attention_counts["no_lead"] >= 1
    assert create_demo(random.Random(1), organisations) == ""
    assert Activity.objects.count() == 20
