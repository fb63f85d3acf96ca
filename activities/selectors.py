"""Reads of the activities app: the activity list and cards, the strategic group's dashboard,
meetings and the calendar feed, and the counts other apps (indicators, reports) use.

Visibility is decided once, here, through ``visible_to=`` and ``accounts.policy``: the office and
the strategic group see every activity and meeting; a partner contact sees the activities their
organisation takes part in and those marked shared, and the meetings for all partners or those
their organisation is invited to or organises.

Each page's read runs a fixed number of queries whatever the number of rows: milestone facts and
the lead's name are correlated subqueries, related rows are prefetched, and the follow-up signal
is computed in Python by :mod:`activities.followup` from those facts (one rule, one place).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import policy
from accounts.policy import AnyUser
from activities import followup
from activities.followup_sql import FollowUpSignal, signal_sql
from activities.models import (
    Activity,
    ActivityPerson,
    Lifecycle,
    Meeting,
    MeetingAttendance,
    MeetingInvitation,
    Participation,
    Signal,
    StatusUpdate,
)
from activities.services import stale_days
from klimatfardplan import sql as sql_names
from klimatfardplan.kept import kept
from klimatfardplan.rendering import choice_labels, url_maker
from partners.models import ContactPerson, Membership

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from partners.models import Organisation

TIMELINE_MAX = 30  # rows in the Gantt chart; filters narrow it down
ATTENTION_MAX = 10  # rows per "needs attention" group; the list page shows the rest


@dataclass
class ActivityFilters:
    focus_area: int | None = None
    challenge: int | None = None
    organisation: int | None = None
    kind: str = ""
    lifecycle: str = ""
    signal: str = ""
    q: str = ""


# --- activities ------------------------------------------------------------------------------------


def _visible_activities(visible_to: AnyUser) -> QuerySet[Activity]:
    if policy.is_office(visible_to) or policy.is_strategic(visible_to):
        return Activity.objects.all()
    org_ids = policy.organisation_ids(visible_to)
    if not org_ids:
        return Activity.objects.none()
    member = Exists(
        Participation.objects.filter(activity=OuterRef("pk"), organisation_id__in=org_ids)
    )
    return Activity.objects.filter(Q(is_shared=True) | member)


def _with_facts(qs: QuerySet[Activity], today: dt.date) -> QuerySet[Activity]:
    """Annotate what the follow-up rule needs from the milestone facts stored on each activity
    (:mod:`activities.milestone_facts`): the counts, and the oldest open milestone when it is
    overdue; and the lead organisation's name (a subquery)."""
    return qs.annotate(
        ms_total=F("milestones_total"),
        ms_done=F("milestones_done"),
        ms_overdue_since=Case(
            When(first_open_due__lt=today, then=F("first_open_due")), default=None
        ),
        lead_name=Subquery(
            Participation.objects.filter(activity=OuterRef("pk"), is_lead=True).values(
                "organisation__name"
            )[:1]
        ),
    )


