"""Reads for the shared spaces: who is a member, what each user may see, the space page, the
knowledge library, matchmaking and the knowledge-sharing indicator counts.

Membership is derived, never copied: the organisations of a challenge grouping are those with
the challenge in a *confirmed* commitment set of a current partnership period (open for changes,
or running this year); the organisations of a working group are the activity's participations.
The office is in every space. Each of these is one SQL query (subqueries, no loops), so pages
built from them have a constant query count whatever the number of posts or partners.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, gettext

from accounts import policy
from activities.models import Activity, Participation
from klimatfardplan.pagination import SlicedRows
from klimatfardplan.sql import column as _column
from klimatfardplan.sql import table as _table
from partners.models import Commitment, CommitmentSet, Organisation
from roadmap.models import Challenge, PartnershipPeriod
from roadmap.selectors import reference_data
from spaces.models import Attachment, Comment, LibraryUse, Post, PostQuerySet, Space, Subscription

if TYPE_CHECKING:
    from accounts.policy import AnyUser


# --- membership -------------------------------------------------------------------------------


def current_commitments(**filters: Any) -> QuerySet[Commitment]:
    """Confirmed commitments of the current partnership period(s): the challenge groupings;
    ``filters`` narrow them in the same ``filter()`` call."""
    year = timezone.localdate().year
    return Commitment.objects.filter(
        Q(commitment_set__period__is_open=True)
        | Q(
            commitment_set__period__start_year__lte=year, commitment_set__period__end_year__gte=year
        ),
        commitment_set__status=CommitmentSet.Status.CONFIRMED,
        **filters,
    )


def _member_organisation_ids_query(space: Space) -> QuerySet[Any]:
    if space.challenge_id is not None:
        return (
            current_commitments()
            .filter(challenge_id=space.challenge_id)
            .values("commitment_set__organisation_id")
        )
    # A working-group space: the check constraint guarantees activity_id is set.
    return Participation.objects.filter(activity_id=space.activity_id or 0).values(
        "organisation_id"
    )


def list_member_organisations(space: Space) -> list[Organisation]:
    """The member organisations by name (one query); also fills the member-id cache."""
    organisations = list(
        Organisation.objects.filter(pk__in=_member_organisation_ids_query(space)).order_by("name")
    )
    space._kf_member_ids = frozenset(o.pk for o in organisations)  # type: ignore[attr-defined]
    return organisations


class OrganisationName(NamedTuple):
    pk: int
    name: str


def list_member_names(space: Space) -> list[OrganisationName]:
    """The member organisations' ids and names by name, for the space page (one query, no model
    instances: the page lists every member); also fills the member-id cache."""
    rows = (
        Organisation.objects.filter(pk__in=_member_organisation_ids_query(space))
        .order_by("name")
        .values_list("pk", "name")
    )
    members = [OrganisationName(pk, name) for pk, name in rows]
    space._kf_member_ids = frozenset(m.pk for m in members)  # type: ignore[attr-defined]
    return members


class PartnerLooking(NamedTuple):
    organisation_name: str
    challenge_number: int


def list_members_and_partners_looking(
    space: Space,
) -> tuple[list[OrganisationName], list[PartnerLooking]]:
    """``list_member_names`` and ``list_partners_looking`` for the space's page; for a
    challenge grouping in one query, as both read the same commitments (its members are the
    organisations of the current confirmed commitments to the challenge, and those that are
    looking for partners are among them). Also fills the member-id cache."""
    if space.challenge_id is None:
        looking = [PartnerLooking(**row) for row in list_partners_looking(space)]
        return list_member_names(space), looking
    # ``current_commitments(challenge_id=…)`` written out as SQL (names from the models'
    # _meta, every value a parameter): Django spent more time building it than the database
    # running it. Keep the two in step (the tests compare them).
    period = PartnershipPeriod
    sql = (
        f"SELECT {_column(CommitmentSet, 'organisation')}, {_column(Organisation, 'name')},"  # noqa: S608 (names only, values as parameters)
        f" {_column(Commitment, 'looking_for_partners')}"
        f" FROM {_table(Commitment)}"
        f" INNER JOIN {_table(CommitmentSet)}"
        f" ON {_column(Commitment, 'commitment_set')} = {_column(CommitmentSet, 'id')}"
        f" INNER JOIN {_table(period)}"
        f" ON {_column(CommitmentSet, 'period')} = {_column(period, 'id')}"
        f" INNER JOIN {_table(Organisation)}"
        f" ON {_column(CommitmentSet, 'organisation')} = {_column(Organisation, 'id')}"
        f" WHERE ({_column(period, 'is_open')}"
        f" OR ({_column(period, 'start_year')} <= %s AND {_column(period, 'end_year')} >= %s))"
        f" AND {_column(Commitment, 'challenge')} = %s"
        f" AND {_column(CommitmentSet, 'status')} = %s"
        f" ORDER BY {_column(Organisation, 'name')}, {_column(CommitmentSet, 'organisation')}"
    )
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, year, space.challenge_id, CommitmentSet.Status.CONFIRMED.value])
        rows = cursor.fetchall()
    members: dict[int, OrganisationName] = {}  # one entry per organisation, in name order
    looking = []
    number = space.challenge.number  # type: ignore[union-attr]  # challenge_id is set
    for pk, name, is_looking in rows:
        members.setdefault(pk, OrganisationName(pk, name))
        if is_looking:  # one row per commitment, as list_partners_looking
            looking.append(PartnerLooking(name, number))
    space._kf_member_ids = frozenset(members)  # type: ignore[attr-defined]
    return list(members.values()), looking


def member_organisation_ids(space: Space) -> frozenset[int]:
    """The member organisations' ids, cached on the instance for the request."""
    cached: frozenset[int] | None = getattr(space, "_kf_member_ids", None)
    if cached is None:
        query = _member_organisation_ids_query(space)
        cached = frozenset(Organisation.objects.filter(pk__in=query).values_list("pk", flat=True))
        space._kf_member_ids = cached  # type: ignore[attr-defined]
    return cached


