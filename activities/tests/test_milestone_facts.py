"""The milestone facts the follow-up rule reads (annotated at read time, selectors.with_facts)
are what the activity's milestones say, whichever way a milestone changes, bulk writes
included: nobody has to refresh anything, and the dashboard's signals stay right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities import selectors, services
from activities.models import Activity, Milestone
from activities.tests.factories import ActivityFactory, MilestoneFactory, activity_with_team

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def stored(activity: Activity) -> tuple[int, int, dt.date | None]:
    """The facts as the selectors read them."""
    return (
        selectors.with_facts(Activity.objects.filter(pk=activity.pk))
        .values_list("ms_total", "ms_done", "ms_first_open")
        .get()
    )


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


def test_bulk_created_milestones_count_at_once():
    """bulk_create sends no signals, and nothing needs one."""
    activities = [ActivityFactory.create(), ActivityFactory.create()]
    Milestone.objects.bulk_create(
        [
            Milestone(activity=a, title=f"Delmål {n}", due_date=a.start_date + dt.timedelta(n))
            for a in activities
            for n in range(3)
        ]
    )
    assert (
        stored(activities[0]) == from_milestones(activities[0]) == (3, 0, activities[0].start_date)
    )
    assert stored(activities[1]) == from_milestones(activities[1])
    Milestone.objects.filter(activity=activities[1]).update(done_on=activities[1].start_date)
    assert stored(activities[1]) == (3, 3, None)  # QuerySet.update too
