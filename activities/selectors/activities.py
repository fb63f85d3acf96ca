"""Reads of activity cards: who sees which, the list's filters, and the facts the follow-up rule
needs, annotated at read time.

Visibility is decided once, here, through ``visible_to=`` and ``accounts.policy``: the office and
the strategic group see every activity; a partner contact sees the activities their organisation
takes part in and those marked shared.

The milestone facts (how many, how many done, the oldest open due date), the lead's name and the
team size are correlated subqueries on the activity row, so nothing has to be stored and kept
true by writers. The follow-up signal itself is computed in Python by
:func:`activities.followup.compute_signal` (one rule, one place) from those facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import policy
from accounts.policy import AnyUser
from activities import followup
from activities.models import (
    Activity,
    ActivityPerson,
    Lifecycle,
    Milestone,
    Participation,
    Signal,
    StatusUpdate,
)
from activities.services import stale_days


@dataclass
class ActivityFilters:
    focus_area: int | None = None
    challenge: int | None = None
    organisation: int | None = None
    kind: str = ""
    lifecycle: str = ""
    signal: str = ""
    q: str = ""


# Texts of the card that lists never show: not read for them.
CARD_TEXT_FIELDS = (
    "purpose",
    "goal",
    "outcome",
    "links",
    "indicators",
    "indicator_keys",
    "funding",
    "signal_override_reason",
)


def visible_activities(visible_to: AnyUser) -> QuerySet[Activity]:
    if policy.is_office(visible_to) or policy.is_strategic(visible_to):
        return Activity.objects.all()
    org_ids = policy.organisation_ids(visible_to)
    if not org_ids:
        return Activity.objects.none()
    member = Exists(
        Participation.objects.filter(activity=OuterRef("pk"), organisation_id__in=org_ids)
    )
    return Activity.objects.filter(Q(is_shared=True) | member)


def _count_of(qs: QuerySet[Any]) -> Coalesce:
    """``COUNT(*)`` of a queryset correlated on the activity (``activity=OuterRef("pk")``), 0
    when nothing matches."""
    counted = qs.order_by().values("activity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def lead_name() -> Subquery:
    """The name of the activity's leading organisation, NULL without a lead."""
    return Subquery(
        Participation.objects.filter(activity=OuterRef("pk"), is_lead=True).values(
            "organisation__name"
        )[:1]
    )


def with_facts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """``qs`` annotated with what the follow-up rule and the lists need: ``ms_total``,
    ``ms_done``, ``ms_first_open`` (the earliest due date of an open milestone), ``lead_name``
    and ``team_size``. On PostgreSQL the subqueries run for the rows returned only, after a
    page's ORDER BY and LIMIT (the planner postpones costly output columns)."""
    milestones = Milestone.objects.filter(activity=OuterRef("pk"))
    first_open = (
        milestones.filter(done_on__isnull=True)
        .order_by()
        .values("activity")
        .annotate(first=Min("due_date"))
        .values("first")
    )
    return qs.annotate(
        ms_total=_count_of(milestones),
        ms_done=_count_of(milestones.filter(done_on__isnull=False)),
        ms_first_open=Subquery(first_open),
        lead_name=lead_name(),
        team_size=_count_of(Participation.objects.filter(activity=OuterRef("pk"))),
    )


