"""The follow-up rule of :mod:`activities.followup`, computed by the database.

The dashboard counts the signal of every planned and ongoing activity and lists the first late
and at-risk ones; the activity list filters by signal. Reading every activity into Python to run
:func:`activities.followup.compute_signal` on it cost more than the rest of those pages together
(2,000 activities, 10,000 milestones), so :class:`FollowUpSignal` says the same in SQL, as one
``CASE`` over the activity's own columns: its milestone facts are stored on the row
(:mod:`activities.milestone_facts`), so no milestone is read. ``test_followup_sql`` checks the two
against each other, boundaries included; change them together.

Written as one expression with a fixed SQL text rather than nested ``Case``/``When``: Django
took longer to compile that tree than the database took to run it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Expression, F
from django.db.models.sql.compiler import SQLCompiler

from activities import followup
from activities.models import Lifecycle, Signal


class FollowUpSignal(Expression):
    """The effective signal of each activity row on ``today``: the office's override if there is
    one, else :func:`~activities.followup.compute_signal`; NULL when not followed up.

    The rule, as the database evaluates it (``first_open`` is the earliest due date of an open
    milestone, ``total``/``done`` count the milestones; all three stored on the activity)::

        override                                      -> override
        not planned or ongoing                        -> NULL
        end_date < today                              -> late
        first_open < today - LATE_AFTER_DAYS          -> late
        first_open < today                            -> at risk (a milestone is overdue)
        planned and start_date < today                -> at risk
        start_date < today and elapsed/span - done/total > RISK_MARGIN  -> at risk
        otherwise                                     -> on track

    In the last test the end date is today or later (else the row was late), so the elapsed share
    needs no capping at 1 and the span is at least one day; it is multiplied out to integers.
    """

    output_field = CharField()

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.columns: list[Any] = [
            F("pk"),
            F("lifecycle"),
            F("start_date"),
            F("end_date"),
            F("signal_override"),
            F("milestones_total"),
            F("milestones_done"),
            F("first_open_due"),
        ]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        _pk, lifecycle, start, end, override, total, done, first_open = (
            compiler.compile(c)[0] for c in self.columns
        )
        return signal_sql(
            connection,
            self.today,
            lifecycle=lifecycle,
            start=start,
            end=end,
            override=override,
            total=total,
            done=done,
            first_open=first_open,
        )


def signal_sql(
    connection: BaseDatabaseWrapper,
    today: dt.date,
    *,
    lifecycle: str,
    start: str,
    end: str,
    override: str,
    total: str,
    done: str,
    first_open: str,
) -> tuple[str, list[Any]]:
    """:class:`FollowUpSignal`'s SQL and parameters for an activity row whose columns are the
    given (already quoted) SQL names: also used by hand-written statements
    (:func:`activities.selectors.list_activity_page`)."""
    if connection.vendor == "sqlite":  # dates are ISO text; julianday() counts days
        day = "%s"

        def days(later: str, earlier: str) -> str:
            return f"(julianday({later}) - julianday({earlier}))"
    else:  # PostgreSQL: date - date is a number of days
        day = "CAST(%s AS date)"

        def days(later: str, earlier: str) -> str:
            return f"({later} - {earlier})"

    span = days(end, start)
    margin = followup.RISK_MARGIN
    # Only quoted column names and the margin's integers go into the text; every value is a
    # parameter.
    sql = (
        f"CASE WHEN {override} <> '' THEN {override}"
        f" WHEN {lifecycle} NOT IN (%s, %s) THEN NULL"
        f" WHEN {end} < {day} THEN %s"
        f" WHEN {first_open} < {day} THEN %s"
        f" WHEN {first_open} < {day} THEN %s"
        f" WHEN {lifecycle} = %s AND {start} < {day} THEN %s"
        f" WHEN {start} < {day} AND {total} * ({margin.denominator} * {days(day, start)}"
        f" - {margin.numerator} * {span}) > {margin.denominator} * {done} * {span}"
        f" THEN %s"
        f" ELSE %s END"
    )
    adapt = connection.ops.adapt_datefield_value
    today_param = adapt(today)
    late_before = adapt(today - dt.timedelta(days=followup.LATE_AFTER_DAYS))
    params = [
        *sorted(followed.value for followed in followup.FOLLOWED_UP),
        today_param,
        Signal.LATE.value,
        late_before,
        Signal.LATE.value,
        today_param,
        Signal.AT_RISK.value,
        Lifecycle.PLANNED.value,
        today_param,
        Signal.AT_RISK.value,
        today_param,
        today_param,
        Signal.AT_RISK.value,
        Signal.ON_TRACK.value,
    ]
    return sql, params
