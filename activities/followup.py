"""The follow-up rule: is an activity on track, at risk or late? (Pure functions, no ORM.)

The office follows every activity against its plan (domain.md, "status genomförande relativt
plan"). The signal is computed from the activity's dates and milestones so that nobody has to set
it by hand; the office may override it, but only with a written reason (services.override_signal).

The rule, for activities that are *planned* or *ongoing* (ideas, completed and cancelled
activities get no signal):

**late** when
  * the end date has passed, or
  * a milestone is still open more than ``LATE_AFTER_DAYS`` (30) days after its date;

**at risk** when (and not late)
  * any milestone is overdue (open after its date), or
  * the activity is still *planned* although its start date has passed, or
  * time is running out relative to progress: more than ``RISK_MARGIN`` (25 percentage points)
    of the timeline has elapsed beyond the share of milestones done (e.g. 80 % of the time gone
    with only half of the milestones done);

**on track** otherwise.

This is the only place the rule lives: the lists and the dashboard read each activity's
milestone facts from the database (:func:`activities.selectors.with_facts`) and run it here.

"Not updated for N days" (:func:`is_stale`) is a separate signal: an activity can be on track
by its plan and still nobody has reported on it for months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from activities.models import Lifecycle, Signal

LATE_AFTER_DAYS = 30
# Exact, not 0.25: the rule compares in integers, so no float rounding decides the boundary.
RISK_MARGIN = Fraction(1, 4)
FOLLOWED_UP = frozenset({Lifecycle.PLANNED, Lifecycle.ONGOING})


@dataclass(frozen=True)
class MilestoneFacts:
    """What the rule needs to know about an activity's milestones (selectors annotate these)."""

    total: int = 0
    done: int = 0
    oldest_open_overdue: dt.date | None = None  # earliest due date of an open, overdue milestone

    @classmethod
    def from_milestones(
        cls, milestones: Iterable[tuple[dt.date, dt.date | None]], *, today: dt.date
    ) -> MilestoneFacts:
        """From ``(due_date, done_on)`` pairs."""
        total = done = 0
        oldest: dt.date | None = None
        for due, done_on in milestones:
            total += 1
            if done_on is not None:
                done += 1
            elif due < today and (oldest is None or due < oldest):
                oldest = due
        return cls(total=total, done=done, oldest_open_overdue=oldest)


def compute_signal(
    *,
    today: dt.date,
    lifecycle: str,
    start_date: dt.date,
    end_date: dt.date,
    milestones: MilestoneFacts,
) -> Signal | None:
    """The computed follow-up signal (see the module docstring), or None when not followed up."""
    if lifecycle not in FOLLOWED_UP:
        return None
    if end_date < today:
        return Signal.LATE
    overdue = milestones.oldest_open_overdue
    if overdue is not None and (today - overdue).days > LATE_AFTER_DAYS:
        return Signal.LATE
    if overdue is not None:
        return Signal.AT_RISK
    if lifecycle == Lifecycle.PLANNED and start_date < today:
        return Signal.AT_RISK
    if milestones.total and start_date < today:
        span = max((end_date - start_date).days, 1)
        elapsed = min((today - start_date).days, span)  # days of ``span``
        done, total = milestones.done, milestones.total
        # elapsed / span - done / total > RISK_MARGIN, multiplied out to stay in integers.
        margin = RISK_MARGIN
        if (elapsed * total - done * span) * margin.denominator > margin.numerator * span * total:
            return Signal.AT_RISK
    return Signal.ON_TRACK


def effective_signal(computed: Signal | None, override: str) -> Signal | None:
    """The office's override wins over the computed signal."""
    return Signal(override) if override else computed


def is_stale(
    *,
    now: dt.datetime,
    lifecycle: str,
    last_update: dt.datetime | None,
    created_at: dt.datetime,
    stale_days: int,
) -> bool:
    """Planned or ongoing, and no status update (or creation) within ``stale_days`` days."""
    if lifecycle not in FOLLOWED_UP:
        return False
    reference = last_update or created_at
    return (now - reference) > dt.timedelta(days=stale_days)
