"""Reads of the partners app: the partner list with its filters, a partner's page, the
commitment matrix, challenge groupings and matchmaking.

Scoping happens here, once (``visible_to=``), through ``accounts.policy``. The list and the matrix
run a fixed number of queries whatever the number of rows: counts come from correlated
subqueries or one GROUP BY, never from per-row queries in templates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from accounts import policy
from klimatfardplan import sql as sql_names
from klimatfardplan.kept import kept
from klimatfardplan.pagination import SlicedRows
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

_column = sql_names.column
_table = sql_names.table


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _commitments_join() -> str:
    """``commitment c JOIN commitment set s``: the FROM of the hand-written statements that read
    commitments with their organisation, period and status."""
    return (
        f"{_table(Commitment)} c INNER JOIN {_table(CommitmentSet)} s"
        f" ON s.{_quote(CommitmentSet._meta.pk.column)}"
        f" = {_column(Commitment, 'commitment_set', 'c')}"
    )


# The partner list's orderings: (column, descending) pairs, the primary key last, so that pages
# never overlap however many rows tie.
ORDERINGS = {
    "name": (("name", False), ("id", False)),
    "-name": (("name", True), ("id", True)),
    "status": (("status", False), ("name", False), ("id", False)),
    "kind": (("kind", False), ("name", False), ("id", False)),
    "sector": (("sector", False), ("name", False), ("id", False)),
    "challenges": (("challenge_count", True), ("name", False), ("id", False)),
    "-challenges": (("challenge_count", False), ("name", False), ("id", False)),
    "created": (("created_at", True), ("id", True)),
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
) -> OrganisationRows:
    """The partner list (page and exports): the organisations ``visible_to`` may list, as
    ``filters`` narrows and sorts them, as rows of :data:`ROW_COLUMNS`. Slice it for a page
    (``RowPaginator``), iterate it for an export."""
    return OrganisationRows(visible_to=visible_to, filters=filters or OrganisationFilters())


# What a row of the partner list and its exports shows: plain values, since building model
# instances for a page of rows costs more than the rest of the row.
ROW_COLUMNS = (
    "pk",
    "name",
    "organisation_number",
    "kind",
    "sector",
    "status",
    "employees",
    "website",
    "city",
    "challenge_count",  # the challenges taken on in the period (a draft's too)
    "contact_count",  # active memberships
    "has_declaration",  # a declaration of intent for the period
    "commitment_status",  # of the period's commitment set, None without one
)
_FIELDS = ROW_COLUMNS[1:9]


class OrganisationRows(SlicedRows):
    """The rows of :func:`list_organisations`, written out as SQL.

    Django spent several times longer building the filtered, annotated query (five correlated
    subqueries) than the database spent running it. Here the conditions are a few lines of SQL;
    the page is chosen first (``WITH page``) and the four counts run for its rows only. Names
    come from the models' ``_meta``, quoted; every value, the search term included, is a
    parameter. The search uses Django's own ``icontains`` SQL for the database (``LIKE`` on
    SQLite, ``UPPER(…) LIKE UPPER(…)`` on PostgreSQL) on the stored ``search_text``."""

    def __init__(self, *, visible_to: AnyUser, filters: OrganisationFilters) -> None:
        period = filters.period or current_period()
        self.period_params: list[Any] = [period.pk] if period else []
        self.in_period = (
            f" AND {_column(CommitmentSet, 'period', 's')} = %s" if period is not None else ""
        )
        org_pk = self.org_pk = f"o.{_quote(Organisation._meta.pk.column)}"
        conditions: list[str] = []
        self.params = []
        if not policy.can(visible_to, "partners.list_organisations"):
            own = list(policy.organisation_ids(visible_to))
            self.allowed = bool(own)
            conditions.append(f"{org_pk} IN ({', '.join(['%s'] * len(own)) or 'NULL'})")
            self.params += own
        if term := filters.search.strip():
            # One stored column holds name, number (with and without hyphen), sector and city.
            lhs = connection.ops.lookup_cast("icontains") % _column(
                Organisation, "search_text", "o"
            )
            conditions.append(f"{lhs} {connection.operators['icontains'] % '%s'}")
            self.params.append(f"%{connection.ops.prep_for_like_query(term)}%")
        for name in ("status", "kind", "sector"):
            if value := getattr(filters, name):
                conditions.append(f"{_column(Organisation, name, 'o')} = %s")
                self.params.append(value)
        challenges: list[list[int]] = []
        if filters.challenge is not None:
            challenges.append([filters.challenge.pk])
        if filters.focus_area is not None and (
            # A commitment to the chosen challenge already is one in that challenge's area.
            filters.challenge is None or filters.challenge.focus_area_id != filters.focus_area.pk
        ):
            area_pk = filters.focus_area.pk  # its challenges are reference data: no join
            challenges.append(
                [
                    c.pk
                    for c in roadmap_selectors.reference_data().challenges
                    if c.focus_area_id == area_pk
                ]
            )
        for pks in challenges:
            conditions.append(
                f"EXISTS ({self._commitments_sql()}"
                f" AND {_column(Commitment, 'challenge', 'c')} IN ({', '.join(['%s'] * len(pks))}))"
            )
            self.params += [*self.period_params, *pks]
        if filters.declaration_missing:
            conditions.append(f"NOT EXISTS ({self._declarations_sql(period)})")
            self.params += self.period_params
        self.where = " AND ".join(conditions) or "1 = 1"
        self.order_by = ", ".join(
            f"{'challenge_count' if name == 'challenge_count' else _column(Organisation, name, 'o')}"
            f"{' DESC' if descending else ''}"
            for name, descending in ORDERINGS.get(filters.ordering, ORDERINGS["name"])
        )
        self.declarations = self._declarations_sql(period)

    def _commitments_sql(self, select: str = "1") -> str:
        """The commitments of organisation ``o`` in the period (one ``%s`` if there is one)."""
        return (
            f"SELECT {select} FROM {_commitments_join()}"  # noqa: S608 (names only)
            f" WHERE {_column(CommitmentSet, 'organisation', 's')} = {self.org_pk}{self.in_period}"
        )

    def _declarations_sql(self, period: PartnershipPeriod | None) -> str:
        """The declarations of organisation ``o`` for the period (one ``%s`` if there is one)."""
        in_period = f" AND {_column(Declaration, 'period', 'd')} = %s" if period else ""
        return (
            f"SELECT 1 FROM {_table(Declaration)} d"  # noqa: S608 (names only)
            f" WHERE {_column(Declaration, 'organisation', 'd')} = {self.org_pk}{in_period}"
        )

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) FROM {_table(Organisation)} o WHERE {self.where}"  # noqa: S608 (names only)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        org_pk, period_params = self.org_pk, self.period_params
        challenge_count = f"({self._commitments_sql('COUNT(*)')})"
        page_order = self.order_by
        if "challenge_count" in page_order:  # the page query sorts by the count itself
            page_order = page_order.replace("challenge_count", challenge_count)
            page_params = [*self.params, *period_params]
        else:
            page_params = list(self.params)
        counts = (
            f"{challenge_count} AS challenge_count,"  # noqa: S608 (names only)
            f" (SELECT COUNT(*) FROM {_table(Membership)} m"
            f" WHERE {_column(Membership, 'organisation', 'm')} = {org_pk}"
            f" AND {_column(Membership, 'is_active', 'm')} = %s),"
            f" EXISTS ({self.declarations}),"
            # One set per organisation and period; with no period at all there are no sets.
            f" (SELECT {_column(CommitmentSet, 'status', 's')} FROM {_table(CommitmentSet)} s"
            f" WHERE {_column(CommitmentSet, 'organisation', 's')} = {org_pk}{self.in_period})"
        )
        fields = ", ".join(_column(Organisation, name, "o") for name in _FIELDS)
        sql = (
            f"WITH page (id) AS (SELECT {org_pk} FROM {_table(Organisation)} o"  # noqa: S608 (names only)
            f" WHERE {self.where} ORDER BY {page_order} LIMIT %s OFFSET %s)"
            f" SELECT {org_pk}, {fields}, {counts} FROM {_table(Organisation)} o"
            f" WHERE {org_pk} IN (SELECT id FROM page) ORDER BY {self.order_by}"
        )
        params = [*page_params, limit, offset, *period_params, True, *period_params, *period_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [dict(zip(ROW_COLUMNS, values, strict=True)) for values in cursor.fetchall()]
        for row in rows:
            row["has_declaration"] = bool(row["has_declaration"])  # SQLite: 0 or 1
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


class CommittedOrganisation(NamedTuple):
    pk: int
    name: str


@dataclass
class MatrixRow:
    organisation: CommittedOrganisation  # all the row shows of the organisation
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
    (:func:`_matrix_counts`), the committed organisations listed in full
    (:func:`_committed_organisations`), both kept per process until commitments or
    organisations change; the heat-map cells are read for the current page of organisations
    only (one query), so the page costs the same with 50 or 5,000 partners."""
    reference = (
        roadmap_selectors.reference_data()
    )  # periods and challenges: cached, no query when warm
    period = period or reference.current_period
    challenges = reference.challenges
    sets_fingerprint = _sets_fingerprint()  # the key of what follows
    # Cold only: organisations per challenge, per focus area.
    per_challenge, per_area_orgs = _matrix_counts(
        period=period, include_drafts=include_drafts, fingerprint=sets_fingerprint
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
    committed_orgs = _committed_organisations(  # organisations' fingerprint; cold: the list
        period_pk=period.pk if period else None,
        include_drafts=include_drafts,
        area_challenges=area_challenges,
        sets_fingerprint=sets_fingerprint,
    )
    if not policy.can(visible_to, "partners.view_matrix"):
        own = set(policy.organisation_ids(visible_to))
        committed_orgs = [o for o in committed_orgs if o.pk in own]
    if term := search.strip().casefold():
        committed_orgs = [o for o in committed_orgs if term in o.name.casefold()]
    paginator: Paginator[Any] = Paginator(committed_orgs, per_page)
    page = paginator.get_page(page_number)
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
    organisation = _column(CommitmentSet, "organisation", "s")
    conditions = [f"{organisation} IN ({', '.join(['%s'] * len(org_ids))})"]
    params: list[Any] = [*org_ids]
    if period_pk is not None:
        conditions.append(f"{_column(CommitmentSet, 'period', 's')} = %s")
        params.append(period_pk)
    if not include_drafts:
        conditions.append(f"{_column(CommitmentSet, 'status', 's')} = %s")
        params.append(CommitmentSet.Status.CONFIRMED.value)
    sql = (
        f"SELECT {organisation}, {_column(Commitment, 'challenge', 'c')}"  # noqa: S608
        f" FROM {_commitments_join()}"
        f" WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, challenge_id in cursor.fetchall():
            taken[org_id].add(challenge_id)
    return taken


def _committed_organisations(
    *,
    period_pk: int | None,
    include_drafts: bool,
    area_challenges: tuple[int, ...] | None,
    sets_fingerprint: tuple[int, str],
) -> list[CommittedOrganisation]:
    """The organisations with commitments in the period (to challenges of a focus area, if
    given; confirmed ones unless drafts are included), by name: the matrix's rows.

    Kept per process and argument set (:func:`klimatfardplan.kept.kept`) while the commitment
    sets' fingerprint (every commitment change touches its set, ``partners.links``) and the
    organisations' (their names) stay the same. A matrix page far down the list read every
    organisation before it by name, with a correlated EXISTS each; now it is a slice of a list."""
    key = (sets_fingerprint, sql_names.fingerprint(Organisation))
    return kept(
        f"partners.committed_organisations:{period_pk}:{include_drafts}:{area_challenges}",
        key,
        lambda: _read_committed_organisations(period_pk, include_drafts, area_challenges),
    )


def _read_committed_organisations(
    period_pk: int | None, include_drafts: bool, area_challenges: tuple[int, ...] | None
) -> list[CommittedOrganisation]:
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
    return [
        CommittedOrganisation(pk, name)
        for pk, name in Organisation.objects.filter(Exists(sets))
        .order_by("name", "pk")
        .values_list("pk", "name")
    ]


def _matrix_counts(
    *, period: PartnershipPeriod | None, include_drafts: bool, fingerprint: tuple[int, str]
) -> tuple[dict[int, int], dict[int, int]]:
    """Organisations per challenge and per focus area, over the period's commitment sets (the
    confirmed ones, unless drafts are included).

    The two GROUP BYs read every commitment of the period (40,000 rows at full scale), which is
    most of the matrix page's time, while the answer changes only when someone saves
    commitments. So they are kept per process (:func:`klimatfardplan.kept.kept`), as the
    matrix's rows are, under a fingerprint of all commitment sets: their number and their
    latest change, two index lookups in one query (:func:`_sets_fingerprint`). Every write
    through ``services.save_commitments`` saves the set, a commitment saved or deleted any other
    way touches it (``partners.links``), and adding, deleting or re-saving any set changes the
    fingerprint."""
    return kept(
        f"partners.matrix_counts:{period.pk if period else None}:{include_drafts}",
        fingerprint,
        lambda: _count_matrix(period, include_drafts),
    )


def _count_matrix(
    period: PartnershipPeriod | None, include_drafts: bool
) -> tuple[dict[int, int], dict[int, int]]:
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
    return per_challenge, per_area


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
