"""Reads of who committed to what: the commitment matrix, challenge groupings and matchmaking.

Scoping happens here through ``accounts.policy``, as in :mod:`partners.selectors`. Counts are
``Subquery`` annotations and the heat map's cells are read for one page of organisations, so
the pages cost the same number of queries with 5 or 500 partners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
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

from accounts import policy
from partners.models import Commitment, CommitmentSet, ContactPerson, Membership, Organisation
from partners.selectors import contains_ignoring_case, current_period, list_challenges
from roadmap.models import Challenge, FocusArea, PartnershipPeriod

if TYPE_CHECKING:
    from accounts.policy import AnyUser


# --- commitment matrix ------------------------------------------------------------------------


@dataclass
class MatrixRow:
    organisation: Organisation  # its pk and name: all the row shows of it
    cells: list[bool]
    count: int


@dataclass
class Matrix:
    period: PartnershipPeriod | None
    challenges: list[Challenge]  # each with ``organisation_count``
    focus_area_rows: list[dict[str, Any]]
    uncovered: list[Challenge]
    page: Page[Any]
    rows: list[MatrixRow]
    organisation_total: int
    include_drafts: bool

    @property
    def challenge_counts(self) -> dict[int, int]:
        """Organisations per challenge, by the challenge's pk."""
        return {c.pk: c.organisation_count for c in self.challenges}  # type: ignore[attr-defined]


def _matrix_sets(period: PartnershipPeriod | None, include_drafts: bool) -> QuerySet[CommitmentSet]:
    """The commitment sets the matrix counts: the period's confirmed ones, or drafts too."""
    sets = CommitmentSet.objects.all()
    if period is not None:
        sets = sets.filter(period=period)
    if not include_drafts:
        sets = sets.filter(status=CommitmentSet.Status.CONFIRMED)
    return sets


