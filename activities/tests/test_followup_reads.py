"""The list's rows and its signal filter read the milestone facts from the database and run
activities.followup on them: they must give what the rule gives from the milestones themselves,
on every activity, boundaries included (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities import followup, selectors
from activities.models import Activity, Lifecycle, Signal
from activities.tests.factories import ActivityFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def python_signal(activity: Activity, today: dt.date) -> str | None:
    facts = followup.MilestoneFacts.from_milestones(
        [(m.due_date, m.done_on) for m in activity.milestones.all()], today=today
    )
    computed = followup.compute_signal(
        today=today,
        lifecycle=activity.lifecycle,
        start_date=activity.start_date,
        end_date=activity.end_date,
        milestones=facts,
    )
    signal = followup.effective_signal(computed, activity.signal_override)
    return signal.value if signal else None


def test_the_list_signal_agrees_with_the_rule_on_every_case(world):
    today = timezone.localdate()
    late_limit = followup.LATE_AFTER_DAYS

    def make(*milestones, **kwargs):
        kwargs.setdefault("lifecycle", Lifecycle.ONGOING)
        kwargs.setdefault("start_date", today - days(100))
        kwargs.setdefault("end_date", today + days(100))
        activity = ActivityFactory(**kwargs)
        for due, done_on in milestones:
            MilestoneFactory(activity=activity, due_date=due, done_on=done_on)
        return activity

    make()  # on track, no milestones
    make(end_date=today - days(1))  # late: past its end
    make(end_date=today)  # the end date itself is not late
    make((today - days(late_limit), None))  # overdue by exactly the limit: at risk
    make((today - days(late_limit + 1), None))  # overdue beyond the limit: late
    make((today - days(3), None), (today - days(50), today - days(40)))  # at risk
    make(lifecycle=Lifecycle.PLANNED)  # planned, start passed: at risk
    make(lifecycle=Lifecycle.PLANNED, start_date=today + days(5), end_date=today + days(50))
    # Progress against time: 75 % elapsed, 2 of 4 done is exactly 25 points behind (on track);
    # 1 of 4 done is more (at risk); 3 of 4 done is ahead (on track).
    for done in (1, 2, 3):
        make(
            *[(today - days(50), today - days(50))] * done,
            *[(today + days(10), None)] * (4 - done),
            start_date=today - days(75),
            end_date=today + days(25),
        )
    make(start_date=today - days(1), end_date=today + days(1))  # one day in, no milestones
    for lifecycle in (Lifecycle.IDEA, Lifecycle.COMPLETED, Lifecycle.CANCELLED):
        make(lifecycle=lifecycle, end_date=today - days(1))  # not followed up: no signal
    make(lifecycle=Lifecycle.IDEA, signal_override=Signal.AT_RISK)  # an override always shows
    make(end_date=today - days(1), signal_override=Signal.ON_TRACK)

    rows = selectors.list_activity_rows(visible_to=world.office)
    in_sql = {r.pk: (r.signal.value if r.signal else None) for r in rows}
    in_python = {
        a.pk: python_signal(a, today) for a in Activity.objects.prefetch_related("milestones")
    }
    assert in_sql == in_python
    assert set(in_python.values()) == {None, *Signal.values}
    for signal in Signal.values:  # the list's filter picks the same activities
        filters = selectors.ActivityFilters(signal=signal)
        chosen = selectors.filter_activities(visible_to=world.office, filters=filters)
        assert set(chosen.values_list("pk", flat=True)) == {
            pk for pk, value in in_python.items() if value == signal
        }
