"""Reads of meetings: who sees which, the calendar feed, invitations and attendance, and the
meeting and activity counts other apps (indicators, reports, the partner page) use.

A partner contact sees the meetings for all partners and those their organisation is invited to
or organises; the office and the strategic group see every meeting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import policy
from accounts.policy import AnyUser
from activities.models import (
    Activity,
    Lifecycle,
    Meeting,
    MeetingAttendance,
    MeetingInvitation,
    Participation,
)
from activities.selectors.activities import (
    ActivityFilters,
    list_activities,
    with_signals,
)
from partners.models import ContactPerson, Membership

if TYPE_CHECKING:
    from partners.models import Organisation


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
    return with_signals(list(qs.order_by("-start_date", "title")[:50]))


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
    """Everyone who may be ticked as present, each person once. The form's field labels them
    "name (organisation, …)" with one query of its own (klimatfardplan/choices.py), so nothing is
    prefetched here: the queryset also checks the ticked ids on save."""
    return ContactPerson.objects.filter(memberships__is_active=True).distinct()
