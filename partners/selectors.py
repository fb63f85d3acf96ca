"""Reads of the partners app: the partner list with its filters, a partner's page, the
commitment matrix, challenge groupings and matchmaking.

Scoping happens here, once (``visible_to=``), through ``accounts.policy``. The list and the matrix
run a fixed number of queries whatever the number of rows: counts come from correlated
subqueries or one GROUP BY, never from per-row queries in templates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
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
from klimatfardplan import sql as sql_names
from klimatfardplan.kept import kept
from klimatfardplan.rendering import url_maker
from partners.models import (
    Commitment,
    CommitmentSet,
    ContactPerson,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from roadmap import selectors as roadmap_selectors
from roadmap.models import Challenge, FocusArea, PartnershipPeriod

if TYPE_CHECKING:
    from accounts.policy import AnyUser

ORDERINGS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "status": ("status", "name"),
    "kind": ("kind", "name"),
    "sector": ("sector", "name"),
    "challenges": ("-challenge_count", "name"),
    "-challenges": ("challenge_count", "name"),
    "created": ("-created_at", "-pk"),
}


# --- periods ----------------------------------------------------------------------------------


def current_period() -> PartnershipPeriod | None:
    """The open period with the latest start, else the latest period."""
    periods = PartnershipPeriod.objects.order_by("-is_open", "-start_year")
    return periods.first()


def list_periods() -> QuerySet[PartnershipPeriod]:
    return PartnershipPeriod.objects.order_by("-start_year")


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


def list_organisations(
    *, visible_to: AnyUser, filters: OrganisationFilters | None = None
) -> QuerySet[Organisation]:
    """The partner list: filtered, sorted, annotated with the number of challenges taken on in
    the period, whether a declaration exists for it, and the number of active contacts.

    The annotations are correlated subqueries, so the page is one query (plus the count for
    pagination) however many organisations, contacts and commitments exist."""
    filters = filters or OrganisationFilters()
    period = filters.period or current_period()
    organisations = _annotated_organisations(period.pk if period else None).all()
    if not policy.can(visible_to, "partners.list_organisations"):
        organisations = organisations.filter(pk__in=policy.organisation_ids(visible_to))
    if filters.search:
        term = filters.search.strip()
        organisations = organisations.filter(
            Q(name__icontains=term)
            | Q(organisation_number__icontains=term)
            | Q(sector__icontains=term)
            | Q(city__icontains=term)
        )
    if filters.status:
        organisations = organisations.filter(status=filters.status)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.sector:
        organisations = organisations.filter(sector=filters.sector)
    commitments = _period_commitments(period)
    if filters.challenge is not None:
        organisations = organisations.filter(
            Exists(commitments.filter(challenge=filters.challenge))
        )
    if filters.focus_area is not None and (
        # A commitment to the chosen challenge already is one in that challenge's focus area.
        filters.challenge is None or filters.challenge.focus_area_id != filters.focus_area.pk
    ):
        # The area's challenges are known (reference data): no join to the challenge table.
        area_pk = filters.focus_area.pk
        area_challenges = [
            c.pk
            for c in roadmap_selectors.reference_data().challenges
            if c.focus_area_id == area_pk
        ]
        organisations = organisations.filter(
            Exists(commitments.filter(challenge__in=area_challenges))
        )
    if filters.declaration_missing:
        organisations = organisations.filter(~Exists(_period_declarations(period)))
    return organisations.order_by(*ORDERINGS.get(filters.ordering, ORDERINGS["name"]))


def _period_commitments(period: PartnershipPeriod | None) -> QuerySet[Commitment]:
    """The commitments of the outer query's organisation (in the period, if there is one)."""
    commitments = Commitment.objects.filter(commitment_set__organisation=OuterRef("pk"))
    return commitments if period is None else commitments.filter(commitment_set__period=period)


def _period_declarations(period: PartnershipPeriod | None) -> QuerySet[Declaration]:
    """The declarations of the outer query's organisation (for the period, if there is one)."""
    declarations = Declaration.objects.filter(organisation=OuterRef("pk"))
    return declarations if period is None else declarations.filter(period=period)


