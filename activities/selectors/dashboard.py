"""The strategic group's dashboard: counts, the "needs attention" lists, the timeline, focus
areas, challenges without an activity and this year's meetings.

Five queries whatever the number of activities: the open activities with their facts (the
follow-up rule then runs in Python, once per activity), the counts by kind and lifecycle, the
links to focus areas, the uncovered challenges and the meetings by kind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.policy import AnyUser
from activities import followup
from activities.models import Activity, Lifecycle, Meeting, Signal
from activities.selectors.activities import (
    ActivityFilters,
    ActivityRow,
    apply_filters,
    read_rows,
    visible_activities,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

TIMELINE_MAX = 30  # rows in the Gantt chart; filters narrow it down
ATTENTION_MAX = 10  # rows per "needs attention" group; the list page shows the rest
OPEN = (Lifecycle.IDEA, Lifecycle.PLANNED, Lifecycle.ONGOING)  # may need a lead


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


def _by_end(rows: list[ActivityRow]) -> list[ActivityRow]:
    return sorted(rows, key=lambda r: (r.end_date, r.title))


def _kind_and_lifecycle(
    matching: QuerySet[Activity], rows: list[ActivityRow] | None
) -> Counter[tuple[str, str]]:
    """Matching activities per (kind, lifecycle): counted by the database, or from ``rows``
    when a signal filter has already narrowed them down to open activities."""
    if rows is not None:
        return Counter((r.kind, r.lifecycle) for r in rows)
    counted = matching.order_by().values_list("kind", "lifecycle").annotate(n=Count("pk"))
    return Counter({(kind, lifecycle): n for kind, lifecycle, n in counted})


def _by_focus_area(matching: QuerySet[Activity], *, everything: bool) -> list[tuple[str, int]]:
    """Every focus area (in its order) with the number of ``matching`` activities that serve it
    through their challenges or their clusters' challenges, an activity once per area: the
    (activity, area) pairs of both routes, de-duplicated by UNION, counted here."""
    from roadmap.selectors import reference_data  # here: roadmap may import us

    direct = Activity.challenges.through.objects.values_list(
        "activity_id", "challenge__focus_area_id"
    )
    clustered = Activity.clusters.through.objects.filter(
        cluster__challenges__isnull=False
    ).values_list("activity_id", "cluster__challenges__focus_area_id")
    if not everything:  # the office's usual view needs no "in matching" test
        ids = matching.values("pk")
        direct, clustered = direct.filter(activity__in=ids), clustered.filter(activity__in=ids)
    counts = Counter(area for _activity, area in direct.union(clustered))
    return [(area.name, counts[area.pk]) for area in reference_data().focus_areas]


def _uncovered_challenges() -> list[dict[str, Any]]:
    """Challenges some partner has committed to (confirmed sets) that no live (not cancelled)
    activity serves, directly or through a cluster, with the number of committed
    organisations, by number."""
    from partners.models import Commitment, CommitmentSet  # here: partners may import us
    from roadmap.models import Challenge

    committed = Commitment.objects.filter(
        challenge=OuterRef("pk"), commitment_set__status=CommitmentSet.Status.CONFIRMED
    )
    organisations = (
        committed.order_by()
        .values("challenge")
        .annotate(n=Count("commitment_set__organisation", distinct=True))
        .values("n")
    )
    served = Activity.challenges.through.objects.filter(challenge=OuterRef("pk")).exclude(
        activity__lifecycle=Lifecycle.CANCELLED
    )
    served_by_cluster = Activity.clusters.through.objects.filter(
        cluster__challenges=OuterRef("pk")
    ).exclude(activity__lifecycle=Lifecycle.CANCELLED)
    challenges = (
        Challenge.objects.filter(Exists(committed))
        .exclude(Exists(served))
        .exclude(Exists(served_by_cluster))
        .annotate(organisations=Subquery(organisations))
        .order_by("number")
    )
    return [
        {"number": c.number, "name": c.name, "organisations": c.organisations} for c in challenges
    ]


def _meetings_by_kind(year: int) -> list[dict[str, Any]]:
    """Meetings starting in ``year`` (local time) per kind: held, planned and cancelled."""
    local = timezone.get_current_timezone()
    first, after = (dt.datetime(y, 1, 1, tzinfo=local) for y in (year, year + 1))
    counted = (
        Meeting.objects.filter(starts_at__gte=first, starts_at__lt=after)
        .order_by()
        .values_list("kind", "status")
        .annotate(n=Count("pk"))
    )
    counts = {(kind, status): n for kind, status, n in counted}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "held": counts.get((kind.value, Meeting.Status.HELD), 0),
            "planned": counts.get((kind.value, Meeting.Status.PLANNED), 0),
            "cancelled": counts.get((kind.value, Meeting.Status.CANCELLED), 0),
        }
        for kind in Meeting.Kind
    ]


def dashboard(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, now: dt.datetime | None = None
) -> Dashboard:
    """The dashboard in five queries whatever the number of activities (see the module)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    filters = filters or ActivityFilters()
    matching = apply_filters(visible_activities(visible_to), replace(filters, signal=""))
    everything = not matching.query.where

    # Query 1: the open activities with their facts; the rule runs in Python.
    rows = read_rows(matching.filter(lifecycle__in=OPEN).order_by("start_date", "title"), now=now)
    if filters.signal:  # only followed-up activities carry a signal
        rows = [r for r in rows if r.signal == filters.signal]
        matching = matching.filter(pk__in=[r.pk for r in rows])
        everything = False
    followed = [r for r in rows if r.lifecycle in followup.FOLLOWED_UP]
    signals = Counter(r.signal or Signal.ON_TRACK.value for r in followed)
    # Query 2: matching activities by kind and lifecycle.
    by = _kind_and_lifecycle(matching, rows if filters.signal else None)
    kinds, lifecycles = Counter[str](), Counter[str]()
    for (kind, lifecycle), n in by.items():
        kinds[kind] += n
        lifecycles[lifecycle] += n

    late = _by_end([r for r in followed if r.signal == Signal.LATE])
    at_risk = _by_end([r for r in followed if r.signal == Signal.AT_RISK])
    stale = _by_end([r for r in followed if r.is_stale])
    no_lead = _by_end([r for r in rows if r.lead_name is None])
    timeline = followed[:TIMELINE_MAX]  # by start date and title
    labels = {
        "lifecycle": dict(Lifecycle.choices),
        "signal": dict(Signal.choices),
        "kind": dict(Activity.Kind.choices),
    }
    return Dashboard(
        total=sum(by.values()),
        by_lifecycle=[(c, labels["lifecycle"][c], lifecycles[c]) for c in Lifecycle.values],
        by_signal=[(c, labels["signal"][c], signals[c]) for c in Signal.values],
        stale_count=len(stale),
        by_kind=[(c, labels["kind"][c], kinds[c]) for c in Activity.Kind.values],
        # Queries 3 to 5.
        by_focus_area=_by_focus_area(matching, everything=everything),
        uncovered_challenges=_uncovered_challenges(),
        meetings_by_kind=_meetings_by_kind(today.year),
        timeline=timeline,
        timeline_total=len(followed),
        timeline_start=min((r.start_date for r in timeline), default=today),
        timeline_end=max((r.end_date for r in timeline), default=today),
        late=late[:ATTENTION_MAX],
        at_risk=at_risk[:ATTENTION_MAX],
        stale=stale[:ATTENTION_MAX],
        no_lead=no_lead[:ATTENTION_MAX],
        year=today.year,
        attention_counts={
            "late": len(late),
            "at_risk": len(at_risk),
            "stale": len(stale),
            "no_lead": len(no_lead),
        },
    )