def is_member(user: AnyUser, space: Space) -> bool:
    """A contact of a member organisation (the office is handled by the policy)."""
    own = policy.organisation_ids(user)
    return bool(own and own & member_organisation_ids(space))


def member_organisation_for(user: AnyUser, space: Space) -> int | None:
    """The organisation ``user`` speaks for in ``space`` (lowest id if several), or None."""
    shared = policy.organisation_ids(user) & member_organisation_ids(space)
    return min(shared) if shared else None


def spaces_of_organisations(organisation_ids: frozenset[int]) -> Q:
    """A filter on Space: the spaces these organisations are members of (subqueries)."""
    challenges = (
        current_commitments()
        .filter(commitment_set__organisation_id__in=organisation_ids)
        .values("challenge_id")
    )
    activities = Participation.objects.filter(organisation_id__in=organisation_ids).values(
        "activity_id"
    )
    return Q(challenge_id__in=challenges) | Q(activity_id__in=activities)


def list_spaces(*, visible_to: AnyUser) -> QuerySet[Space]:
    """The spaces this user is in: every space for the office, member spaces for a partner."""
    shown_posts = (
        Post.objects.shown()
        .filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    spaces = (
        Space.objects.select_related("challenge__focus_area", "activity")
        .annotate(post_count=Coalesce(Subquery(shown_posts, output_field=IntegerField()), 0))
        .order_by("kind", "challenge__number", "activity__title")
    )
    if policy.is_office(visible_to):
        return spaces
    organisation_ids = policy.organisation_ids(visible_to)
    if not organisation_ids:
        return spaces.none()
    return spaces.filter(spaces_of_organisations(organisation_ids))


def get_space(pk: int) -> Space:
    """A space with what its page header needs (existence is not secret: spaces are named after
    public challenges and activities; their *content* is for members)."""
    return Space.objects.select_related("challenge__focus_area", "activity").get(pk=pk)


def get_space_page(pk: int, *, user: AnyUser) -> Space:
    """``get_space`` for the space's page, in one query with the user's e-mail choice for it
    (``subscription_mode``, see ``get_subscription_mode``).

    The challenge and its focus area come from the cached reference data
    (``roadmap.selectors.reference_data``) instead of two joins: the page reads them on every
    request, the office edits them a few times a year.

    Written out as SQL (names from the models' _meta, every value a parameter), as
    ``_count_per_post``: Django spent more time building this query than the database running
    it. The working group's activity is joined, as ``select_related("activity")`` would."""
    space_fields = _fields(Space)
    activity_fields = _fields(Activity)
    mode = "NULL"
    params: list[Any] = []
    if user.is_authenticated:  # at most one row (unique per space and user)
        mode = (
            f"(SELECT {_column(Subscription, 'mode')} FROM {_table(Subscription)}"  # noqa: S608 (names only, the user as a parameter)
            f" WHERE {_column(Subscription, 'space')} = {_column(Space, 'id')}"
            f" AND {_column(Subscription, 'user')} = %s)"
        )
        params.append(user.pk)
    params.append(pk)
    sql = (
        f"SELECT {space_fields.sql}, {activity_fields.sql}, {mode}"  # noqa: S608 (names only, values as parameters)
        f" FROM {_table(Space)} LEFT OUTER JOIN {_table(Activity)}"
        f" ON {_column(Space, 'activity')} = {_column(Activity, 'id')}"
        f" WHERE {_column(Space, 'id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Space.DoesNotExist("Space matching query does not exist.")
    width = len(space_fields.names)
    space: Space = space_fields.instance(row[:width])
    activity = None
    if space.activity_id is not None:
        activity = activity_fields.instance(row[width : width + len(activity_fields.names)])
        forward: Any = Space._meta.get_field("activity")
        forward.remote_field.set_cached_value(activity, space)  # activity.space, as the ORM
    Space._meta.get_field("activity").set_cached_value(space, activity)
    space.subscription_mode = row[-1] or Subscription.Mode.NONE  # type: ignore[attr-defined]
    if space.challenge_id is not None:
        for challenge in reference_data().challenges:
            if challenge.pk == space.challenge_id:
                # The forward cache only: ``space.challenge = …`` would also point the shared
                # challenge's reverse cache (``challenge.space``) at this request's space.
                Space._meta.get_field("challenge").set_cached_value(space, challenge)
                break
    return space


# --- posts -----------------------------------------------------------------------------------


class _Fields:
    """The concrete fields of a model as a written-out SELECT list (``sql``), and a row of
    them back as a model instance or values with the database's converters applied, as the
    ORM would (SQLite returns naive datetimes, integers for booleans, text for JSON)."""

    def __init__(self, model: type[Model], names: Iterable[str] | None = None) -> None:
        self.model = model
        fields = (
            [model._meta.get_field(name) for name in names]
            if names is not None
            else list(model._meta.concrete_fields)
        )
        self.names = [field.attname for field in fields]  # type: ignore[union-attr]
        self.sql = ", ".join(_column(model, field.name) for field in fields)
        self.converters = []
        for field in fields:
            col = field.get_col(model._meta.db_table)  # type: ignore[union-attr]
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            self.converters.append([(converter, col) for converter in found])

    def values(self, row: Iterable[Any]) -> list[Any]:
        values = []
        for value, converters in zip(row, self.converters, strict=True):
            for converter, col in converters:
                value = converter(value, col, connection)
            values.append(value)
        return values

    def instance(self, row: Iterable[Any]) -> Any:
        return self.model.from_db(connection.alias, self.names, self.values(row))


@lru_cache(maxsize=32)
def _fields_for(model: type[Model], names: tuple[str, ...] | None, vendor: str) -> _Fields:
    return _Fields(model, names)


def _fields(model: type[Model], names: Iterable[str] | None = None) -> _Fields:
    """:class:`_Fields` made once per model, names and database (it holds no row): looking up
    the fields, their quoted columns and converters was a tenth of a space page's time."""
    return _fields_for(model, None if names is None else tuple(names), connection.vendor)


def _count_per_post(model: type[Comment | Attachment | LibraryUse]) -> RawSQL:
    """COUNT of ``model``'s rows (a model with a ``post`` foreign key) for each post, as a
    correlated subquery of a query on posts.

    Written out rather than built as ``Subquery(….annotate(n=Count("pk")))``: the ORM spends
    about a millisecond building and compiling each such subquery, more than the database
    needs to run it, on every request of the lists that show these counts. The outer table is
    ``spaces_post`` unaliased (the lists' base table); only the ten rows shown run it."""
    sql = _count_per_post_sql(model, connection.vendor)
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 (names only, no values)


@lru_cache(maxsize=8)
def _count_per_post_sql(model: type[Comment | Attachment | LibraryUse], vendor: str) -> str:
    return (
        f"SELECT COUNT(*) FROM {_table(model)}"  # noqa: S608 (names only, no values)
        f" WHERE {_column(model, 'post')} = {_column(Post, 'id')}"
    )


def list_posts(*, visible_to: AnyUser) -> PostQuerySet:
    """Posts this user may open: the office every post (hidden ones too); a member the shown
    posts of its spaces; every partner (and the strategic group) the library items."""
    posts = Post.objects.all()
    if policy.is_office(visible_to):
        return posts
    library = Q(is_reusable=True)
    if not policy.can(visible_to, "spaces.view_library"):
        library = Q(pk__in=[])
    organisation_ids = policy.organisation_ids(visible_to)
    if organisation_ids:
        member_spaces = Space.objects.filter(spaces_of_organisations(organisation_ids))
        return posts.shown().filter(Q(space__in=member_spaces) | library)
    return posts.shown().filter(library)


# The columns of a post row in a list (the cards on a space's page, the library's items).
POST_ROW_FIELDS = (
    "id",
    "kind",
    "title",
    "excerpt",
    "is_reusable",
    "answered_at",
    "hidden_at",
    "created_at",
    "organisation__name",
)


def list_space_posts(*, space: Space, visible_to: AnyUser, kind: str = "") -> PostQuerySet:
    """The posts on a space's page, newest first (call only after the policy allowed the page).
    Count these; give the page's slice to ``post_card_rows`` for what the cards show."""
    conditions: dict[str, Any] = {"space": space}  # one filter() call: each copies the query
    if kind:
        conditions["kind"] = kind
    if not policy.is_office(visible_to):
        conditions["hidden_at__isnull"] = True  # Post.objects.shown()
    return Post.objects.filter(**conditions).order_by("-created_at", "-pk")


class SpacePostRows(SlicedRows):
    """The posts on a space's page (``list_space_posts``) for ``RowPaginator``: slices of it
    are the rows ``post_card_rows`` gives, ``count()`` their number.

    Written out as SQL (names from the models' _meta, every value a parameter), as
    ``_count_per_post``: Django spent more time building these two queries than the database
    running them. Newest first, in the order of the ``spaces_post_space_newest`` index."""

    def __init__(self, *, space: Space, visible_to: AnyUser, kind: str = "") -> None:
        conditions = [f"{_column(Post, 'space')} = %s"]
        self.params: list[Any] = [space.pk]
        if kind:
            conditions.append(f"{_column(Post, 'kind')} = %s")
            self.params.append(kind)
        if not policy.is_office(visible_to):  # Post.objects.shown()
            conditions.append(f"{_column(Post, 'hidden_at')} IS NULL")
        self.where = " AND ".join(conditions)

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) FROM {_table(Post)} WHERE {self.where}"  # noqa: S608 (names only, values as parameters)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        posts = _fields(Post, [name for name in POST_ROW_FIELDS if "__" not in name])
        organisation = _fields(Organisation, ["name"])
        names = [*posts.names, "organisation__name", "comment_count", "file_count"]
        comments = _count_per_post(Comment).sql
        files = _count_per_post(Attachment).sql
        sql = (
            f"SELECT {posts.sql}, {organisation.sql}, ({comments}), ({files})"  # noqa: S608 (names only, values as parameters)
            f" FROM {_table(Post)} LEFT OUTER JOIN {_table(Organisation)}"
            f" ON {_column(Post, 'organisation')} = {_column(Organisation, 'id')}"
            f" WHERE {self.where}"
            f" ORDER BY {_column(Post, 'created_at')} DESC, {_column(Post, 'id')} DESC"
            " LIMIT %s OFFSET %s"
        )
        width = len(posts.names)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, limit, offset])
            return [
                dict(
                    zip(
                        names,
                        [
                            *posts.values(row[:width]),
                            *organisation.values(row[width:-2]),
                            *row[-2:],
                        ],
                        strict=True,
                    )
                )
                for row in cursor.fetchall()
            ]