@lru_cache(maxsize=16)
def _annotated_organisations(period_pk: int | None) -> QuerySet[Organisation]:
    """All organisations with the list's four annotations for the period: never evaluated
    itself, only cloned (``.all()``) and filtered per request.

    Building the four correlated subqueries took more of the list page's time than running
    them, and they depend on nothing but the period, so they are built once per period and
    process (the way a view's class-level ``queryset`` is reused). It holds no rows, so there
    is nothing to go stale."""
    period = None if period_pk is None else PartnershipPeriod(pk=period_pk)
    challenge_count = (
        _period_commitments(period)
        .order_by()
        .values("commitment_set__organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    contact_count = (
        Membership.objects.filter(organisation=OuterRef("pk"), is_active=True)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    set_status = CommitmentSet.objects.filter(organisation=OuterRef("pk"))
    if period is not None:
        # One set per organisation and period: the model's default ordering would only add two
        # joins to every row's subquery.
        set_status = set_status.filter(period=period).order_by()
    return Organisation.objects.annotate(
        challenge_count=Coalesce(Subquery(challenge_count, output_field=IntegerField()), Value(0)),
        contact_count=Coalesce(Subquery(contact_count, output_field=IntegerField()), Value(0)),
        has_declaration=Exists(_period_declarations(period)),
        commitment_status=Subquery(set_status.values("status")[:1]),
    )


# What a row of the partner list shows: plain values, since building model instances for a page
# of rows costs more than the rest of the row.
ROW_COLUMNS = (
    "pk",
    "name",
    "organisation_number",
    "kind",
    "sector",
    "status",
    "challenge_count",
    "contact_count",
    "has_declaration",
    "commitment_status",
)


def list_organisation_rows(
    *, visible_to: AnyUser, filters: OrganisationFilters | None = None
) -> QuerySet[Organisation, dict[str, Any]]:
    """:func:`list_organisations` as dicts of :data:`ROW_COLUMNS`, for the list page."""
    rows: QuerySet[Organisation, dict[str, Any]] = list_organisations(
        visible_to=visible_to, filters=filters
    ).values(*ROW_COLUMNS)
    return rows


def list_sectors() -> list[str]:
    """The distinct non-empty sectors, sorted: the choices of the partner list's sector filter.

    A plain ``SELECT DISTINCT sector`` reads every organisation on every list request. This
    "loose index scan" (a recursive CTE, the same SQL on SQLite and PostgreSQL) asks the sector
    index for the next larger sector once per distinct sector instead: a handful of index seeks
    whether there are 50 or 50,000 organisations. Django's ORM cannot express it, hence raw SQL
    (no user input goes into it)."""
    table = connection.ops.quote_name(Organisation._meta.db_table)
    column = connection.ops.quote_name(Organisation._meta.get_field("sector").column)
    # Only the quoted table and column names of the model are formatted in (hence the noqa).
    sql = (
        f"WITH RECURSIVE sectors(sector) AS ("  # noqa: S608
        f"SELECT MIN({column}) FROM {table} WHERE {column} > %s "
        f"UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > sectors.sector) "
        f"FROM sectors WHERE sectors.sector IS NOT NULL"
        f") SELECT sector FROM sectors WHERE sector IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [""])
        return [sector for (sector,) in cursor.fetchall()]


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


def list_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("focus_area").order_by("number")


# --- commitment matrix ------------------------------------------------------------------------


@dataclass
class MatrixRow:
    organisation: Any  # (pk, name) named tuple: all the row shows of the organisation
    cells: list[bool]
    count: int


@dataclass
class Matrix:
    period: PartnershipPeriod | None
    challenges: list[Challenge]
    challenge_counts: dict[int, int]
    focus_area_rows: list[dict[str, Any]]
    uncovered: list[Challenge]
    page: Page[Any]
    rows: list[MatrixRow]
    organisation_total: int
    include_drafts: bool

    @property
    def challenge_rows(self) -> list[dict[str, Any]]:
        """Per challenge: the challenge, its organisation count and its grouping page."""
        query = f"?period={self.period.pk}" if self.period else ""
        grouping_url = url_maker("partners:grouping_detail", "number")
        return [
            {
                "challenge": c,
                "count": self.challenge_counts[c.pk],
                "url": grouping_url(c.number) + query,
            }
            for c in self.challenges
        ]


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

    Counts per challenge and per focus area are taken over *all* committed organisations
    (:func:`_matrix_counts`, cached); the heat-map rows are built only for the current page of
    organisations (one query for the page, one for their commitments), so the page costs the
    same with 50 or 5,000 partners."""
    reference = (
        roadmap_selectors.reference_data()
    )  # periods and challenges: cached, no query when warm
    period = period or reference.current_period
    challenges = reference.challenges
    # 1 fingerprint; when cold also 2 per challenge, 3 per focus area, 4 total
    per_challenge, per_area_orgs, total = _matrix_counts(
        period=period, include_drafts=include_drafts
    )
    areas: dict[int, dict[str, Any]] = {}
    for challenge in challenges:
        area = areas.setdefault(
            challenge.focus_area_id,
            {
                "focus_area": challenge.focus_area,
                "commitments": 0,
                "organisations": per_area_orgs.get(challenge.focus_area_id, 0),
                "challenges": 0,
            },
        )
        area["commitments"] += per_challenge.get(challenge.pk, 0)
        area["challenges"] += 1
    area_challenges = (
        None
        if focus_area is None
        else tuple(c.pk for c in challenges if c.focus_area_id == focus_area.pk)
    )
    committed_orgs = _committed_organisations(
        period.pk if period else None, include_drafts, area_challenges
    ).all()
    sees_all = policy.can(visible_to, "partners.view_matrix")
    if not sees_all:
        committed_orgs = committed_orgs.filter(pk__in=policy.organisation_ids(visible_to))
    if search:
        committed_orgs = committed_orgs.filter(name__icontains=search.strip())
    paginator: Paginator[Any] = Paginator(committed_orgs, per_page)
    if sees_all and not search:
        # Without a name search the number of matching organisations is already known from the
        # cached counts (in all, or in the chosen focus area): this saves a correlated EXISTS
        # over every organisation (Paginator.count is a cached_property).
        paginator.count = total if focus_area is None else per_area_orgs.get(focus_area.pk, 0)
    page = paginator.get_page(page_number)  # count (only when filtered), page
    taken = _page_commitments(
        [o.pk for o in page.object_list],
        period_pk=period.pk if period else None,
        include_drafts=include_drafts,
    )
    challenge_ids = [c.pk for c in challenges]
    rows = []
    for org in page.object_list:
        mine = taken[org.pk]
        rows.append(
            MatrixRow(organisation=org, cells=[pk in mine for pk in challenge_ids], count=len(mine))
        )
    return Matrix(
        period=period,
        challenges=challenges,
        challenge_counts={c.pk: per_challenge.get(c.pk, 0) for c in challenges},
        focus_area_rows=list(areas.values()),
        uncovered=[c for c in challenges if not per_challenge.get(c.pk)],
        page=page,
        rows=rows,
        organisation_total=paginator.count,
        include_drafts=include_drafts,
    )


def _page_commitments(
    org_ids: list[int], *, period_pk: int | None, include_drafts: bool
) -> dict[int, set[int]]:
    """The challenges each of ``org_ids`` (one matrix page) committed to in the period: what
    ``Commitment.objects.filter(commitment_set__organisation_id__in=…, commitment_set__period=…,
    commitment_set__status=…)`` reads (a test checks the two agree), as one hand-written
    statement, since building that join cost more than running it. Only the models' quoted
    names go into the text; every value is a parameter."""
    taken: dict[int, set[int]] = defaultdict(set)
    if not org_ids:
        return taken
    q = connection.ops.quote_name
    column = partial(sql_names.column, connection=connection)
    organisation = column(CommitmentSet, "organisation", "s")
    conditions = [f"{organisation} IN ({', '.join(['%s'] * len(org_ids))})"]
    params: list[Any] = [*org_ids]
    if period_pk is not None:
        conditions.append(f"{column(CommitmentSet, 'period', 's')} = %s")
        params.append(period_pk)
    if not include_drafts:
        conditions.append(f"{column(CommitmentSet, 'status', 's')} = %s")
        params.append(CommitmentSet.Status.CONFIRMED.value)
    sql = (
        f"SELECT {organisation}, {column(Commitment, 'challenge', 'c')}"  # noqa: S608
        f" FROM {q(Commitment._meta.db_table)} c INNER JOIN {q(CommitmentSet._meta.db_table)} s"
        f" ON s.{q(CommitmentSet._meta.pk.column)} = {column(Commitment, 'commitment_set', 'c')}"
        f" WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, challenge_id in cursor.fetchall():
            taken[org_id].add(challenge_id)
    return taken


@lru_cache(maxsize=64)
def _committed_organisations(
    period_pk: int | None, include_drafts: bool, area_challenges: tuple[int, ...] | None
) -> QuerySet[Organisation, Any]:
    """(pk, name) of the organisations with commitments in the period (to challenges of a focus
    area, if given), by name: never evaluated itself, only cloned (``.all()``) per request.

    Built once per process and argument set, like the partner list's annotations
    (:func:`_annotated_organisations`): building the correlated EXISTS cost more than running
    it for a page. It holds no rows, so there is nothing to go stale."""
    sets = CommitmentSet.objects.filter(organisation=OuterRef("pk"))
    if period_pk is not None:
        sets = sets.filter(period_id=period_pk)
    if not include_drafts:
        sets = sets.filter(status=CommitmentSet.Status.CONFIRMED)
    if area_challenges is not None:
        # The area's challenges are known: no join to the challenge table per organisation.
        sets = sets.filter(commitments__challenge__in=area_challenges)
    else:
        sets = sets.filter(commitments__isnull=False)
    return (
        Organisation.objects.filter(Exists(sets))
        .order_by("name", "pk")
        .values_list("pk", "name", named=True)
    )


MATRIX_COUNTS_TIMEOUT = 300  # seconds; see _matrix_counts


def _matrix_counts(
    *, period: PartnershipPeriod | None, include_drafts: bool
) -> tuple[dict[int, int], dict[int, int], int]:
    """Organisations per challenge, per focus area and in all, over the period's commitment
    sets (the confirmed ones, unless drafts are included).

    The two GROUP BYs read every commitment of the period (40,000 rows at full scale), which is
    most of the matrix page's time, while the answer changes only when someone saves
    commitments. So they are cached under a fingerprint of all commitment sets: their number
    and their latest change (``updated_at`` is set on every save), two index lookups in one
    query (:func:`_sets_fingerprint`). Every write through ``services.save_commitments`` saves
    the set, and adding, deleting or re-saving any set changes the fingerprint. Writes that
    bypass ``save()`` (a bare Commitment deleted in the admin, ``QuerySet.update``) show up once
    the entry expires (MATRIX_COUNTS_TIMEOUT)."""
    count, latest = _sets_fingerprint()
    key = (
        f"partners:matrix-counts:{period.pk if period else '-'}:{int(include_drafts)}:"
        f"{count}:{latest}"
    )
    cached: tuple[dict[int, int], dict[int, int], int] | None = cache.get(key)
    if cached is not None:
        return cached
    sets = CommitmentSet.objects.all()
    if period is not None:
        sets = sets.filter(period=period)
    if not include_drafts:
        sets = sets.filter(status=CommitmentSet.Status.CONFIRMED)
    # Filtering commitments by set id (a subquery on one small table) keeps the GROUP BYs free
    # of joins. With one set per organisation and period, and one row per challenge in a set,
    # counting rows per challenge counts organisations, and distinct sets count organisations.
    commitments = Commitment.objects.filter(commitment_set_id__in=sets.values("pk")).order_by()
    organisations = (
        Count("commitment_set_id", distinct=True)
        if period is not None
        else Count("commitment_set__organisation_id", distinct=True)
    )
    per_challenge = dict(
        commitments.values_list("challenge_id").annotate(
            n=Count("pk") if period is not None else organisations
        )
    )
    per_area = dict(commitments.values_list("challenge__focus_area_id").annotate(n=organisations))
    total = commitments.aggregate(n=organisations)["n"]
    cache.set(key, (per_challenge, per_area, total), MATRIX_COUNTS_TIMEOUT)
    return per_challenge, per_area, total


def _sets_fingerprint() -> tuple[int, str]:
    """The number of commitment sets and their latest ``updated_at``
    (:func:`klimatfardplan.sql.fingerprint`, from the index ``commitmentset_updated``)."""
    return sql_names.fingerprint(CommitmentSet)


def organisation_names() -> tuple[tuple[int, str], ...]:
    """Every organisation's ``(pk, name)``, by name: the choices of the organisation filters.

    Read again only when the organisations' fingerprint (:func:`klimatfardplan.sql.fingerprint`)
    changed (:func:`klimatfardplan.kept.kept`): the lists' filter forms showed 200 to 5,000
    names on every request, and reading them cost more than the rest of the form. The filters
    offered every organisation before this was kept, to partners too: which organisations are
    partners is public (the partnership publishes its signatories)."""
    return kept(
        "partners.organisation_names",
        sql_names.fingerprint(Organisation),
        lambda: tuple(Organisation.objects.order_by("name", "pk").values_list("pk", "name")),
    )


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
