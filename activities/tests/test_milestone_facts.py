"""The milestone facts stored on each activity (activities.milestone_facts) stay what its
milestones say, whichever way a milestone changes, so the dashboard's signals stay right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from activities import selectors, services
from activities.milestone_facts import refresh_milestone_facts
from activities.models import Activity, Milestone
from activities.tests.factories import ActivityFactory, MilestoneFactory, activity_with_team

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def stored(activity: Activity) -> tuple[int, int, dt.date | None]:
    activity.refresh_from_db(fields=["milestones_total", "milestones_done", "first_open_due"])
    return activity.milestones_total, activity.milestones_done, activity.first_open_due


def from_milestones(activity: Activity) -> tuple[int, int, dt.date | None]:
    milestones = list(Milestone.objects.filter(activity=activity))
    open_dues = [m.due_date for m in milestones if m.done_on is None]
    done = sum(1 for m in milestones if m.done_on is not None)
    return len(milestones), done, min(open_dues, default=None)


def test_services_keep_the_facts_true_and_the_dashboard_follows(world):
    activity = activity_with_team(
        world.org_a,
        title="Laddplatser",
        start_date=TODAY() - dt.timedelta(days=60),
        end_date=TODAY() + dt.timedelta(days=60),
    )
    assert stored(activity) == (0, 0, None)
    overdue = services.add_milestone(
        activity=activity,
        by=world.contact_a,
        title="Upphandling",
        due_date=TODAY() - dt.timedelta(days=5),
    )
    later = services.add_milestone(
        activity=activity, by=world.contact_a, title="Invigning", due_date=TODAY()
    )
    assert stored(activity) == (2, 0, TODAY() - dt.timedelta(days=5)) == from_milestones(activity)
    assert [r.title for r in selectors.dashboard(visible_to=world.strategic).at_risk] == [
        "Laddplatser"
    ]

    services.update_milestone(
        milestone=overdue,
        by=world.contact_a,
        title="Upphandling",
        due_date=overdue.due_date,
        done_on=TODAY(),
    )
    assert stored(activity) == (2, 1, TODAY()) == from_milestones(activity)
    assert selectors.dashboard(visible_to=world.strategic).at_risk == []

    services.delete_milestone(milestone=later, by=world.contact_a)
    assert stored(activity) == (1, 1, None) == from_milestones(activity)


def test_direct_writes_and_a_deleted_milestone_keep_the_facts_true():
    """The Django admin and any other code writing milestones directly are covered too."""
    activity = ActivityFactory.create()
    first = MilestoneFactory.create(activity=activity, due_date=activity.start_date)
    MilestoneFactory.create(
        activity=activity, due_date=activity.end_date, done_on=activity.start_date
    )
    assert stored(activity) == (2, 1, activity.start_date) == from_milestones(activity)
    first.due_date = activity.start_date + dt.timedelta(days=1)
    first.save()
    assert stored(activity) == from_milestones(activity)
    first.delete()
    assert stored(activity) == (1, 1, None)
    other = ActivityFactory.create()
    assert stored(other) == (0, 0, None)  # another activity's milestones never count


def test_bulk_created_milestones_count_once_refreshed():
    """bulk_create sends no signals: its callers (demo data, benchmark seeds) refresh."""
    activities = [ActivityFactory.create(), ActivityFactory.create()]
    Milestone.objects.bulk_create(
        [
            Milestone(activity=a, title=f"Delmål {n}", due_date=a.start_date + dt.timedelta(n))
            for a in activities
            for n in range(3)
        ]
    )
    assert stored(activities[0]) == (0, 0, None)  # not yet
    assert refresh_milestone_facts([activities[0].pk]) == 1
    assert (
        stored(activities[0]) == from_milestones(activities[0]) == (3, 0, activities[0].start_date)
    )
    assert stored(activities[1]) == (0, 0, None)  # only the asked-for activity
    refresh_milestone_facts()
    assert stored(activities[1]) == from_milestones(activities[1])


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_facts_of_existing_activities():
    """Existing activities get their facts when the fields are added (migration 0003)."""
    executor = MigrationExecutor(connection)
    before, after = (
        [("activities", "0002_dashboard_indexes")],
        [("activities", "0003_milestone_facts")],
    )
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        old_activity = apps.get_model("activities", "Activity")
        old_milestone = apps.get_model("activities", "Milestone")
        activity = old_activity.objects.create(
            title="Från förr",
            kind="initiative",
            lifecycle="ongoing",
            start_date=TODAY() - dt.timedelta(days=10),
            end_date=TODAY() + dt.timedelta(days=10),
        )
        for n, done_on in enumerate([TODAY(), None, None]):
            old_milestone.objects.create(
                activity=activity,
                title=f"Delmål {n}",
                due_date=TODAY() + dt.timedelta(days=n),
                done_on=done_on,
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    migrated = Activity.objects.get(title="Från förr")
    assert stored(migrated) == (3, 1, TODAY() + dt.timedelta(days=1))