def post_card_rows(posts: PostQuerySet) -> QuerySet[Any]:
    """``posts`` as rows of ``POST_ROW_FIELDS`` with ``comment_count`` and ``file_count``."""
    # Counts, not rows: the page shows "3 kommentarer · 1 fil". Correlated subqueries rather
    # than JOIN + GROUP BY, so only the ten rows shown pay for them. Rows, not model instances:
    # a card needs nine columns, and instances cost more to build than the whole query.
    rows: QuerySet[Any] = posts.values(
        *POST_ROW_FIELDS,
        comment_count=_count_per_post(Comment),
        file_count=_count_per_post(Attachment),
    )
    return rows


def get_post(*, pk: int, visible_to: AnyUser) -> Post:
    """One post with its space, author and files, or Post.DoesNotExist (→ 404) when hidden
    from this user (other spaces' content is not even confirmed to exist)."""
    return (
        list_posts(visible_to=visible_to)
        .select_related(
            "space__challenge__focus_area",
            "space__activity",
            "author",
            "organisation",
            "hidden_by",
            "answered_by",
        )
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .get(pk=pk)
    )


def list_comments(*, post: Post) -> QuerySet[Comment]:
    return Comment.objects.filter(post=post).select_related("author", "organisation")


def get_attachment(*, pk: int, visible_to: AnyUser) -> Attachment:
    return Attachment.objects.select_related("post").get(
        pk=pk, post__in=list_posts(visible_to=visible_to)
    )