def _apply_filters(qs: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    if filters.focus_area:
        qs = qs.filter(
            Q(
                Exists(
                    Activity.challenges.through.objects.filter(
                        activity_id=OuterRef("pk"), challenge__focus_area_id=filters.focus_area
                    )
                )
            )
            | Q(
                Exists(
                    Activity.clusters.through.objects.filter(
                        activity_id=OuterRef("pk"),
                        cluster__challenges__focus_area_id=filters.focus_area,
                    )
                )
            )
        )
    if filters.challenge:
        qs = qs.filter(
            Exists(
                Activity.challenges.through.objects.filter(
                    activity_id=OuterRef("pk"), challenge_id=filters.challenge
                )
            )
        )
    if filters.organisation:
        qs = qs.filter(
            Exists(
                Participation.objects.filter(
                    activity=OuterRef("pk"), organisation_id=filters.organisation
                )
            )
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.lifecycle:
        qs = qs.filter(lifecycle=filters.lifecycle)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs


@dataclass(slots=True)
class ActivityRow:
    """One activity's follow-up at a glance (dashboard rows come from ``.values()``)."""

    pk: int
    title: str
    kind: str
    lifecycle: str
    start_date: dt.date
    end_date: dt.date
    lead_name: str | None
    signal: str | None
    is_overridden: bool
    is_stale: bool

    @property
    def url(self) -> str:
        return url_maker("activities:activity_detail")(self.pk)

    @property
    def kind_label(self) -> str:
        return choice_labels(Activity.Kind)[self.kind]

    @property
    def lifecycle_label(self) -> str:
        return choice_labels(Lifecycle)[self.lifecycle]

    @property
    def signal_label(self) -> str:
        return choice_labels(Signal)[self.signal] if self.signal else ""


def _stale_q(now: dt.datetime, days: int) -> Q:
    """The SQL form of :func:`activities.followup.is_stale` (a test keeps the two in step): it
    spares converting two datetimes per row when the dashboard reads thousands of rows."""
    cutoff = now - dt.timedelta(days=days)
    return Q(lifecycle__in=followup.FOLLOWED_UP) & (
        Q(last_status_update_at__lt=cutoff)
        | Q(last_status_update_at__isnull=True, created_at__lt=cutoff)
    )


def _stale_sql(
    connection: BaseDatabaseWrapper, now: dt.datetime, alias: str
) -> tuple[str, list[Any]]:
    """:func:`_stale_q` as SQL text and parameters, for the activity table aliased ``alias``
    in a hand-written statement."""
    column = partial(sql_names.column, Activity._meta, connection=connection)
    lifecycle = column("lifecycle", alias)
    updated, created = column("last_status_update_at", alias), column("created_at", alias)
    cutoff = connection.ops.adapt_datetimefield_value(now - dt.timedelta(days=stale_days()))
    return (
        f"({lifecycle} IN (%s, %s) AND ({updated} < %s OR ({updated} IS NULL AND {created} < %s)))",
        [*sorted(lc.value for lc in followup.FOLLOWED_UP), cutoff, cutoff],
    )


_ROW_FIELDS = (
    "pk",
    "title",
    "kind",
    "lifecycle",
    "start_date",
    "end_date",
    "lead_name",
    "signal_override",
    "ms_total",
    "ms_done",
    "ms_overdue_since",
    "stale",
)


def _rows(qs: QuerySet[Activity], *, now: dt.datetime) -> list[ActivityRow]:
    today = timezone.localdate(now)
    rows = []
    compute = followup.compute_signal
    for (
        pk,
        title,
        kind,
        lifecycle,
        start_date,
        end_date,
        lead_name,
        override,
        ms_total,
        ms_done,
        ms_overdue_since,
        stale,
    ) in qs.annotate(
        stale=ExpressionWrapper(_stale_q(now, stale_days()), BooleanField())
    ).values_list(*_ROW_FIELDS):
        computed = compute(
            today=today,
            lifecycle=lifecycle,
            start_date=start_date,
            end_date=end_date,
            milestones=followup.MilestoneFacts(ms_total, ms_done, ms_overdue_since),
        )
        rows.append(
            ActivityRow(
                pk=pk,
                title=title,
                kind=kind,
                lifecycle=lifecycle,
                start_date=start_date,
                end_date=end_date,
                lead_name=lead_name,
                signal=override or computed,
                is_overridden=bool(override),
                is_stale=bool(stale),
            )
        )
    return rows


def list_activity_rows(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, now: dt.datetime | None = None
) -> list[ActivityRow]:
    """Every visible activity matching ``filters`` as follow-up rows (one query)."""
    now = now or timezone.now()
    filters = filters or ActivityFilters()
    qs = _apply_filters(
        _with_facts(_visible_activities(visible_to), timezone.localdate(now)), filters
    )
    rows = _rows(qs, now=now)
    if filters.signal:
        rows = [r for r in rows if r.signal == filters.signal]
    return rows


def filter_activities(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """The visible activities matching ``filters``, without annotations (cheap to count and
    to page through). A signal filter is a condition in SQL (:mod:`activities.followup_sql`)."""
    filters = filters or ActivityFilters()
    qs = _apply_filters(_visible_activities(visible_to), filters)
    if filters.signal:
        today = timezone.localdate()
        qs = qs.alias(signal=FollowUpSignal(today)).filter(signal=filters.signal)
    return qs


def _count(qs: QuerySet[Any]) -> Subquery:
    """``(SELECT COUNT(*) FROM … WHERE …)`` for a correlated ``qs``: 0 when nothing matches."""
    return Subquery(
        qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _lead_name() -> Subquery:
    return Subquery(
        Participation.objects.filter(activity=OuterRef("pk"), is_lead=True).values(
            "organisation__name"
        )[:1]
    )


def _lead_name_sql(activity_pk: str, connection: BaseDatabaseWrapper) -> str:
    """``(SELECT name of the activity's lead organisation)`` for the activity whose id is the
    SQL expression ``activity_pk``: the hand-written form of :func:`_lead_name`."""
    participation = Participation._meta
    organisation = Participation.organisation.field.related_model._meta  # type: ignore[union-attr]
    column = partial(sql_names.column, connection=connection)
    q = connection.ops.quote_name
    return (
        f"(SELECT {column(organisation, 'name', 'o')}"  # noqa: S608 (names only, no values)
        f" FROM {q(participation.db_table)} p INNER JOIN {q(organisation.db_table)} o"
        f" ON {column(organisation, 'id', 'o')} = {column(participation, 'organisation', 'p')}"
        f" WHERE {column(participation, 'activity', 'p')} = {activity_pk}"
        f" AND {column(participation, 'is_lead', 'p')})"
    )


@dataclass(slots=True)
class ActivityListRow:
    """One row of the activity list: plain values, no model instance."""

    pk: int
    title: str
    kind: str
    lifecycle: str
    start_date: dt.date
    end_date: dt.date
    is_shared: bool
    learning_and_sharing: bool
    is_overridden: bool
    lead_name: str | None
    team_size: int
    ms_total: int
    ms_done: int
    signal: str | None
    is_stale: bool
    challenge_numbers: list[int] = field(default_factory=list)


def list_activity_page(
    page: QuerySet[Activity], *, now: dt.datetime | None = None
) -> list[ActivityListRow]:
    """The rows of one page of the activity list, in the page's order, in 1 query: the rows
    with the lead, team size, milestone counts, signal and staleness, and the challenge numbers.

    ``page`` is a sliced queryset from :func:`filter_activities`, ordered by model fields. The
    page is selected first and read after, so the correlated subqueries run for the rows shown
    only.

    Written as SQL around the compiled page query (as :func:`_counts_and_shown`): Django took
    longer to build the row query's seven annotations than the database took to run it. The
    signal is :func:`activities.followup_sql.signal_sql`, the SQL of ``FollowUpSignal``; the
    staleness test says what :func:`_stale_q` says (a test keeps the page, the rule and that
    condition in step). Only quoted names go into the text; every value is a parameter."""
    now = now or timezone.now()
    try:
        page_sql, page_params = page.values_list("pk").query.get_compiler(page.db).as_sql()
    except EmptyResultSet:  # an empty page, or a user who sees no activity
        return []
    connection = connections[page.db]
    q = connection.ops.quote_name
    activity, participation = Activity._meta, Participation._meta
    through = Activity.challenges.through._meta
    challenge = Activity.challenges.field.related_model._meta  # type: ignore[union-attr]

    column = partial(sql_names.column, connection=connection)
    pk = f"a.{q(activity.pk.column)}"
    ordering = [str(o) for o in (page.query.order_by or activity.ordering or ())]
    order_columns = [
        column(activity, name.lstrip("-"), "a") if name.lstrip("-") != "pk" else pk
        for name in ordering
    ]
    order_by = ", ".join(
        f"o{i}{' DESC' if name.startswith('-') else ''}" for i, name in enumerate(ordering)
    )
    lifecycle = column(activity, "lifecycle", "a")
    override = column(activity, "signal_override", "a")
    ms_total = column(activity, "milestones_total", "a")
    ms_done = column(activity, "milestones_done", "a")
    signal, signal_params = signal_sql(
        connection,
        timezone.localdate(now),
        lifecycle=lifecycle,
        start=column(activity, "start_date", "a"),
        end=column(activity, "end_date", "a"),
        override=override,
        total=ms_total,
        done=ms_done,
        first_open=column(activity, "first_open_due", "a"),
    )
    stale, stale_params = _stale_sql(connection, now, "a")
    lead_name = _lead_name_sql(pk, connection)
    team_size = (
        f"(SELECT COUNT(*) FROM {q(participation.db_table)} p"  # noqa: S608
        f" WHERE {column(participation, 'activity', 'p')} = {pk})"
    )
    row_columns = ", ".join(
        [
            pk,
            *(
                column(activity, name, "a")
                for name in (
                    "title",
                    "kind",
                    "lifecycle",
                    "start_date",
                    "end_date",
                    "is_shared",
                    "learning_and_sharing",
                )
            ),
            f"{override} <> ''",
            lead_name,
            team_size,
            ms_total,
            ms_done,
        ]
    )
    orders = ", ".join(f"{c} AS o{i}" for i, c in enumerate(order_columns))
    null_orders = ", ".join(f"NULL AS o{i}" for i in range(len(order_columns)))
    through_activity = column(through, "activity", "t")
    sql = (
        f"WITH page (id) AS ({page_sql})"  # noqa: S608 (names only, no values)
        f" SELECT 0 AS part, {row_columns}, {signal}, {stale}, NULL AS ch_number"
        f"{', ' + orders if orders else ''}"
        f" FROM {q(activity.db_table)} a WHERE {pk} IN (SELECT id FROM page)"
        f" UNION ALL SELECT 1, {through_activity}, {', '.join(['NULL'] * 14)},"
        f" {column(challenge, 'number', 'c')}"
        f"{', ' + null_orders if null_orders else ''}"
        f" FROM {q(through.db_table)} t INNER JOIN {q(challenge.db_table)} c"
        f" ON c.{q(challenge.pk.column)} = {column(through, 'challenge', 't')}"
        f" WHERE {through_activity} IN (SELECT id FROM page)"
        f" ORDER BY part{', ' + order_by if order_by else ''}, ch_number"
    )
    rows: list[ActivityListRow] = []
    by_pk: dict[int, ActivityListRow] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*page_params, *signal_params, *stale_params])
        for part, activity_pk, *values in cursor.fetchall():
            if part:
                by_pk[activity_pk].challenge_numbers.append(values[14])
                continue
            (title, kind, lc, start, end, shared, learning, overridden) = values[:8]
            (lead, team, total, done, row_signal, is_stale) = values[8:14]
            row = ActivityListRow(
                pk=activity_pk,
                title=title,
                kind=kind,
                lifecycle=lc,
                start_date=_date(start),
                end_date=_date(end),
                is_shared=bool(shared),
                learning_and_sharing=bool(learning),
                is_overridden=bool(overridden),
                lead_name=lead,
                team_size=team,
                ms_total=total,
                ms_done=done,
                signal=row_signal,
                is_stale=bool(is_stale),
            )
            rows.append(row)
            by_pk[activity_pk] = row
    return rows


_CARD_TEXT_FIELDS = (
    "purpose",
    "goal",
    "outcome",
    "links",
    "indicators",
    "indicator_keys",
    "funding",
    "signal_override_reason",
)


def with_list_facts(qs: QuerySet[Activity], *, today: dt.date | None = None) -> QuerySet[Activity]:
    """``qs`` (possibly one sliced page) with milestone facts and the lead annotated and the
    team and challenges prefetched. The page is selected first and annotated after, so the
    correlated subqueries run for the rows shown, not for every row that is sorted."""
    today = today or timezone.localdate()
    ordering = [str(o) for o in (qs.query.order_by or Activity._meta.ordering or ())]
    return (
        _with_facts(Activity.objects.filter(pk__in=qs.values("pk")), today)
        .defer(*_CARD_TEXT_FIELDS)  # lists show no card texts; loading them costs time
        .order_by(*ordering)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation").only(
                    "activity_id", "organisation_id", "is_lead", "organisation__name"
                ),
            ),
            "challenges",
        )
    )


