"""Reads for the shared spaces: who is a member, what each user may see, the space page, the
knowledge library, matchmaking and the knowledge-sharing indicator counts.

Membership is derived, never copied: the organisations of a challenge grouping are those with
the challenge in a *confirmed* commitment set of a current partnership period (open for changes,
or running this year); the organisations of a working group are the activity's participations.
The office is in every space.

Every list is a queryset: related rows through ``select_related``/``prefetch_related`` and the
counts a page shows as ``Subquery`` annotations, so a page's query count does not grow with its
rows (spaces/tests/test_query_budgets.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Count,
    F,
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
from activities.models import Participation
from partners.models import Commitment, CommitmentSet, Organisation
from roadmap.models import Challenge
from spaces.models import (
    Attachment,
    Comment,
    LibraryUse,
    MailPreference,
    Post,
    PostQuerySet,
    Space,
    Subscription,
)

if TYPE_CHECKING:
    from accounts.policy import AnyUser

# A space's e-mail choice "as for all my spaces" (no Subscription row; services.DEFAULT).
DEFAULT_MODE = "default"
# At most this many words of a library search are matched outside PostgreSQL.
SEARCH_WORDS = 8
# A post's full text: lists show the title and excerpt, never these.
LONG_TEXT = ("body", "body_html", "search_text")


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


def list_member_organisations(space: Space) -> QuerySet[Organisation]:
    """The member organisations by name."""
    return Organisation.objects.filter(pk__in=_member_organisation_ids_query(space)).order_by(
        "name", "pk"
    )


def member_organisation_ids(space: Space) -> frozenset[int]:
    """The member organisations' ids. Kept on the instance, which lives for one request: the
    access checks of a page ask several times."""
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


def _count_per(model: type[Post | Comment | Attachment | LibraryUse], outer: str) -> Coalesce:
    """The number of ``model`` rows whose ``outer`` is the row's pk, as a correlated subquery:
    only the rows a page shows pay for it, and no GROUP BY over joins."""
    rows = (
        model._default_manager.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def list_spaces(*, visible_to: AnyUser) -> QuerySet[Space]:
    """The spaces this user is in: every space for the office, member spaces for a partner;
    each with ``post_count`` (posts not hidden)."""
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
    """``get_space`` with the user's e-mail choices, in one query: ``subscription_mode``, the
    exception for this space ("default" without one: the choice for all spaces applies), and
    ``mail_preference_mode``, the choice for all spaces ("none" without one)."""
    mode: Any = Value(DEFAULT_MODE)
    preference: Any = Value(Subscription.Mode.NONE.value)
    if user.is_authenticated:  # at most one row each (unique per space and user, per user)
        chosen = Subscription.objects.filter(space=OuterRef("pk"), user_id=user.pk).values("mode")
        mode = Coalesce(Subquery(chosen[:1]), mode)
        default = MailPreference.objects.filter(user_id=user.pk).values("mode")
        preference = Coalesce(Subquery(default[:1]), preference)
    return (
        Space.objects.select_related("challenge__focus_area", "activity")
        .annotate(subscription_mode=mode, mail_preference_mode=preference)
        .get(pk=pk)
    )


# --- posts -----------------------------------------------------------------------------------


def list_posts(*, visible_to: AnyUser) -> PostQuerySet:
    """Posts this user may open: the office every post (hidden ones too); a member the shown
    posts of its spaces and its own hidden ones there (with the office's note instead of a 404,
    issue 18); every partner (and the strategic group) the library items."""
    posts = Post.objects.all()
    if policy.is_office(visible_to):
        return posts
    library = Q(is_reusable=True)
    if not policy.can(visible_to, "spaces.view_library"):
        library = Q(pk__in=[])
    organisation_ids = policy.organisation_ids(visible_to)
    if organisation_ids:
        member_spaces = Space.objects.filter(spaces_of_organisations(organisation_ids))
        shown = Q(hidden_at__isnull=True) & (Q(space__in=member_spaces) | library)
        own_hidden = Q(hidden_at__isnull=False, author_id=visible_to.pk, space__in=member_spaces)
        return posts.filter(shown | own_hidden)
    return posts.shown().filter(library)


def list_space_posts(*, space: Space, visible_to: AnyUser, kind: str = "") -> PostQuerySet:
    """The post cards of a space's page, newest first (in the order of the
    ``spaces_post_space_newest`` index), with their organisation, ``comment_count`` and
    ``file_count``; hidden posts for the office only. Call after the policy allowed the page."""
    posts = Post.objects.filter(space=space)
    if kind:
        posts = posts.filter(kind=kind)
    if not policy.is_office(visible_to):
        # Members see shown posts, and their own hidden ones (marked, with the reason inside).
        posts = posts.filter(Q(hidden_at__isnull=True) | Q(author_id=visible_to.pk))
    return (
        posts.select_related("organisation")
        .defer(*LONG_TEXT)
        .annotate(
            comment_count=_count_per(Comment, "post"),
            file_count=_count_per(Attachment, "post"),
        )
        .order_by("-created_at", "-pk")
    )


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


def get_comment(*, pk: int, visible_to: AnyUser) -> Comment:
    """A comment on a post this user may open, with the post and its space (for the policy),
    or Comment.DoesNotExist (→ 404)."""
    return Comment.objects.select_related(
        "post__space__challenge", "post__space__activity", "author", "organisation"
    ).get(pk=pk, post__in=list_posts(visible_to=visible_to))


def get_mail_preference_mode(user: AnyUser) -> str:
    """The user's e-mail choice for all spaces ("none" without one)."""
    if not user.is_authenticated:
        return Subscription.Mode.NONE
    mode = MailPreference.objects.filter(user_id=user.pk).values_list("mode", flat=True).first()
    return mode or Subscription.Mode.NONE