def get_subscription_mode(*, space: Space, user: AnyUser) -> str:
    if not user.is_authenticated:
        return Subscription.Mode.NONE
    mode = (
        Subscription.objects.filter(space=space, user_id=user.pk)
        .values_list("mode", flat=True)
        .first()
    )
    return mode or Subscription.Mode.NONE


# --- matchmaking -------------------------------------------------------------------------------


def _space_challenge_ids(space: Space) -> QuerySet[Any] | list[int]:
    if space.challenge_id is not None:
        return [space.challenge_id]  # known already: no subquery
    return Challenge.objects.filter(activities__pk=space.activity_id or 0).values("pk")


def list_partners_looking(space: Space) -> QuerySet[Any]:
    """Organisations with one of the space's challenges that flagged "looking for partners", as
    rows (``organisation_name``, ``challenge_number``)."""
    return (
        current_commitments()
        .filter(looking_for_partners=True, challenge_id__in=_space_challenge_ids(space))
        .order_by("commitment_set__organisation__name", "challenge__number")
        .values(
            organisation_name=F("commitment_set__organisation__name"),
            challenge_number=F("challenge__number"),
        )
    )


# The columns that name a row's space (Space.name: its challenge, or its working group's
# activity), read along with the row instead of as Space, Challenge and Activity instances.
_SPACE_NAME_FIELDS = (
    "space__challenge__number",
    "space__challenge__name_sv",
    "space__challenge__name_en",
    "space__activity__title",
)


