"""An activity's lead is its leading participation, read at read time, whichever way the working
group changes (services, the admin, bulk writes), so the dashboard's "no lead" list stays right."""

from __future__ import annotations

import pytest

from activities import selectors, services
from activities.models import Activity, Participation
from activities.tests.factories import ActivityFactory, ParticipationFactory, activity_with_team

pytestmark = pytest.mark.django_db


def stored_lead(activity: Activity) -> int | None:
    lead = Activity.objects.get(pk=activity.pk).lead_organisation
    return lead.pk if lead is not None else None


def no_lead_titles(world) -> list[str]:
    return [r.title for r in selectors.dashboard(visible_to=world.strategic).no_lead]


def test_the_working_group_service_keeps_the_lead_and_the_dashboard_follows(world):
    activity = activity_with_team(world.org_a, world.org_b, title="Samåkning")
    assert stored_lead(activity) == world.org_a.pk
    fields = {"title": activity.title, "start_date": activity.start_date}
    common = {"challenges": [], "clusters": [], "goals": [], **fields}
    services.update_activity(
        activity=activity,
        by=world.office,
        expected_version=activity.version,
        organisations=[world.org_a, world.org_b],
        lead=world.org_b,
        **common,
    )
    assert stored_lead(activity) == world.org_b.pk
    services.update_activity(
        activity=activity,
        by=world.office,
        expected_version=activity.version,
        organisations=[world.org_a, world.org_b],
        lead=None,
        **common,
    )
    assert stored_lead(activity) is None
    assert "Samåkning" in no_lead_titles(world)


def test_direct_writes_a_deleted_lead_and_a_deleted_organisation_keep_the_lead_true(world):
    activity = ActivityFactory.create(title="Solceller")
    assert stored_lead(activity) is None
    lead = ParticipationFactory.create(activity=activity, organisation=world.org_a, is_lead=True)
    ParticipationFactory.create(activity=activity, organisation=world.org_b)
    assert stored_lead(activity) == world.org_a.pk
    assert "Solceller" not in no_lead_titles(world)
    lead.delete()  # as the admin would
    assert stored_lead(activity) is None
    assert "Solceller" in no_lead_titles(world)
    Participation.objects.filter(activity=activity, organisation=world.org_b).delete()
    ParticipationFactory.create(activity=activity, organisation=world.org_b, is_lead=True)
    assert stored_lead(activity) == world.org_b.pk
    world.org_b.delete()  # the organisation leaves for good: its participation goes with it
    assert stored_lead(activity) is None


def test_bulk_created_participations_count_at_once(world):
    """bulk_create sends no signals, and nothing needs one."""
    activity = ActivityFactory.create()
    Participation.objects.bulk_create(
        [Participation(activity=activity, organisation=world.org_a, is_lead=True)]
    )
    assert stored_lead(activity) == world.org_a.pk
    assert activity.title not in no_lead_titles(world)
    Participation.objects.filter(activity=activity).update(is_lead=False)  # QuerySet.update
    assert activity.title in no_lead_titles(world)