def list_subscription_exceptions(*, user: AnyUser) -> QuerySet[Subscription]:
    """The spaces where the user chose otherwise than for all spaces, in space order."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user_id=user.pk)
        .select_related("space__challenge", "space__activity")
        .order_by("space__kind", "space__challenge__number", "space__activity__title")
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


def list_partners_looking(space: Space) -> QuerySet[Commitment]:
    """The commitments to one of the space's challenges flagged "looking for partners", by
    organisation name, each with ``organisation_name`` and ``challenge_number``."""
    return (
        current_commitments()
        .filter(looking_for_partners=True, challenge_id__in=_space_challenge_ids(space))
        .annotate(
            organisation_name=F("commitment_set__organisation__name"),
            challenge_number=F("challenge__number"),
        )
        .only("pk")
        .order_by("commitment_set__organisation__name", "challenge__number")
    )


def list_matching_questions(*, space: Space, visible_to: AnyUser, limit: int = 5) -> PostQuerySet:
    """Unanswered questions in *other* spaces sharing a challenge with this one, limited to what
    the user may read (its own spaces, or library items): a grouping's text stays its own.
    Newest first, with their space's challenge or activity (for ``space.name``)."""
    challenge_ids = _space_challenge_ids(space)
    related = (
        Space.objects.filter(
            Q(challenge_id__in=challenge_ids) | Q(activity__challenges__in=challenge_ids)
        )
        .exclude(pk=space.pk)
        .values("pk")
    )
    posts: PostQuerySet = (
        list_posts(visible_to=visible_to)
        .open_questions()
        .filter(space__in=related)
        .select_related("space__challenge", "space__activity")
        .order_by("-created_at", "-pk")[:limit]
    )
    return posts


# --- the knowledge library ----------------------------------------------------------------------


def _in_spaces_of(*, challenge_id: int | None, focus_area_id: int | None) -> list[Q]:
    """The library's filters: items of the challenge's (or focus area's) grouping and of the
    working groups on it."""
    conditions = []
    if challenge_id:
        spaces = Space.objects.filter(
            Q(challenge_id=challenge_id) | Q(activity__challenges=challenge_id)
        )
        conditions.append(Q(space__in=spaces))
    if focus_area_id:
        spaces = Space.objects.filter(
            Q(challenge__focus_area_id=focus_area_id)
            | Q(activity__challenges__focus_area_id=focus_area_id)
        )
        conditions.append(Q(space__in=spaces))
    return conditions


def list_library(
    *,
    visible_to: AnyUser,
    query: str = "",
    challenge_id: int | None = None,
    focus_area_id: int | None = None,
) -> PostQuerySet:
    """Library items (reusable, not hidden), searched and filtered, best match first, with
    what the list shows: organisation, space (challenge and focus area, or working group),
    ``use_count`` and the files.

    On PostgreSQL a full-text search (``swedish`` configuration: "resepolicyn" finds
    "resepolicy"; the database folds case, å, ä and ö included) ranked title before text.
    Elsewhere every word (at most ``SEARCH_WORDS``) must be in the title or text, matched on
    ``Post.search_text``: casefolded in Python, as the query words are, because SQLite's LIKE
    folds ASCII only.
    """
    if not policy.can(visible_to, "spaces.view_library"):
        return Post.objects.none()
    posts = Post.objects.in_library().filter(
        *_in_spaces_of(challenge_id=challenge_id, focus_area_id=focus_area_id)
    )
    posts = (
        posts.select_related("organisation", "space__challenge__focus_area", "space__activity")
        .defer(*LONG_TEXT)
        .annotate(use_count=_count_per(LibraryUse, "post"))
    )
    posts = posts.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    query = query.strip()
    if not query:
        return posts.order_by("-created_at", "-pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="swedish") + SearchVector(
            "body", weight="B", config="swedish"
        )
        search = SearchQuery(query, config="swedish", search_type="websearch")
        return (
            posts.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-pk")
        )
    words = query.casefold().split()[:SEARCH_WORDS]
    return posts.filter(*[Q(search_text__contains=word) for word in words]).order_by(
        "-created_at", "-pk"
    )


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