def _bilingual(swedish: str, english: str | None) -> str:
    """roadmap's BilingualNameMixin.name, for a row: English when active and given."""
    if english and (get_language() or "sv").startswith("en"):
        return english
    return swedish


def _space_name(row: dict[str, Any]) -> str:
    """Space.name for a row with ``_SPACE_NAME_FIELDS`` (Challenge.__str__ or the activity)."""
    number = row["space__challenge__number"]
    if number is not None:
        name = _bilingual(row["space__challenge__name_sv"], row["space__challenge__name_en"])
        return f"{number}. {name}"
    return row["space__activity__title"] or gettext("Rum")


def list_matching_questions(
    *, space: Space, visible_to: AnyUser, limit: int = 5
) -> list[dict[str, Any]]:
    """Unanswered questions in *other* spaces sharing a challenge with this one, limited to what
    the user may read (its own spaces, or library items): a grouping's text stays its own.
    Rows with ``id``, ``title`` and ``space_name``."""
    if space.challenge_id is not None:
        return _working_group_questions(space.challenge_id, visible_to=visible_to, limit=limit)
    else:
        challenge_ids = _space_challenge_ids(space)
        related = (
            Space.objects.filter(
                Q(challenge_id__in=challenge_ids) | Q(activity__challenges__in=challenge_ids)
            )
            .exclude(pk=space.pk)
            .values("pk")
        )
    rows = list(
        list_posts(visible_to=visible_to)
        .open_questions()
        .filter(space_id__in=related)
        .order_by("-created_at")
        .values("id", "title", *_SPACE_NAME_FIELDS)[:limit]
    )
    for row in rows:
        row["space_name"] = _space_name(row)
    return rows


