"""Reads of the partners app: the partner list with its filters, a partner's page, the
commitment matrix, challenge groupings and matchmaking.

Scoping happens here, once (``visible_to=``), through ``accounts.policy``. Every read is a
queryset; counts are ``Subquery``/``Exists`` annotations, so a page costs the same number of
queries with 5 or 500 organisations (``partners/tests/test_selectors.py`` holds the budgets).
Nothing is kept between requests (values kept per process went stale after a
``QuerySet.update``), so organisations and commitments may be written any way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from accounts import policy
from partners.models import (
    Commitment,
    CommitmentSet,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from roadmap.models import Challenge, FocusArea, PartnershipPeriod, Sector

if TYPE_CHECKING:
    from accounts.policy import AnyUser


# The partner list's orderings, the primary key last, so that pages never overlap however many
# rows tie.
ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "status": ("status", "name", "id"),
    "kind": ("kind", "name", "id"),
    "sector": ("sector", "name", "id"),
    "challenges": ("-challenge_count", "name", "id"),
    "-challenges": ("challenge_count", "name", "id"),
    "created": ("-created_at", "-id"),
}


def contains_ignoring_case(field_name: str, term: str) -> Q:
    """``field_name`` contains ``term`` in any case, beyond ASCII too ("öst" finds "Östra").

    PostgreSQL's ``icontains`` (``UPPER() LIKE UPPER()``) folds every letter; SQLite's ``LIKE``
    folds ASCII letters only, so there the term goes through ``iregex``, which Django runs with
    Python's ``re`` (escaped: what was typed is matched literally)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field_name}__iregex": re.escape(term)})
    return Q(**{f"{field_name}__icontains": term})


def _count(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """The number of rows of ``queryset`` per ``outer`` (a field pointing to the outer row):
    a correlated ``COUNT`` subquery, 0 when there are none."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- periods ----------------------------------------------------------------------------------


def current_period() -> PartnershipPeriod | None:
    """The open period with the latest start, else the latest period."""
    periods = PartnershipPeriod.objects.order_by("-is_open", "-start_year")
    return periods.first()


def list_periods() -> QuerySet[PartnershipPeriod]:
    return PartnershipPeriod.objects.order_by("-start_year")


def list_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("focus_area").order_by("number")


# --- organisations ----------------------------------------------------------------------------


def organisations_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations whose page ``user`` may open: all for office and strategic group, else the
    user's own."""
    if policy.can(user, "partners.list_organisations"):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=policy.organisation_ids(user))


@dataclass
class OrganisationFilters:
    search: str = ""
    status: str = ""
    kind: str = ""
    sector: str = ""
    focus_area: FocusArea | None = None
    challenge: Challenge | None = None
    period: PartnershipPeriod | None = None
    declaration_missing: bool = False
    ordering: str = "name"


def _period_commitments(period: PartnershipPeriod | None) -> QuerySet[Commitment]:
    """The commitments of the period (drafts too), or of every period without one."""
    commitments = Commitment.objects.all()
    return commitments if period is None else commitments.filter(commitment_set__period=period)


def list_organisations(
    *, visible_to: AnyUser, filters: OrganisationFilters | None = None
) -> QuerySet[Organisation]:
    """The partner list (page and exports): the organisations ``visible_to`` may list, as
    ``filters`` narrows and sorts them, each with ``sector_label`` (in the active language), ``challenge_count`` (the challenges taken on
    in the period, a draft's too), ``contact_count`` (active memberships), ``has_declaration``
    (for the period) and ``commitment_status`` (of the period's set, None without one)."""
    filters = filters or OrganisationFilters()
    period = filters.period or current_period()
    commitments = _period_commitments(period)
    declarations = Declaration.objects.filter(organisation=OuterRef("pk"))
    sets = CommitmentSet.objects.filter(organisation=OuterRef("pk"))
    if period is not None:
        declarations = declarations.filter(period=period)
        sets = sets.filter(period=period)
    organisations = organisations_visible_to(visible_to).annotate(
        sector_label=_sector_label(),
        challenge_count=_count(commitments, "commitment_set__organisation"),
        contact_count=_count(Membership.objects.filter(is_active=True), "organisation"),
        has_declaration=Exists(declarations),
        commitment_status=Subquery(sets.values("status")[:1]),
    )
    if term := filters.search.strip():
        # One stored column (a generated one) holds name, number with and without the hyphen,
        # sector and city, separated by line breaks so a term never spans two fields.
        organisations = organisations.filter(contains_ignoring_case("search_text", term))
    for name in ("status", "kind", "sector"):
        if value := getattr(filters, name):
            organisations = organisations.filter(**{name: value})
    mine = commitments.filter(commitment_set__organisation=OuterRef("pk"))
    if filters.challenge is not None:
        organisations = organisations.filter(Exists(mine.filter(challenge=filters.challenge)))
    if filters.focus_area is not None and (
        # A commitment to the chosen challenge already is one in that challenge's area.
        filters.challenge is None or filters.challenge.focus_area_id != filters.focus_area.pk
    ):
        in_area = mine.filter(challenge__focus_area=filters.focus_area)
        organisations = organisations.filter(Exists(in_area))
    if filters.declaration_missing:
        organisations = organisations.filter(has_declaration=False)
    return organisations.order_by(*ORDERINGS.get(filters.ordering, ORDERINGS["name"]))