def list_activities(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, today: dt.date | None = None
) -> QuerySet[Activity]:
    """Visible activities matching ``filters``, with milestone facts and the lead annotated and
    the team and challenges prefetched (exports, sections)."""
    return with_list_facts(filter_activities(visible_to=visible_to, filters=filters), today=today)


def with_signals(activities: list[Activity], *, now: dt.datetime | None = None) -> list[Activity]:
    """Attach ``signal``, ``computed_signal`` and ``is_stale`` to activities from
    :func:`list_activities` (uses the annotations, no queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = stale_days()
    for activity in activities:
        computed = followup.compute_signal(
            today=today,
            lifecycle=activity.lifecycle,
            start_date=activity.start_date,
            end_date=activity.end_date,
            milestones=followup.MilestoneFacts(
                total=activity.ms_total,  # type: ignore[attr-defined]
                done=activity.ms_done,  # type: ignore[attr-defined]
                oldest_open_overdue=activity.ms_overdue_since,  # type: ignore[attr-defined]
            ),
        )
        activity.computed_signal = computed  # type: ignore[attr-defined]
        activity.signal = followup.effective_signal(computed, activity.signal_override)  # type: ignore[attr-defined]
        activity.is_stale = followup.is_stale(  # type: ignore[attr-defined]
            now=now,
            lifecycle=activity.lifecycle,
            last_update=activity.last_status_update_at,
            created_at=activity.created_at,
            stale_days=days,
        )
    return activities


def get_activity(*, visible_to: AnyUser, pk: int) -> Activity:
    """One activity card with everything the card page and its PDF show (raises DoesNotExist)."""
    today = timezone.localdate()
    activity = (
        _with_facts(_visible_activities(visible_to), today)
        .select_related("signal_override_by", "created_by")
        .prefetch_related(
            *_CARD_PREFETCHES,
            Prefetch("status_updates", queryset=StatusUpdate.objects.select_related("by")),
            "meetings",
        )
        .get(pk=pk)
    )
    with_signals([activity])
    return activity


_CARD_PREFETCHES: tuple[Any, ...] = (
    Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
    Prefetch(
        "people",
        queryset=ActivityPerson.objects.select_related("contact").prefetch_related(
            "contact__organisations"
        ),
    ),
    "milestones",
    "challenges",
    "clusters",
    "goals",
    "attachments",
)


def list_cards(*, visible_to: AnyUser, ids: list[int]) -> list[Activity]:
    """The cards for printing (the gallery), in the order of start date and title."""
    today = timezone.localdate()
    qs = (
        _with_facts(_visible_activities(visible_to), today)
        .filter(pk__in=ids)
        .prefetch_related(*_CARD_PREFETCHES)
    )
    return with_signals(list(qs))


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class Dashboard:
    total: int
    by_lifecycle: list[tuple[str, StrOrPromise, int]]
    by_signal: list[tuple[str, StrOrPromise, int]]
    stale_count: int
    by_kind: list[tuple[str, StrOrPromise, int]]
    by_focus_area: list[tuple[str, int]]
    timeline: list[ActivityRow]
    timeline_total: int
    timeline_start: dt.date
    timeline_end: dt.date
    late: list[ActivityRow]
    at_risk: list[ActivityRow]
    stale: list[ActivityRow]
    no_lead: list[ActivityRow]
    uncovered_challenges: list[dict[str, Any]]
    meetings_by_kind: list[dict[str, Any]]
    year: int
    attention_counts: dict[str, int] = field(default_factory=dict)


_FACT_COLUMNS = (  # what the dashboard reads of each open activity (lead's name apart)
    "pk",
    "title",
    "kind",
    "lifecycle",
    "start_date",
    "end_date",
    "row_signal",
    "is_overridden",
    "is_stale",
    "no_lead",
)


@dataclass
class _Counts:
    lifecycle: Counter[str] = field(default_factory=Counter)
    kind: Counter[str] = field(default_factory=Counter)
    signal: Counter[str] = field(default_factory=Counter)
    followed: int = 0
    stale: int = 0
    no_lead: int = 0


def _matching_ids(matching: QuerySet[Activity]) -> tuple[str, list[Any]] | None:
    """``matching`` as a compiled query of its ids, or None when it is every activity (the
    office's and the strategic group's usual view), so that statements need no "in matching"
    test. Raises EmptyResultSet when nothing can match."""
    if not matching.query.where:
        return None
    sql, params = matching.order_by().values_list("pk").query.get_compiler(matching.db).as_sql()
    return sql, list(params)


@dataclass(frozen=True)
class _KeptCounts:
    counts: _Counts
    shown: dict[str, list[ActivityRow]]
    computed_at: dt.datetime
    stale_from: dt.datetime | None  # when the next followed activity turns stale


def _kept_counts_and_shown(
    matching: QuerySet[Activity], *, now: dt.datetime, fingerprint: tuple[int, str] | None
) -> tuple[_Counts, dict[str, list[ActivityRow]]]:
    """:func:`_counts_and_shown`, kept per process for the unfiltered dashboard (the strategic
    group's and the office's usual view), where it was half of the page's time.

    What it reads changes only when an activity is written (every write sets ``updated_at``:
    ``save()``, the services' updates, the stored lead and milestone facts; the activities'
    ``fingerprint``), an organisation is renamed (the lead's name; their fingerprint), the
    local date turns (the follow-up signal) or time makes an activity stale. The last is known
    in advance: the kept value holds until the earliest moment a followed activity passes the
    staleness limit (:func:`_next_stale_at`), and never for a ``now`` before it was computed."""
    from partners.models import Organisation  # here: partners may import us

    if fingerprint is None:  # filtered: matching is not every activity
        return _counts_and_shown(matching, now=now)
    key = (
        fingerprint,
        sql_names.fingerprint(Organisation),
        timezone.localdate(now),
        stale_days(),
    )

    def compute() -> _KeptCounts:
        counts, shown = _counts_and_shown(matching, now=now)
        return _KeptCounts(counts, shown, now, _next_stale_at(now))

    def holds(value: _KeptCounts) -> bool:
        return value.computed_at <= now and (value.stale_from is None or now < value.stale_from)

    value = kept("activities.dashboard_counts", key, compute, valid=holds)
    return value.counts, value.shown


def _next_stale_at(now: dt.datetime) -> dt.datetime | None:
    """The first moment after ``now`` at which a followed-up activity that is not stale yet
    becomes stale (:func:`_stale_q`: its last status update, or its creation, further back than
    the limit), or None if none would."""
    limit = dt.timedelta(days=stale_days())
    latest = (
        Activity.objects.filter(lifecycle__in=followup.FOLLOWED_UP)
        .annotate(reported=Coalesce("last_status_update_at", "created_at"))
        .filter(reported__gte=now - limit)
        .aggregate(first=Min("reported"))["first"]
    )
    return None if latest is None else latest + limit


def _counts_and_shown(
    matching: QuerySet[Activity], *, now: dt.datetime
) -> tuple[_Counts, dict[str, list[ActivityRow]]]:
    """The dashboard's counts and the rows it shows, in one query over ``matching``.

    Returns the counts by lifecycle and kind (of every matching activity), by signal (of those
    followed up), of the stale and of the lead-less, and the first rows of each list (late, at
    risk, stale and lead-less by end date, the timeline by start date), each in its order.

    Written as SQL around the compiled ids of ``matching``: a ``MATERIALIZED`` common table
    expression computes each open activity's follow-up signal
    (:func:`activities.followup_sql.signal_sql`), staleness (:func:`_stale_sql`) and lead test
    (the stored lead, :mod:`activities.lead`) once, and the signal counts and each list read that table; completed and cancelled
    activities, which carry no signal and need no lead, are only counted, from the
    lifecycle-and-kind index. As Django queries the signal ran up to four times per activity,
    and building and compiling them cost more time than the database took to run them. The
    lead's name is read for the rows shown only. Only quoted names go into the text; every
    value is a parameter."""
    counts = _Counts()
    shown: dict[str, list[ActivityRow]] = {
        name: [] for name in ("late", "at_risk", "stale", "no_lead", "timeline")
    }
    try:
        ids = _matching_ids(matching)
    except EmptyResultSet:  # a user who sees no activity
        return counts, shown
    connection = connections[matching.db]
    q = connection.ops.quote_name
    activity = Activity._meta
    column = partial(sql_names.column, activity, connection=connection)
    pk, lifecycle, override = (
        column("id", "a"),
        column("lifecycle", "a"),
        column("signal_override", "a"),
    )
    in_matching, ids_params = (f" AND {pk} IN ({ids[0]})", list(ids[1])) if ids else ("", [])
    signal, signal_params = signal_sql(
        connection,
        timezone.localdate(now),
        lifecycle=lifecycle,
        start=column("start_date", "a"),
        end=column("end_date", "a"),
        override=override,
        total=column("milestones_total", "a"),
        done=column("milestones_done", "a"),
        first_open=column("first_open_due", "a"),
    )
    stale, stale_params = _stale_sql(connection, now, "a")
    closed = sorted([Lifecycle.COMPLETED.value, Lifecycle.CANCELLED.value])
    # Booleans as 1/0 so that they sum on PostgreSQL as on SQLite.
    facts_sql = (
        f"SELECT {pk}, {column('title', 'a')}, {column('kind', 'a')}, {lifecycle},"  # noqa: S608
        f" {column('start_date', 'a')}, {column('end_date', 'a')}, {signal},"
        f" CASE WHEN {override} <> '' THEN 1 ELSE 0 END,"
        f" CASE WHEN {stale} THEN 1 ELSE 0 END,"
        f" CASE WHEN {column('lead_organisation', 'a')} IS NULL THEN 1 ELSE 0 END"
        f" FROM {q(activity.db_table)} a WHERE {lifecycle} NOT IN (%s, %s){in_matching}"
    )
    params = [*signal_params, *stale_params, *closed, *ids_params]
    lead_name = _lead_name_sql("shown.pk", connection)
    followed = "lifecycle IN (%s, %s)"
    followed_params = sorted(lc.value for lc in followup.FOLLOWED_UP)
    by_end, by_start = "end_date, title", "start_date, title"
    lists = [  # name, condition, its parameters, order, how many
        (
            "late",
            f"{followed} AND row_signal = %s",
            [*followed_params, Signal.LATE.value],
            by_end,
            ATTENTION_MAX,
        ),
        (
            "at_risk",
            f"{followed} AND row_signal = %s",
            [*followed_params, Signal.AT_RISK.value],
            by_end,
            ATTENTION_MAX,
        ),
        ("stale", f"{followed} AND is_stale = 1", followed_params, by_end, ATTENTION_MAX),
        ("no_lead", "no_lead = 1", [], by_end, ATTENTION_MAX),
        ("timeline", followed, followed_params, by_start, TIMELINE_MAX),
    ]
    columns = ", ".join(_FACT_COLUMNS)
    shown_sql = " UNION ALL ".join(
        f"SELECT * FROM (SELECT %s AS part, {columns} FROM facts WHERE {where}"  # noqa: S608
        f" ORDER BY {order} LIMIT {limit}) AS {name}"
        for name, where, _params, order, limit in lists
    )
    shown_params = [p for name, _where, ps, _order, _limit in lists for p in (name, *ps)]
    in_matching_all = f" WHERE {pk} IN ({ids[0]})" if ids else ""
    # Rows of three kinds: a row of the list named by part; part NULL counts matching
    # activities by kind and lifecycle; part '' counts the open ones by lifecycle and signal,
    # with how many are stale and lead-less. The shown rows come first so that PostgreSQL takes
    # each column's type from them rather than from a NULL.
    sql = (
        f"WITH facts ({columns}) AS MATERIALIZED ({facts_sql}),"  # noqa: S608
        f" shown AS ({shown_sql})"
        f" SELECT part, pk, title, kind, lifecycle, start_date, end_date, {lead_name},"
        f" row_signal, is_overridden, is_stale, no_lead, 0 FROM shown"
        f" UNION ALL SELECT NULL, NULL, NULL, {column('kind', 'a')}, {lifecycle}, NULL, NULL,"
        f" NULL, NULL, NULL, 0, 0, COUNT(*) FROM {q(activity.db_table)} a{in_matching_all}"
        f" GROUP BY {column('kind', 'a')}, {lifecycle}"
        f" UNION ALL SELECT '', NULL, NULL, NULL, lifecycle, NULL, NULL, NULL, row_signal, NULL,"
        f" SUM(is_stale), SUM(no_lead), COUNT(*) FROM facts GROUP BY lifecycle, row_signal"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *shown_params, *ids_params])
        rows = cursor.fetchall()
    for part, *values, no_lead, n in rows:
        pk_, title, kind, lc, start, end, lead, row_signal, overridden, is_stale = values
        if part is None:
            counts.lifecycle[lc] += n
            counts.kind[kind] += n
        elif part == "":
            if lc in followup.FOLLOWED_UP:
                counts.signal[row_signal or Signal.ON_TRACK.value] += n
                counts.followed += n
            counts.stale += is_stale or 0
            counts.no_lead += no_lead or 0
        else:
            shown[part].append(
                ActivityRow(
                    pk=pk_,
                    title=title,
                    kind=kind,
                    lifecycle=lc,
                    start_date=_date(start),
                    end_date=_date(end),
                    lead_name=lead,
                    signal=row_signal,
                    is_overridden=bool(overridden),
                    is_stale=bool(is_stale),
                )
            )
    for name, *_rest, order, _limit in lists:  # a UNION keeps no order
        shown[name].sort(key=attrgetter(*order.split(", ")))
    return counts, shown


def _date(value: dt.date | str) -> dt.date:
    """A date column read through a plain cursor: SQLite gives ISO text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _by_focus_area(
    matching: QuerySet[Activity], *, fingerprint: tuple[int, str] | None
) -> list[tuple[str, int]]:
    """Every focus area (in its order) with the number of ``matching`` activities that serve
    it through their challenges or their clusters' challenges, an activity once per area.

    Unfiltered (the office's and the strategic group's usual view; the caller gives the
    activities' ``fingerprint`` then, None when filtered) the counts are kept per process under
    that fingerprint (their number and latest ``updated_at``, from an index) and the reference
    data's version: reading every link was a tenth of the dashboard's
    time, while links change only when an activity is saved, and every change of them touches
    the activity (:mod:`activities.links`)."""
    from roadmap.models import FocusArea  # here: roadmap may import us
    from roadmap.selectors import reference_data

    if fingerprint is None:  # filtered: matching is not every activity
        rows = _count_by_focus_area(matching)
    else:
        rows = kept(
            "activities.focus_area_counts",
            (reference_data().version, fingerprint),
            lambda: _count_by_focus_area(matching),
        )
    return [(FocusArea(name_sv=name_sv, name_en=name_en).name, n) for name_sv, name_en, n in rows]


def _count_by_focus_area(matching: QuerySet[Activity]) -> list[tuple[str, str, int]]:
    """The rows of :func:`_by_focus_area` from the database: each focus area's Swedish and
    English name and count.

    SQL around the compiled ``matching`` query (as :func:`_counts_and_shown`): built as Django
    subqueries it cost more time to compile than to run. Every visible activity unfiltered
    (the office's usual view) needs no "in matching" test."""
    from roadmap.models import Challenge, Cluster, FocusArea  # here: roadmap may import us

    connection = connections[matching.db]
    q = connection.ops.quote_name
    in_matching, params = "", []
    if matching.query.where:
        try:
            ids_sql, ids_params = (
                matching.order_by().values_list("pk").query.get_compiler(matching.db).as_sql()
            )
            in_matching, params = f" WHERE links.activity_id IN ({ids_sql})", [*ids_params]
        except EmptyResultSet:  # a user who sees no activity
            in_matching = " WHERE 1 = 0"

    column = partial(sql_names.column, connection=connection)

    area, challenge = FocusArea._meta, Challenge._meta
    via_challenge = Activity.challenges.through._meta
    via_cluster = Activity.clusters.through._meta
    cluster_challenge = Cluster.challenges.through._meta
    ordering = ", ".join(
        f"{column(area, name.lstrip('-'), 'f')}{' DESC' if name.startswith('-') else ''}"
        for name in area.ordering or ()
    )
    sql = (
        f"SELECT {column(area, 'name_sv', 'f')}, {column(area, 'name_en', 'f')},"  # noqa: S608 (names only, no values)
        f" COALESCE(x.n, 0) FROM {q(area.db_table)} f LEFT JOIN"
        # UNION ALL and one COUNT(DISTINCT) per area: measured faster than UNION's own
        # de-duplication followed by a count.
        f" (SELECT links.area_id, COUNT(DISTINCT links.activity_id) AS n FROM"
        f" (SELECT {column(via_challenge, 'activity', 't')} AS activity_id,"
        f" {column(challenge, 'focus_area', 'c')} AS area_id"
        f" FROM {q(via_challenge.db_table)} t INNER JOIN {q(challenge.db_table)} c"
        f" ON {column(challenge, 'id', 'c')} = {column(via_challenge, 'challenge', 't')}"
        f" UNION ALL SELECT {column(via_cluster, 'activity', 'k')},"
        f" {column(challenge, 'focus_area', 'c')}"
        f" FROM {q(via_cluster.db_table)} k INNER JOIN {q(cluster_challenge.db_table)} kc"
        f" ON {column(cluster_challenge, 'cluster', 'kc')} = {column(via_cluster, 'cluster', 'k')}"
        f" INNER JOIN {q(challenge.db_table)} c"
        f" ON {column(challenge, 'id', 'c')} = {column(cluster_challenge, 'challenge', 'kc')})"
        f" links{in_matching} GROUP BY links.area_id) x"
        f" ON x.area_id = {column(area, 'id', 'f')} ORDER BY {ordering}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _uncovered_challenges() -> list[dict[str, Any]]:
    """Challenges some partner has committed to (confirmed sets) that no live (not cancelled)
    activity serves, directly or through a cluster, with the number of committed
    organisations, by number. Hand-written SQL for the reason of :func:`_by_focus_area`."""
    from partners.models import Commitment, CommitmentSet  # here: partners may import us
    from roadmap.models import Challenge, Cluster

    connection = connections[Activity.objects.db]
    q = connection.ops.quote_name

    column = partial(sql_names.column, connection=connection)

    challenge, commitment, commitment_set = Challenge._meta, Commitment._meta, CommitmentSet._meta
    activity = Activity._meta
    via_challenge = Activity.challenges.through._meta
    via_cluster = Activity.clusters.through._meta
    cluster_challenge = Cluster.challenges.through._meta
    c_id = column(challenge, "id", "c")
    live = f"{column(activity, 'lifecycle', 'a')} <> %s"
    sql = (
        f"SELECT {column(challenge, 'number', 'c')}, {column(challenge, 'name_sv', 'c')},"  # noqa: S608 (names only, no values)
        f" {column(challenge, 'name_en', 'c')},"
        f" COUNT(DISTINCT {column(commitment_set, 'organisation', 's')})"
        f" FROM {q(challenge.db_table)} c INNER JOIN {q(commitment.db_table)} m"
        f" ON {column(commitment, 'challenge', 'm')} = {c_id}"
        f" INNER JOIN {q(commitment_set.db_table)} s"
        f" ON {column(commitment_set, 'id', 's')} = {column(commitment, 'commitment_set', 'm')}"
        f" WHERE {column(commitment_set, 'status', 's')} = %s"
        f" AND NOT EXISTS (SELECT 1 FROM {q(via_challenge.db_table)} t"
        f" INNER JOIN {q(activity.db_table)} a"
        f" ON {column(activity, 'id', 'a')} = {column(via_challenge, 'activity', 't')}"
        f" WHERE {column(via_challenge, 'challenge', 't')} = {c_id} AND {live})"
        f" AND NOT EXISTS (SELECT 1 FROM {q(via_cluster.db_table)} k"
        f" INNER JOIN {q(activity.db_table)} a"
        f" ON {column(activity, 'id', 'a')} = {column(via_cluster, 'activity', 'k')}"
        f" INNER JOIN {q(cluster_challenge.db_table)} kc"
        f" ON {column(cluster_challenge, 'cluster', 'kc')} = {column(via_cluster, 'cluster', 'k')}"
        f" WHERE {column(cluster_challenge, 'challenge', 'kc')} = {c_id} AND {live})"
        f" GROUP BY {c_id}, {column(challenge, 'number', 'c')}, {column(challenge, 'name_sv', 'c')},"
        f" {column(challenge, 'name_en', 'c')} ORDER BY {column(challenge, 'number', 'c')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                CommitmentSet.Status.CONFIRMED.value,
                Lifecycle.CANCELLED.value,
                Lifecycle.CANCELLED.value,
            ],
        )
        return [
            {
                "number": number,
                "name": Challenge(name_sv=name_sv, name_en=name_en).name,
                "organisations": n,
            }
            for number, name_sv, name_en, n in cursor.fetchall()
        ]


def _meeting_counts(year: int) -> dict[tuple[str, str], int]:
    """Meetings starting in ``year`` (local time) per kind and status. A hand-written GROUP BY:
    the ORM's took longer to build than to run."""
    connection = connections[Meeting.objects.db]
    column = partial(sql_names.column, Meeting._meta, connection=connection)
    kind, status, starts = column("kind", "m"), column("status", "m"), column("starts_at", "m")
    adapt = connection.ops.adapt_datetimefield_value
    local = timezone.get_current_timezone()
    first, after = (dt.datetime(y, 1, 1, tzinfo=local) for y in (year, year + 1))
    sql = (
        f"SELECT {kind}, {status}, COUNT(*) FROM {sql_names.table(Meeting._meta, connection=connection)} m"  # noqa: S608
        f" WHERE {starts} >= %s AND {starts} < %s GROUP BY {kind}, {status}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(first), adapt(after)])
        return {(k, st): n for k, st, n in cursor.fetchall()}


def dashboard(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, now: dt.datetime | None = None
) -> Dashboard:
    """The strategic group's dashboard in 4 queries (7 unfiltered after an activity changed),
    whatever the number of activities.

    The database counts and picks the rows: the follow-up signal is computed in SQL
    (:mod:`activities.followup_sql`), once per activity, so no activity is read into Python
    except the few rows the page shows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    filters = filters or ActivityFilters()
    matching = _apply_filters(_visible_activities(visible_to), filters)
    if filters.signal:  # only followed-up activities carry a signal
        matching = matching.filter(lifecycle__in=followup.FOLLOWED_UP).alias(
            filter_signal=FollowUpSignal(today)
        )
        matching = matching.filter(filter_signal=filters.signal)

    # The counts and the rows shown, in one statement (see _counts_and_shown); unfiltered,
    # kept under the activities' fingerprint and more (see _kept_counts_and_shown).
    fingerprint = None if matching.query.where else sql_names.fingerprint(Activity)
    counts, shown = _kept_counts_and_shown(matching, now=now, fingerprint=fingerprint)
    late, at_risk = shown["late"], shown["at_risk"]
    stale_rows, no_lead_rows, timeline = shown["stale"], shown["no_lead"], shown["timeline"]

    # Activities per focus area (see _by_focus_area), kept unfiltered; query 3: challenges
    # some partner has committed to (confirmed sets) that no live activity serves.
    by_focus_area = _by_focus_area(matching, fingerprint=fingerprint)
    uncovered_challenges = _uncovered_challenges()

    # Query 4: meetings this year, held and planned per kind.
    year = today.year
    meeting_counts = _meeting_counts(year)
    meetings_by_kind = [
        {
            "kind": kind.value,
            "label": kind.label,
            "held": meeting_counts.get((kind.value, Meeting.Status.HELD), 0),
            "planned": meeting_counts.get((kind.value, Meeting.Status.PLANNED), 0),
            "cancelled": meeting_counts.get((kind.value, Meeting.Status.CANCELLED), 0),
        }
        for kind in Meeting.Kind
    ]

    lifecycle_labels = choice_labels(Lifecycle)
    signal_labels = choice_labels(Signal)
    kind_labels = choice_labels(Activity.Kind)
    return Dashboard(
        total=sum(counts.lifecycle.values()),
        by_lifecycle=[(c, lifecycle_labels[c], counts.lifecycle[c]) for c in Lifecycle.values],
        by_signal=[(c, signal_labels[c], counts.signal[c]) for c in Signal.values],
        stale_count=counts.stale,
        by_kind=[(c, kind_labels[c], counts.kind[c]) for c in Activity.Kind.values],
        by_focus_area=by_focus_area,
        timeline=timeline,
        timeline_total=counts.followed,
        timeline_start=min((r.start_date for r in timeline), default=today),
        timeline_end=max((r.end_date for r in timeline), default=today),
        late=late,
        at_risk=at_risk,
        stale=stale_rows,
        no_lead=no_lead_rows,
        uncovered_challenges=uncovered_challenges,
        meetings_by_kind=meetings_by_kind,
        year=year,
        attention_counts={
            "late": counts.signal[Signal.LATE.value],
            "at_risk": counts.signal[Signal.AT_RISK.value],
            "stale": counts.stale,
            "no_lead": counts.no_lead,
        },
    )


# --- meetings ------------------------------------------------------------------------------------


def _visible_meetings(visible_to: AnyUser) -> QuerySet[Meeting]:
    if policy.is_office(visible_to) or policy.is_strategic(visible_to):
        return Meeting.objects.all()
    org_ids = policy.organisation_ids(visible_to)
    if not org_ids:
        return Meeting.objects.none()
    invited = Exists(
        Meeting.invited_organisations.through.objects.filter(
            meeting_id=OuterRef("pk"), organisation_id__in=org_ids
        )
    )
    return Meeting.objects.filter(
        Q(kind__in=Meeting.ALL_PARTNER_KINDS) | Q(organiser_id__in=org_ids) | invited
    )


def list_meetings(
    *,
    visible_to: AnyUser,
    kind: str = "",
    status: str = "",
    year: int | None = None,
    upcoming: bool = False,
) -> QuerySet[Meeting]:
    qs = _visible_meetings(visible_to)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(starts_at__year=year)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now()).order_by("starts_at")
    attended = (
        MeetingAttendance.objects.filter(meeting=OuterRef("pk"), attended=True)
        .order_by()
        .values("meeting")
        .annotate(n=Count("organisation", distinct=True))
        .values("n")
    )
    return qs.select_related("organiser").annotate(
        attending_organisations=Coalesce(Subquery(attended, output_field=IntegerField()), Value(0))
    )


def get_meeting(*, visible_to: AnyUser, pk: int) -> Meeting:
    return (
        _visible_meetings(visible_to)
        .select_related("organiser")
        .prefetch_related(
            "invited_organisations",
            "invited_contacts",
            "challenges",
            "activities",
            "documents",
            Prefetch(
                "attendances",
                queryset=MeetingAttendance.objects.select_related("organisation", "contact"),
            ),
        )
        .get(pk=pk)
    )


def upcoming_meetings_for(user: AnyUser, *, limit: int = 200) -> list[Meeting]:
    """The calendar feed: meetings not yet over and not cancelled that ``user`` may see."""
    return list(
        list_meetings(visible_to=user, upcoming=True)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


# --- counts for indicators and reports -------------------------------------------------------------


def meeting_attendance_counts(year: int) -> list[dict[str, Any]]:
    """Per organisation: meetings attended in ``year`` (not cancelled), in total and by kind.

    ``[{"organisation_id", "organisation_name", "meetings_attended", "by_kind": {kind: n}}]``,
    ordered by organisation name. An indicator source for the enabling goal (issue 5)."""
    rows = (
        MeetingAttendance.objects.filter(attended=True, meeting__starts_at__year=year)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values("organisation_id", "organisation__name", "meeting__kind")
        .annotate(n=Count("meeting", distinct=True))
        .order_by("organisation__name", "meeting__kind")
    )
    result: dict[int, dict[str, Any]] = {}
    totals = (
        MeetingAttendance.objects.filter(attended=True, meeting__starts_at__year=year)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values("organisation_id")
        .annotate(n=Count("meeting", distinct=True))
        .order_by()
    )
    total_by_org = {t["organisation_id"]: t["n"] for t in totals}
    for row in rows:
        entry = result.setdefault(
            row["organisation_id"],
            {
                "organisation_id": row["organisation_id"],
                "organisation_name": row["organisation__name"],
                "meetings_attended": total_by_org.get(row["organisation_id"], 0),
                "by_kind": {},
            },
        )
        entry["by_kind"][row["meeting__kind"]] = row["n"]
    return list(result.values())


def activity_counts(year: int) -> dict[str, Any]:
    """Activities running at some point in ``year`` (not cancelled): totals by kind and lifecycle,
    and per organisation how many it takes part in and leads. An indicator source (issue 5)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = Activity.objects.filter(start_date__lte=end, end_date__gte=start).exclude(
        lifecycle=Lifecycle.CANCELLED
    )
    by = Counter[tuple[str, str]]()
    for row in qs.values("kind", "lifecycle").annotate(n=Count("pk")).order_by():
        by[(row["kind"], row["lifecycle"])] += row["n"]
    by_kind: Counter[str] = Counter()
    by_lifecycle: Counter[str] = Counter()
    for (kind, lifecycle), n in by.items():
        by_kind[kind] += n
        by_lifecycle[lifecycle] += n
    per_org = (
        Participation.objects.filter(activity__in=qs)
        .values("organisation_id", "organisation__name")
        .annotate(
            activities=Count("activity", distinct=True), leading=Count("pk", filter=Q(is_lead=True))
        )
        .order_by("organisation__name")
    )
    return {
        "year": year,
        "total": sum(by.values()),
        "by_kind": dict(by_kind),
        "by_lifecycle": dict(by_lifecycle),
        "by_organisation": [
            {
                "organisation_id": r["organisation_id"],
                "organisation_name": r["organisation__name"],
                "activities": r["activities"],
                "leading": r["leading"],
            }
            for r in per_org
        ],
    }


def attended_intro_meeting(organisation: Organisation) -> bool:
    """Did the organisation attend an intro meeting (partners' onboarding checklist)?"""
    return (
        MeetingAttendance.objects.filter(
            organisation=organisation,
            attended=True,
            meeting__kind=Meeting.Kind.INTRO,
            meeting__starts_at__lte=timezone.now(),
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .exists()
    )


def list_organisation_activities(
    *, organisation: Organisation, visible_to: AnyUser
) -> list[Activity]:
    qs = list_activities(
        visible_to=visible_to, filters=ActivityFilters(organisation=organisation.pk)
    )
    return with_signals(list(qs.order_by("-start_date")[:50]))


def list_organisation_meetings(
    *, organisation: Organisation, visible_to: AnyUser, year: int
) -> list[dict[str, Any]]:
    """The organisation's attendance this year, per meeting (for its partner page)."""
    visible = _visible_meetings(visible_to).values("pk")
    return list(
        MeetingAttendance.objects.filter(
            organisation=organisation, meeting__in=visible, meeting__starts_at__year=year
        )
        .values("meeting_id", "meeting__title", "meeting__kind", "meeting__starts_at")
        .annotate(people=Count("contact"))
        .order_by("-meeting__starts_at")
    )


# --- meeting invitations, the calendar feed, proposals (issue 18) ---------------------------------


def calendar_meetings_for(
    user: AnyUser, *, kept_days: int = 365, limit: int = 500
) -> list[Meeting]:
    """The calendar feed: the meetings ``user`` may see that ended at most ``kept_days`` ago or
    are still to come, cancelled ones included (the feed marks them, so that a calendar which
    holds them shows the cancellation)."""
    since = timezone.now() - dt.timedelta(days=kept_days)
    return list(
        _visible_meetings(user)
        .filter(ends_at__gte=since)
        .select_related("organiser")
        .order_by("starts_at")[:limit]
    )


def list_meeting_invitations(meeting: Meeting) -> list[MeetingInvitation]:
    """The meeting's invited people with their organisations and answers, by name."""
    return list(
        MeetingInvitation.objects.filter(meeting=meeting)
        .select_related("contact")
        .prefetch_related(
            Prefetch(
                "contact__memberships",
                queryset=Membership.objects.filter(is_active=True).select_related("organisation"),
                to_attr="active_memberships",
            )
        )
    )


def list_attendance_people() -> QuerySet[ContactPerson]:
    """Everyone who may be ticked as present: each person once, with their active
    organisations (for the label "name (organisation)")."""
    return (
        ContactPerson.objects.filter(memberships__is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True).select_related("organisation"),
                to_attr="active_memberships",
            )
        )
    )


def list_open_proposals() -> QuerySet[Activity]:
    """Partners' proposals the office has not approved yet, oldest first."""
    return (
        Activity.objects.filter(
            proposal_status__in=[Activity.Proposal.PROPOSED, Activity.Proposal.RETURNED]
        )
        .select_related("proposer_organisation")
        .order_by("created_at")
    )