def _working_group_questions(
    challenge_id: int, *, visible_to: AnyUser, limit: int
) -> list[dict[str, Any]]:
    """``list_matching_questions`` for a challenge grouping's page (the busiest page): a
    grouping's own space is the only challenge space of its challenge, so the other spaces are
    the working groups on the challenge. What ``list_posts`` lets the user read of those is
    then simpler to ask: everything for the office; for others, the working groups their
    organisations take part in, and library items."""
    # Written out as SQL (names from the models' _meta, every value a parameter), as
    # ``_count_per_post``: Django spent more time building this query than the database
    # running it. Post.objects.open_questions() on the working groups of the challenge, that
    # the user may read.
    readable: list[str] = []
    params: list[Any] = []
    if not policy.is_office(visible_to):
        if policy.can(visible_to, "spaces.view_library"):
            readable.append(_column(Post, "is_reusable"))
        organisation_ids = policy.organisation_ids(visible_to)
        if organisation_ids:
            marks = ", ".join(["%s"] * len(organisation_ids))
            readable.append(
                f"{_column(Space, 'activity')} IN (SELECT {_column(Participation, 'activity')}"  # noqa: S608 (names only)
                f" FROM {_table(Participation)}"
                f" WHERE {_column(Participation, 'organisation')} IN ({marks}))"
            )
            params.extend(sorted(organisation_ids))
        if not readable:
            return []
    through: type[Model] = Activity.challenges.through
    conditions = [
        f"({' OR '.join(readable)})" if readable else "",
        f"{_column(Post, 'hidden_at')} IS NULL",
        f"{_column(Post, 'kind')} = %s",
        f"{_column(Post, 'answered_at')} IS NULL",
        f"{_column(through, 'challenge')} = %s",
    ]
    params.extend([Post.Kind.QUESTION.value, challenge_id, limit])
    sql = (
        f"SELECT {_column(Post, 'id')}, {_column(Post, 'title')}, {_column(Activity, 'title')}"  # noqa: S608 (names only, values as parameters)
        f" FROM {_table(Post)}"
        f" INNER JOIN {_table(Space)} ON {_column(Post, 'space')} = {_column(Space, 'id')}"
        f" INNER JOIN {_table(Activity)} ON {_column(Space, 'activity')} = {_column(Activity, 'id')}"
        f" INNER JOIN {_table(through)}"
        f" ON {_column(through, 'activity')} = {_column(Activity, 'id')}"
        f" WHERE {' AND '.join(c for c in conditions if c)}"
        f" ORDER BY {_column(Post, 'created_at')} DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    fallback = gettext("Rum")
    return [  # Space.name: the working group's activity
        {"id": pk, "title": title, "space__activity__title": group, "space_name": group or fallback}
        for pk, title, group in found
    ]


# --- the knowledge library ----------------------------------------------------------------------


def list_library(
    *,
    visible_to: AnyUser,
    query: str = "",
    challenge_id: int | None = None,
    focus_area_id: int | None = None,
) -> PostQuerySet:
    """Library items (reusable, not hidden), searchable and filtered; best match first. Count
    these; give the page's slice to ``library_rows`` for what the list shows. The library's
    page reads the same rows and count through ``LibraryRows`` (written-out SQL): a change
    here goes there too (the tests compare the two).

    Full-text search on PostgreSQL (``swedish`` configuration: stems "resepolicyn" to match
    "resepolicy"); on SQLite a case-insensitive substring match on title and text. Same
    selector, same page, one branch on the database vendor.
    """
    if not policy.can(visible_to, "spaces.view_library"):
        return Post.objects.none()
    # The conditions go into one filter() call (each call copies the query).
    conditions = [Q(hidden_at__isnull=True, is_reusable=True)]  # Post.objects.in_library()
    if challenge_id:
        conditions.append(
            Q(
                space__in=Space.objects.filter(
                    Q(challenge_id=challenge_id) | Q(activity__challenges=challenge_id)
                )
            )
        )
    if focus_area_id:
        conditions.append(
            Q(
                space__in=Space.objects.filter(
                    Q(challenge__focus_area_id=focus_area_id)
                    | Q(activity__challenges__focus_area_id=focus_area_id)
                )
            )
        )
    query = query.strip()
    if not query:
        return Post.objects.filter(*conditions).order_by("-created_at", "-pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="swedish") + SearchVector(
            "body", weight="B", config="swedish"
        )
        search = SearchQuery(query, config="swedish", search_type="websearch")
        return (
            Post.objects.filter(*conditions)
            .annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-pk")
        )
    for word in query.split()[:8]:
        conditions.append(Q(title__icontains=word) | Q(body__icontains=word))
    return Post.objects.filter(*conditions).order_by("-created_at", "-pk")


def library_rows(posts: PostQuerySet) -> QuerySet[Any]:
    """Library ``posts`` as rows of ``POST_ROW_FIELDS``, their space's challenge id or working
    group's title, and ``use_count``; ``add_library_details`` completes the rows shown."""
    rows: QuerySet[Any] = posts.values(
        *POST_ROW_FIELDS,
        "space__challenge_id",
        "space__activity__title",
        use_count=_count_per_post(LibraryUse),
    )
    return rows


def _aliased(alias: str, model: type[Model], field: str) -> str:
    """A model's column as SQL in a subquery where its table is ``alias``."""
    column: Any = model._meta.get_field(field).column  # type: ignore[union-attr]  # a Field
    return f"{alias}.{connection.ops.quote_name(column)}"


class _LibrarySql(NamedTuple):
    """The parts of ``LibraryRows``' queries that do not depend on the request."""

    posts: _Fields
    organisation: _Fields
    space: _Fields
    activity: _Fields
    select: str  # SELECT … FROM … (the row query's columns and joins)
    count_all: str  # SELECT COUNT(*) FROM …
    in_library: list[str]
    in_challenge: str  # two parameters: the challenge id, twice
    in_focus_area: str  # two parameters: the focus area id, twice
    rank: str  # PostgreSQL: ``RANK_PARAMS`` and the query
    word: str  # elsewhere: the word's LIKE pattern, twice
    newest: str


RANK_PARAMS = ["swedish", "", "A", "swedish", "", "B", "swedish"]


@cache
def _library_sql(vendor: str) -> _LibrarySql:
    """``_LibrarySql`` for the database (``vendor``: a cache key, the SQL is the connection's)."""
    posts = _fields(Post, [name for name in POST_ROW_FIELDS if "__" not in name])
    organisation = _fields(Organisation, ["name"])
    space = _fields(Space, ["challenge"])
    activity = _fields(Activity, ["title"])
    uses = _count_per_post(LibraryUse).sql
    select = (
        f"SELECT {posts.sql}, {organisation.sql}, {space.sql}, {activity.sql}, ({uses})"  # noqa: S608 (names only)
        f" FROM {_table(Post)}"
        f" INNER JOIN {_table(Space)} ON {_column(Post, 'space')} = {_column(Space, 'id')}"
        f" LEFT OUTER JOIN {_table(Organisation)}"
        f" ON {_column(Post, 'organisation')} = {_column(Organisation, 'id')}"
        f" LEFT OUTER JOIN {_table(Activity)}"
        f" ON {_column(Space, 'activity')} = {_column(Activity, 'id')}"
    )
    # The filters' subqueries, as list_library's Q(space__in=Space.objects.filter(…)).
    through: type[Model] = Activity.challenges.through
    spaces = (
        f"{_column(Post, 'space')} IN (SELECT {_aliased('S', Space, 'id')}"  # noqa: S608 (names only)
        f" FROM {_table(Space)} S"
    )
    groups = (
        f" LEFT OUTER JOIN {_table(through)} T"
        f" ON {_aliased('S', Space, 'activity')} = {_aliased('T', through, 'activity')}"
    )
    in_challenge = (
        f"{spaces}{groups} WHERE ({_aliased('S', Space, 'challenge')} = %s"
        f" OR {_aliased('T', through, 'challenge')} = %s))"
    )
    in_focus_area = (
        f"{spaces} LEFT OUTER JOIN {_table(Challenge)} C"
        f" ON {_aliased('S', Space, 'challenge')} = {_aliased('C', Challenge, 'id')}{groups}"
        f" LEFT OUTER JOIN {_table(Challenge)} G"
        f" ON {_aliased('T', through, 'challenge')} = {_aliased('G', Challenge, 'id')}"
        f" WHERE ({_aliased('C', Challenge, 'focus_area')} = %s"
        f" OR {_aliased('G', Challenge, 'focus_area')} = %s))"
    )
    # SearchRank(SearchVector("title", weight="A", config="swedish") + SearchVector("body",
    # weight="B", config="swedish"), SearchQuery(query, config="swedish",
    # search_type="websearch")) as Django writes it (RANK_PARAMS, then the query).
    vector = " || ".join(
        f"setweight(to_tsvector(%s::regconfig, COALESCE({_column(Post, name)}, %s)), %s)"
        for name in ("title", "body")
    )
    rank = f"ts_rank(({vector}), websearch_to_tsquery(%s::regconfig, %s))"
    # Q(title__icontains=word) | Q(body__icontains=word), as Django writes it.
    like = connection.operators["icontains"] % "%s"
    title = connection.ops.lookup_cast("icontains") % _column(Post, "title")
    body = connection.ops.lookup_cast("icontains") % _column(Post, "body")
    return _LibrarySql(
        posts=posts,
        organisation=organisation,
        space=space,
        activity=activity,
        select=select,
        count_all=f"SELECT COUNT(*) FROM {_table(Post)}",  # noqa: S608 (names only)
        in_library=[f"{_column(Post, 'hidden_at')} IS NULL", _column(Post, "is_reusable")],
        in_challenge=in_challenge,
        in_focus_area=in_focus_area,
        rank=rank,
        word=f"({title} {like} OR {body} {like})",
        newest=f"{_column(Post, 'created_at')} DESC, {_column(Post, 'id')} DESC",
    )


class LibraryRows(SlicedRows):
    """The library's items (``list_library``) for ``RowPaginator``: slices of it are the rows
    ``library_rows`` gives, ``count()`` their number; ``add_library_details`` completes the
    rows shown.

    Written out as SQL (names from the models' _meta, every value a parameter, the SQL built
    once per database), as ``SpacePostRows``: Django spent more time building these two
    queries than the database running them. The same conditions, order and escaping as
    ``list_library``: full-text search ranked on PostgreSQL; elsewhere each word (at most
    eight) matched in title or text with the ORM's ``icontains`` SQL and LIKE escaping."""

    def __init__(
        self,
        *,
        visible_to: AnyUser,
        query: str = "",
        challenge_id: int | None = None,
        focus_area_id: int | None = None,
    ) -> None:
        self.allowed = policy.can(visible_to, "spaces.view_library")
        self.sql = sql = _library_sql(connection.vendor)
        conditions = list(sql.in_library)  # Post.objects.in_library()
        self.params: list[Any] = []
        if challenge_id:
            conditions.append(sql.in_challenge)
            self.params.extend([challenge_id, challenge_id])
        if focus_area_id:
            conditions.append(sql.in_focus_area)
            self.params.extend([focus_area_id, focus_area_id])
        self.order = sql.newest
        self.order_params: list[Any] = []
        query = query.strip()
        if query and connection.vendor == "postgresql":
            rank_params = [*RANK_PARAMS, query]
            conditions.append(f"{sql.rank} > %s")
            self.params.extend([*rank_params, 0.0])
            self.order = f"{sql.rank} DESC, {sql.newest}"
            self.order_params = rank_params
        elif query:
            for word in query.split()[:8]:
                conditions.append(sql.word)
                pattern = f"%{connection.ops.prep_for_like_query(word)}%"
                self.params.extend([pattern, pattern])
        self.where = " AND ".join(conditions)

    def count_sql(self) -> str:
        return f"{self.sql.count_all} WHERE {self.where}"

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        sql = self.sql
        names = [
            *sql.posts.names,
            "organisation__name",
            "space__challenge_id",
            "space__activity__title",
            "use_count",
        ]
        width = len(sql.posts.names)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql.select} WHERE {self.where} ORDER BY {self.order} LIMIT %s OFFSET %s",
                [*self.params, *self.order_params, limit, offset],
            )
            return [
                dict(
                    zip(
                        names,
                        [
                            *sql.posts.values(row[:width]),
                            *sql.organisation.values(row[width : width + 1]),
                            *sql.space.values(row[width + 1 : width + 2]),
                            *sql.activity.values(row[width + 2 : width + 3]),
                            row[-1],
                        ],
                        strict=True,
                    )
                )
                for row in cursor.fetchall()
            ]