def _sector_label() -> Any:
    """The organisation's sector in the active language: the English name from the sector
    table when English is active and it has one, else the sector as typed (Swedish)."""
    if not (get_language() or "sv").startswith("en"):
        return F("sector")
    english = Sector.objects.filter(name_sv=OuterRef("sector")).exclude(name_en="")
    return Coalesce(Subquery(english.values("name_en")[:1]), F("sector"))


def list_sectors() -> list[str]:
    """The distinct non-empty sectors, sorted: the choices of the partner list's sector filter
    (read from the sector index)."""
    sectors = Organisation.objects.exclude(sector="").order_by("sector")
    return list(sectors.values_list("sector", flat=True).distinct())


def organisation_names() -> tuple[tuple[int, str], ...]:
    """Every organisation's ``(pk, name)``, by name: the choices of the organisation filters.
    Which organisations are partners is public (the partnership publishes its signatories)."""
    return tuple(Organisation.objects.order_by("name", "pk").values_list("pk", "name"))


def list_my_organisations(*, visible_to: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=policy.organisation_ids(visible_to)).order_by("name")


def get_organisation(*, pk: int, visible_to: AnyUser) -> Organisation:
    """One organisation the user may open; raises Organisation.DoesNotExist otherwise (404)."""
    return organisations_visible_to(visible_to).get(pk=pk)


@dataclass
class OrganisationPage:
    organisation: Organisation
    can_see_private: bool
    period: PartnershipPeriod | None
    memberships: list[Membership] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    commitment_set: CommitmentSet | None = None
    commitments: list[Commitment] = field(default_factory=list)
    status_history: list[OrganisationStatusChange] = field(default_factory=list)
    relations_from: list[GroupRelation] = field(default_factory=list)
    relations_to: list[GroupRelation] = field(default_factory=list)
    onboarding: list[dict[str, Any]] = field(default_factory=list)


def organisation_page(
    *, organisation: Organisation, visible_to: AnyUser, period: PartnershipPeriod | None = None
) -> OrganisationPage:
    """Everything the partner page shows. Contacts, declarations and history are private (office
    and the organisation's own contacts); the strategic group sees details and commitments."""
    period = period or current_period()
    page = OrganisationPage(
        organisation=organisation,
        can_see_private=policy.can(visible_to, "partners.view_organisation_private", organisation),
        period=period,
    )
    if period is not None:
        page.commitment_set = (
            CommitmentSet.objects.filter(organisation=organisation, period=period)
            .select_related("period", "confirmed_by")
            .first()
        )
    if page.commitment_set is not None:
        page.commitments = list(
            page.commitment_set.commitments.select_related("challenge__focus_area")
        )
    page.relations_from = list(organisation.relations_from.select_related("to_organisation"))
    page.relations_to = list(organisation.relations_to.select_related("from_organisation"))
    if page.can_see_private:
        page.memberships = list(
            organisation.memberships.filter(is_active=True)
            .select_related("contact__user")
            .order_by("-is_main_contact", "contact__last_name", "contact__first_name")
        )
        page.declarations = list(
            organisation.declarations.select_related("period").prefetch_related("goals")
        )
        page.status_history = list(organisation.status_changes.select_related("changed_by"))
        page.onboarding = onboarding_checklist(
            organisation=organisation,
            period=period,
            memberships=page.memberships,
            declarations=page.declarations,
            commitment_set=page.commitment_set,
            commitments=page.commitments,
        )
    return page


def onboarding_checklist(
    *,
    organisation: Organisation,
    period: PartnershipPeriod | None,
    memberships: list[Membership],
    declarations: list[Declaration],
    commitment_set: CommitmentSet | None,
    commitments: list[Commitment],
) -> list[dict[str, Any]]:
    """The steps of a new partner: contacts → declaration → ≥5 challenges → intro meeting.
    ``done`` is None when a step cannot be known yet (the activities app records meetings)."""
    from django.utils.translation import gettext as _

    from partners.sections import attended_intro_meeting

    has_declaration = any(d.period_id == getattr(period, "pk", None) for d in declarations)
    confirmed = bool(
        commitment_set
        and commitment_set.is_confirmed
        and len(commitments) >= CommitmentSet.MIN_CHALLENGES
    )
    return [
        {"key": "contacts", "label": _("Kontaktpersoner registrerade"), "done": bool(memberships)},
        {
            "key": "declaration",
            "label": _("Avsiktsförklaring undertecknad och uppladdad"),
            "done": has_declaration,
        },
        {
            "key": "commitments",
            "label": _("Minst 5 klimatutmaningar bekräftade"),
            "done": confirmed,
        },
        {
            "key": "intro_meeting",
            "label": _("Intromöte genomfört"),
            "done": attended_intro_meeting(organisation),
        },
    ]


def commitment_history(*, commitment_set: CommitmentSet) -> QuerySet[Any]:
    return commitment_set.changes.select_related("challenge", "changed_by")


def list_declarations_for_download(*, visible_to: AnyUser) -> QuerySet[Declaration]:
    if policy.is_office(visible_to):
        return Declaration.objects.all()
    return Declaration.objects.filter(organisation_id__in=policy.organisation_ids(visible_to))