def _organisations_per(group: str, commitments: QuerySet[Commitment]) -> Coalesce:
    """Distinct organisations with commitments per ``group`` (a path from a commitment to the
    outer row), as a correlated subquery: one small aggregate per challenge or focus area."""
    counted = (
        commitments.filter(**{group: OuterRef("pk")})
        .order_by()
        .values(group)
        .annotate(n=Count("commitment_set__organisation", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def commitment_matrix(
    *,
    visible_to: AnyUser,
    period: PartnershipPeriod | None = None,
    include_drafts: bool = False,
    focus_area: FocusArea | None = None,
    search: str = "",
    page_number: Any = 1,
    per_page: int = 50,
) -> Matrix:
    """Challenges × organisations for a period.

    Counts per challenge and per focus area are taken over *all* committed organisations (the
    focus area and the search narrow the rows only); the heat map's cells are read for the
    current page of organisations (one query), so the page costs the same with 50 or 5,000
    partners."""
    period = period or current_period()
    sets = _matrix_sets(period, include_drafts)
    commitments = Commitment.objects.filter(commitment_set__in=sets)
    challenges: list[Any] = list(
        list_challenges().annotate(organisation_count=_organisations_per("challenge", commitments))
    )
    area_counts = dict(
        FocusArea.objects.annotate(
            n=_organisations_per("challenge__focus_area", commitments)
        ).values_list("pk", "n")
    )
    areas: dict[int, dict[str, Any]] = {}
    for challenge in challenges:
        area = areas.setdefault(
            challenge.focus_area_id,
            {
                "focus_area": challenge.focus_area,
                "commitments": 0,
                "organisations": area_counts.get(challenge.focus_area_id, 0),
                "challenges": 0,
            },
        )
        area["commitments"] += challenge.organisation_count
        area["challenges"] += 1
    committed = sets.filter(organisation=OuterRef("pk"), commitments__isnull=False)
    if focus_area is not None:
        committed = sets.filter(
            organisation=OuterRef("pk"), commitments__challenge__focus_area=focus_area
        )
    organisations = organisations_for_matrix(visible_to).filter(Exists(committed))
    if term := search.strip():
        organisations = organisations.filter(contains_ignoring_case("name", term))
    paginator: Paginator[Organisation] = Paginator(
        organisations.order_by("name", "pk").only("pk", "name"), per_page
    )
    page = paginator.get_page(page_number)
    taken: dict[int, set[int]] = defaultdict(set)
    for organisation_id, challenge_id in commitments.filter(
        commitment_set__organisation__in=[o.pk for o in page.object_list]
    ).values_list("commitment_set__organisation_id", "challenge_id"):
        taken[organisation_id].add(challenge_id)
    rows = [
        MatrixRow(
            organisation=o,
            cells=[c.pk in taken[o.pk] for c in challenges],
            count=len(taken[o.pk]),
        )
        for o in page.object_list
    ]
    return Matrix(
        period=period,
        challenges=challenges,
        focus_area_rows=list(areas.values()),
        uncovered=[c for c in challenges if not c.organisation_count],
        page=page,
        rows=rows,
        organisation_total=paginator.count,
        include_drafts=include_drafts,
    )


def organisations_for_matrix(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations whose rows ``user`` sees in the matrix: all, or the user's own."""
    if policy.can(user, "partners.view_matrix"):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=policy.organisation_ids(user))


# --- groupings and matchmaking ----------------------------------------------------------------


def grouping_challenges(
    *, visible_to: AnyUser, period: PartnershipPeriod | None = None
) -> list[dict[str, Any]]:
    """Every challenge grouping (the partners committed to one challenge) with its size. Office
    and strategic group see all; a partner contact sees the groupings of its organisations."""
    period = period or current_period()
    commitments = Commitment.objects.confirmed()
    if period is not None:
        commitments = commitments.for_period(period)
    counts = dict(
        commitments.order_by()
        .values_list("challenge_id")
        .annotate(n=Count("commitment_set__organisation", distinct=True))
    )
    mine: set[int] = set()
    own = policy.organisation_ids(visible_to)
    if own:
        mine = set(
            commitments.filter(commitment_set__organisation_id__in=own).values_list(
                "challenge_id", flat=True
            )
        )
    sees_all = policy.is_office(visible_to) or policy.is_strategic(visible_to)
    return [
        {"challenge": c, "count": counts.get(c.pk, 0), "is_member": c.pk in mine}
        for c in list_challenges()
        if sees_all or c.pk in mine
    ]


def can_view_grouping(*, challenge: Challenge, visible_to: AnyUser, period: Any) -> bool:
    if policy.is_office(visible_to) or policy.is_strategic(visible_to):
        return True
    own = policy.organisation_ids(visible_to)
    return (
        Commitment.objects.confirmed()
        .for_period(period)
        .filter(challenge=challenge, commitment_set__organisation_id__in=own)
        .exists()
    )


# A contact who still works there: an active membership whose login (if any) is not disabled.
_CURRENT_CONTACT = Q(is_active=True) & (
    Q(contact__user__isnull=True) | Q(contact__user__is_active=True)
)


@dataclass
class GroupingMember:
    organisation: Organisation
    plan: str
    looking_for_partners: bool
    contacts: list[ContactPerson]


def grouping_members(
    *, challenge: Challenge, visible_to: AnyUser, period: PartnershipPeriod | None
) -> list[GroupingMember]:
    """The organisations committed to ``challenge`` with their contacts. The office sees every
    active contact; everyone else only each member's public contacts (main contact and
    communications), never phone numbers or other organisations' private data."""
    commitments = Commitment.objects.confirmed().filter(challenge=challenge)
    if period is not None:
        commitments = commitments.for_period(period)
    office = policy.is_office(visible_to)
    membership_filter = _CURRENT_CONTACT
    if not office:
        membership_filter &= Q(is_main_contact=True) | Q(is_communications=True)
    memberships = Membership.objects.filter(membership_filter).select_related("contact")
    rows = (
        commitments.select_related("commitment_set__organisation")
        .prefetch_related(
            Prefetch(
                "commitment_set__organisation__memberships",
                queryset=memberships.order_by("-is_main_contact", "contact__last_name"),
                to_attr="visible_memberships",
            )
        )
        .order_by("commitment_set__organisation__name")
    )
    return [
        GroupingMember(
            organisation=c.commitment_set.organisation,
            plan=c.plan,
            looking_for_partners=c.looking_for_partners,
            contacts=[m.contact for m in c.commitment_set.organisation.visible_memberships],  # type: ignore[attr-defined]
        )
        for c in rows
    ]


def mailing_list(*, challenge: Challenge, period: PartnershipPeriod | None) -> list[dict[str, str]]:
    """Name, email and organisation of every active contact of the grouping (office export)."""
    memberships = (
        Membership.objects.filter(
            _CURRENT_CONTACT,
            organisation__commitment_sets__commitments__challenge=challenge,
            organisation__commitment_sets__status=CommitmentSet.Status.CONFIRMED,
        )
        .select_related("contact", "organisation")
        .order_by("organisation__name", "contact__last_name")
    )
    if period is not None:
        memberships = memberships.filter(organisation__commitment_sets__period=period)
    return [
        {
            "organisation": m.organisation.name,
            "first_name": m.contact.first_name,
            "last_name": m.contact.last_name,
            "email": m.contact.email,
            "title": m.contact.title,
            "main_contact": "ja" if m.is_main_contact else "",
        }
        for m in memberships.distinct()
    ]


@dataclass
class Match:
    organisation_id: int
    name: str
    shared: int


def matches_for(
    *, organisation: Organisation, period: PartnershipPeriod | None, limit: int = 10
) -> list[Match]:
    """Other organisations sharing the most of ``organisation``'s challenges (one query)."""
    commitments = Commitment.objects.confirmed()
    if period is not None:
        commitments = commitments.for_period(period)
    mine = commitments.filter(commitment_set__organisation=organisation).values("challenge_id")
    rows = (
        commitments.filter(challenge_id__in=Subquery(mine))
        .exclude(commitment_set__organisation=organisation)
        .order_by()
        .values("commitment_set__organisation_id", "commitment_set__organisation__name")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "commitment_set__organisation__name")[:limit]
    )
    return [
        Match(
            organisation_id=r["commitment_set__organisation_id"],
            name=r["commitment_set__organisation__name"],
            shared=r["shared"],
        )
        for r in rows
    ]


def looking_for_partners(
    *, period: PartnershipPeriod | None, exclude: Organisation | None = None
) -> QuerySet[Commitment]:
    """Commitments flagged "looking for partners", by challenge."""
    commitments = Commitment.objects.confirmed().looking_for_partners()
    if period is not None:
        commitments = commitments.for_period(period)
    if exclude is not None:
        commitments = commitments.exclude(commitment_set__organisation=exclude)
    return commitments.select_related("challenge", "commitment_set__organisation").order_by(
        "challenge__number", "commitment_set__organisation__name"
    )