def add_library_details(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's library rows with ``space_name``, ``focus_area_name`` (challenge groupings)
    and ``files`` (their attachments' ``id``, ``original_name`` and ``size``): one query.

    The challenges and their focus areas come from the cached reference data
    (``roadmap.selectors.reference_data``), not from two more joins per row."""
    rows = list(rows)
    files: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        # Written out as SQL (names from _meta, the ids as parameters), as ``_count_per_post``.
        ids = [row["id"] for row in rows]
        sql = (
            f"SELECT {_column(Attachment, 'id')}, {_column(Attachment, 'post')},"  # noqa: S608 (names only, values as parameters)
            f" {_column(Attachment, 'original_name')}, {_column(Attachment, 'size')}"
            f" FROM {_table(Attachment)}"
            f" WHERE {_column(Attachment, 'post')} IN ({', '.join(['%s'] * len(ids))})"
            f" ORDER BY {_column(Attachment, 'id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            for pk, post_id, original_name, size in cursor.fetchall():
                files[post_id].append(
                    {"id": pk, "post_id": post_id, "original_name": original_name, "size": size}
                )
    challenges = {c.pk: c for c in reference_data().challenges}
    fallback = gettext("Rum")
    for row in rows:
        challenge = challenges.get(row["space__challenge_id"])
        if challenge is not None:  # Space.name and the challenge's focus area
            row["space_name"] = str(challenge)
            row["focus_area_name"] = challenge.focus_area.name
        else:
            row["space_name"] = row["space__activity__title"] or fallback
            row["focus_area_name"] = ""
        row["files"] = files.get(row["id"], [])
    return rows


def used_by_organisations(*, post_ids: list[int], organisation_ids: frozenset[int]) -> set[int]:
    """Which of these posts the user's organisations already marked as used (one query)."""
    if not organisation_ids or not post_ids:
        return set()
    return set(
        LibraryUse.objects.filter(
            post_id__in=post_ids, organisation_id__in=organisation_ids
        ).values_list("post_id", flat=True)
    )


# --- indicators ------------------------------------------------------------------------------


@dataclass
class KnowledgeSharingCounts:
    """One organisation's knowledge sharing in the spaces in one calendar year.

    * ``posts`` — posts written (hidden posts not counted);
    * ``answers`` — comments on *other* organisations' questions (a comment marked as the answer
      is one of them);
    * ``reused_by_others`` — times another organisation marked one of our library items as used;
    * ``reused_from_others`` — times we marked another organisation's library item as used.

    The survey/indicator engine (issue 5) reads these as source ``"space_count"``:
    "partners share knowledge" ← ``shares`` (posts + answers + reused_by_others),
    "partners use others' knowledge" ← ``uses`` (reused_from_others).
    """

    posts: int = 0
    answers: int = 0
    reused_by_others: int = 0
    reused_from_others: int = 0

    @property
    def shares(self) -> int:
        return self.posts + self.answers + self.reused_by_others

    @property
    def uses(self) -> int:
        return self.reused_from_others


def knowledge_sharing_counts(year: int) -> dict[int, KnowledgeSharingCounts]:
    """Per organisation id, the knowledge-sharing counts of ``year`` (four queries).

    Organisations with nothing in the year are absent (read a missing key as all zeros).
    """
    counts: dict[int, KnowledgeSharingCounts] = defaultdict(KnowledgeSharingCounts)
    posts = (
        Post.objects.shown()
        .filter(created_at__year=year, organisation__isnull=False)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in posts:
        counts[row["organisation_id"]].posts = row["n"]
    answers = (
        Comment.objects.filter(
            created_at__year=year,
            organisation__isnull=False,
            post__kind=Post.Kind.QUESTION,
            post__hidden_at__isnull=True,
        )
        .exclude(organisation_id=F("post__organisation_id"))  # answering oneself is not sharing
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in answers:
        counts[row["organisation_id"]].answers = row["n"]
    # The service refuses recording use of one's own item; the exclude keeps old rows honest.
    others = LibraryUse.objects.filter(
        used_at__year=year, post__organisation__isnull=False
    ).exclude(organisation_id=F("post__organisation_id"))
    for row in others.values("organisation_id").annotate(n=Count("pk")):
        counts[row["organisation_id"]].reused_from_others = row["n"]
    for row in others.values("post__organisation_id").annotate(n=Count("pk")):
        counts[row["post__organisation_id"]].reused_by_others = row["n"]
    return dict(counts)


def space_count(year: int) -> dict[int, int]:
    """Indicator source ``"space_count"`` (surveys.indicators.COUNT_SOURCES): per organisation,
    its knowledge *shared* in the spaces in ``year`` — posts + answers + library items others
    used ("partners share knowledge with others"). Summed, the partnership's total."""
    return {pk: c.shares for pk, c in knowledge_sharing_counts(year).items() if c.shares}


def space_use_count(year: int) -> dict[int, int]:
    """Companion source for "partners use other partners' knowledge": per organisation, the
    library items of others it marked as used in ``year``."""
    return {pk: c.uses for pk, c in knowledge_sharing_counts(year).items() if c.uses}
