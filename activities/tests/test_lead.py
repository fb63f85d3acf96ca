"""The lead stored on each activity (activities.lead) stays its leading participation, whichever
way the working group changes, so the dashboard's "no lead" list stays right."""

from __future__ import annotations

import pytest

from activities import selectors, services
from activities.lead import refresh_lead
from activities.models import Activity, Participation
from activities.tests.factories import ActivityFactory, ParticipationFactory, activity_with_team

pytestmark = pytest.mark.django_db


def stored_lead(activity: Activity) -> int | None:
    activity.refresh_from_db(fields=["lead_organisation"])
    return activity.lead_organisation_id


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


def test_bulk_created_participations_count_once_refreshed(world):
    """bulk_create sends no signals: its callers (demo data, benchmark seeds) refresh."""
    activity = ActivityFactory.create()
    Participation.objects.bulk_create(
        [Participation(activity=activity, organisation=world.org_a, is_lead=True)]
    )
    assert stored_lead(activity) is None  # not yet
    assert refresh_lead([activity.pk]) == 1
    assert stored_lead(activity) == world.org_a.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_lead_of_existing_activities(world):
    """Existing activities get their stored lead when the field is added (migration 0005)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("activities", "0004_activity_updated_index")]
    after = [("activities", "0005_lead_organisation")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        old_activity = apps.get_model("activities", "Activity")
        old_participation = apps.get_model("activities", "Participation")
        today = timezone.localdate()
        led, unled = (
            old_activity.objects.create(
                title=title,
                kind="initiative",
                lifecycle="ongoing",
                start_date=today,
                end_date=today,
            )
            for title in ("Ledd", "Oledd")
        )
        old_participation.objects.create(activity=led, organisation_id=world.org_a.pk)
        old_participation.objects.create(activity=led, organisation_id=world.org_b.pk, is_lead=True)
        old_participation.objects.create(activity=unled, organisation_id=world.org_a.pk)
        MigrationExecutor(connection).migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored_lead(Activity.objects.get(title="Ledd")) == world.org_b.pk
    assert stored_lead(Activity.objects.get(title="Oledd")) is None