def apply_filters(qs: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    """Every filter but the follow-up signal, which only Python computes (:func:`filter_signal`)."""
    links = Activity.challenges.through.objects.filter(activity_id=OuterRef("pk"))
    if filters.focus_area:
        via_cluster = Activity.clusters.through.objects.filter(
            activity_id=OuterRef("pk"), cluster__challenges__focus_area_id=filters.focus_area
        )
        qs = qs.filter(
            Exists(links.filter(challenge__focus_area_id=filters.focus_area)) | Exists(via_cluster)
        )
    if filters.challenge:
        qs = qs.filter(Exists(links.filter(challenge_id=filters.challenge)))
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


# --- the follow-up signal, from annotated rows -----------------------------------------------------


def signal_of(
    *,
    today: dt.date,
    lifecycle: str,
    start_date: dt.date,
    end_date: dt.date,
    override: str,
    ms_total: int,
    ms_done: int,
    ms_first_open: dt.date | None,
) -> tuple[Signal | None, Signal | None]:
    """The computed and the effective signal of a row annotated by :func:`with_facts`."""
    overdue = ms_first_open if ms_first_open is not None and ms_first_open < today else None
    computed = followup.compute_signal(
        today=today,
        lifecycle=lifecycle,
        start_date=start_date,
        end_date=end_date,
        milestones=followup.MilestoneFacts(ms_total, ms_done, overdue),
    )
    return computed, followup.effective_signal(computed, override)


_SIGNAL_FIELDS = (
    "pk",
    "lifecycle",
    "start_date",
    "end_date",
    "signal_override",
    "ms_total",
    "ms_done",
    "ms_first_open",
)


def filter_signal(qs: QuerySet[Activity], signal: str, *, today: dt.date) -> QuerySet[Activity]:
    """``qs`` narrowed to the followed-up activities whose effective signal is ``signal``.

    One query reads the facts of the followed-up candidates and the rule runs in Python: the
    signal depends on the day, so a stored copy would need a writer every night as well as on
    every change of a milestone."""
    # An office override shows whatever the lifecycle; otherwise only followed-up rows signal.
    carries_signal = Q(lifecycle__in=followup.FOLLOWED_UP) | ~Q(signal_override="")
    candidates = with_facts(qs.filter(carries_signal)).values_list(*_SIGNAL_FIELDS)
    ids = [
        pk
        for pk, lifecycle, start, end, override, total, done, first_open in candidates
        if signal_of(
            today=today,
            lifecycle=lifecycle,
            start_date=start,
            end_date=end,
            override=override,
            ms_total=total,
            ms_done=done,
            ms_first_open=first_open,
        )[1]
        == signal
    ]
    return qs.filter(pk__in=ids)


def filter_activities(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, today: dt.date | None = None
) -> QuerySet[Activity]:
    """The visible activities matching ``filters``, without annotations (cheap to count)."""
    filters = filters or ActivityFilters()
    qs = apply_filters(visible_activities(visible_to), filters)
    if filters.signal:
        qs = filter_signal(qs, filters.signal, today=today or timezone.localdate())
    return qs


def list_activities(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, today: dt.date | None = None
) -> QuerySet[Activity]:
    """Visible activities matching ``filters`` with their facts annotated (:func:`with_facts`)
    and the team and challenges prefetched: the list page, exports, sections. Card texts are
    not read. Pass the result (or a page of it) through :func:`with_signals`."""
    qs = filter_activities(visible_to=visible_to, filters=filters, today=today)
    return (
        with_facts(qs)
        .defer(*CARD_TEXT_FIELDS)
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


def with_signals(activities: list[Activity], *, now: dt.datetime | None = None) -> list[Activity]:
    """Attach ``signal``, ``computed_signal`` and ``is_stale`` to activities annotated by
    :func:`with_facts` (no queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = stale_days()
    for activity in activities:
        computed, effective = signal_of(
            today=today,
            lifecycle=activity.lifecycle,
            start_date=activity.start_date,
            end_date=activity.end_date,
            override=activity.signal_override,
            ms_total=activity.ms_total,  # type: ignore[attr-defined]
            ms_done=activity.ms_done,  # type: ignore[attr-defined]
            ms_first_open=activity.ms_first_open,  # type: ignore[attr-defined]
        )
        activity.computed_signal = computed  # type: ignore[attr-defined]
        activity.signal = effective  # type: ignore[attr-defined]
        activity.is_stale = followup.is_stale(  # type: ignore[attr-defined]
            now=now,
            lifecycle=activity.lifecycle,
            last_update=activity.last_status_update_at,
            created_at=activity.created_at,
            stale_days=days,
        )
    return activities


# --- rows for the gallery and the dashboard -------------------------------------------------------


@dataclass(slots=True)
class ActivityRow:
    """One activity's follow-up at a glance: a plain row for the dashboard and the gallery."""

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
        return reverse("activities:activity_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return str(Activity.Kind(self.kind).label)

    @property
    def lifecycle_label(self) -> str:
        return str(Lifecycle(self.lifecycle).label)

    @property
    def signal_label(self) -> str:
        return str(Signal(self.signal).label) if self.signal else ""


ROW_FIELDS = (
    "pk",
    "title",
    "kind",
    "lifecycle",
    "start_date",
    "end_date",
    "signal_override",
    "ms_total",
    "ms_done",
    "ms_first_open",
    "lead_name",
    "reported_at",
)


def read_rows(qs: QuerySet[Activity], *, now: dt.datetime) -> list[ActivityRow]:
    """``qs`` as :class:`ActivityRow` s, in one query, with the signal and staleness computed."""
    today = timezone.localdate(now)
    days = stale_days()
    rows = []
    # One timestamp per row, not two: converting them is most of this read's time in Python.
    reported = Coalesce("last_status_update_at", "created_at")
    for values in with_facts(qs).annotate(reported_at=reported).values_list(*ROW_FIELDS):
        pk, title, kind, lifecycle, start, end, override, total, done, first_open = values[:10]
        lead, reported_at = values[10:]
        rows.append(
            ActivityRow(
                pk=pk,
                title=title,
                kind=kind,
                lifecycle=lifecycle,
                start_date=start,
                end_date=end,
                lead_name=lead,
                signal=signal_of(
                    today=today,
                    lifecycle=lifecycle,
                    start_date=start,
                    end_date=end,
                    override=override,
                    ms_total=total,
                    ms_done=done,
                    ms_first_open=first_open,
                )[1],
                is_overridden=bool(override),
                is_stale=followup.is_stale(
                    now=now,
                    lifecycle=lifecycle,
                    last_update=reported_at,
                    created_at=reported_at,
                    stale_days=days,
                ),
            )
        )
    return rows


def list_activity_rows(
    *, visible_to: AnyUser, filters: ActivityFilters | None = None, now: dt.datetime | None = None
) -> list[ActivityRow]:
    """Every visible activity matching ``filters`` as follow-up rows (one query, two with a
    signal filter), in the activities' order."""
    now = now or timezone.now()
    filters = filters or ActivityFilters()
    qs = apply_filters(visible_activities(visible_to), filters)
    rows = read_rows(qs, now=now)
    if filters.signal:
        rows = [r for r in rows if r.signal == filters.signal]
    return rows


# --- one card ---------------------------------------------------------------------------------------

CARD_PREFETCHES: tuple[Any, ...] = (
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


def get_activity(*, visible_to: AnyUser, pk: int) -> Activity:
    """One activity card with everything the card page and its PDF show (raises DoesNotExist)."""
    activity = (
        with_facts(visible_activities(visible_to))
        .select_related("signal_override_by", "created_by")
        .prefetch_related(
            *CARD_PREFETCHES,
            Prefetch("status_updates", queryset=StatusUpdate.objects.select_related("by")),
            "meetings",
        )
        .get(pk=pk)
    )
    with_signals([activity])
    return activity


def list_cards(*, visible_to: AnyUser, ids: list[int]) -> list[Activity]:
    """The cards for printing (the gallery), in the order of start date and title."""
    qs = (
        with_facts(visible_activities(visible_to))
        .filter(pk__in=ids)
        .prefetch_related(*CARD_PREFETCHES)
    )
    return with_signals(list(qs))


def list_open_proposals() -> QuerySet[Activity]:
    """Partners' proposals the office has not approved yet, oldest first."""
    return (
        Activity.objects.filter(
            proposal_status__in=[Activity.Proposal.PROPOSED, Activity.Proposal.RETURNED]
        )
        .select_related("proposer_organisation")
        .order_by("created_at")
    )
