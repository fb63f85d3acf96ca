"""The follow-up rule (activities.followup): pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.followup import (
    LATE_AFTER_DAYS,
    MilestoneFacts,
    compute_signal,
    effective_signal,
    is_stale,
)
from activities.models import Lifecycle, Signal

TODAY = dt.date(2026, 6, 1)


def signal(
    *,
    lifecycle=Lifecycle.ONGOING,
    start=TODAY - dt.timedelta(days=100),
    end=TODAY + dt.timedelta(days=100),
    milestones=(),
) -> Signal | None:
    return compute_signal(
        today=TODAY,
        lifecycle=lifecycle,
        start_date=start,
        end_date=end,
        milestones=MilestoneFacts.from_milestones(milestones, today=TODAY),
    )


def test_an_ongoing_activity_without_problems_is_on_track():
    assert signal(milestones=[(TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=11))]) == (
        Signal.ON_TRACK
    )


@pytest.mark.parametrize("lifecycle", [Lifecycle.IDEA, Lifecycle.COMPLETED, Lifecycle.CANCELLED])
def test_ideas_and_finished_activities_get_no_signal(lifecycle):
    assert signal(lifecycle=lifecycle, end=TODAY - dt.timedelta(days=50)) is None


def test_an_activity_past_its_end_date_is_late():
    assert signal(end=TODAY - dt.timedelta(days=1)) == Signal.LATE


def test_the_end_date_itself_is_not_late_yet():
    assert signal(end=TODAY) == Signal.ON_TRACK


def test_a_milestone_overdue_by_a_few_days_puts_the_activity_at_risk():
    assert signal(milestones=[(TODAY - dt.timedelta(days=3), None)]) == Signal.AT_RISK


def test_a_milestone_overdue_for_more_than_the_limit_makes_it_late():
    assert signal(milestones=[(TODAY - dt.timedelta(days=LATE_AFTER_DAYS), None)]) == (
        Signal.AT_RISK
    )
    assert signal(milestones=[(TODAY - dt.timedelta(days=LATE_AFTER_DAYS + 1), None)]) == (
        Signal.LATE
    )


def test_a_planned_activity_whose_start_has_passed_is_at_risk():
    assert signal(lifecycle=Lifecycle.PLANNED) == Signal.AT_RISK
    assert signal(lifecycle=Lifecycle.PLANNED, start=TODAY + dt.timedelta(days=5)) == (
        Signal.ON_TRACK
    )


def test_little_time_left_relative_to_progress_is_at_risk():
    # 90 % of the time gone, 1 of 4 milestones done, the others not yet due: at risk.
    start, end = TODAY - dt.timedelta(days=90), TODAY + dt.timedelta(days=10)
    future = [(TODAY + dt.timedelta(days=d), None) for d in (2, 4, 6)]
    done = [(TODAY - dt.timedelta(days=50), TODAY - dt.timedelta(days=50))]
    assert signal(start=start, end=end, milestones=done + future) == Signal.AT_RISK
    # Half the time gone and half done: on track.
    start, end = TODAY - dt.timedelta(days=50), TODAY + dt.timedelta(days=50)
    half = [(TODAY - dt.timedelta(days=d), TODAY - dt.timedelta(days=d)) for d in (40, 20)]
    half += [(TODAY + dt.timedelta(days=d), None) for d in (20, 40)]
    assert signal(start=start, end=end, milestones=half) == Signal.ON_TRACK


def test_milestone_facts_count_done_and_find_the_oldest_overdue():
    facts = MilestoneFacts.from_milestones(
        [
            (TODAY - dt.timedelta(days=9), None),
            (TODAY - dt.timedelta(days=20), None),
            (TODAY - dt.timedelta(days=30), TODAY),
            (TODAY + dt.timedelta(days=5), None),
        ],
        today=TODAY,
    )
    assert facts == MilestoneFacts(
        total=4, done=1, oldest_open_overdue=TODAY - dt.timedelta(days=20)
    )


def test_the_office_override_wins_over_the_computed_signal():
    assert effective_signal(Signal.LATE, "on_track") == Signal.ON_TRACK
    assert effective_signal(Signal.LATE, "") == Signal.LATE
    assert effective_signal(None, "") is None


def test_stale_means_planned_or_ongoing_without_an_update_for_n_days():
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    created = now - dt.timedelta(days=400)
    old = now - dt.timedelta(days=61)
    recent = now - dt.timedelta(days=59)
    assert is_stale(
        now=now, lifecycle="ongoing", last_update=old, created_at=created, stale_days=60
    )
    assert not is_stale(
        now=now, lifecycle="ongoing", last_update=recent, created_at=created, stale_days=60
    )
    assert is_stale(
        now=now, lifecycle="planned", last_update=None, created_at=created, stale_days=60
    )
    assert not is_stale(
        now=now, lifecycle="completed", last_update=old, created_at=created, stale_days=60
    )
