"""Matchmaking and the knowledge library."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet

from accounts import policy
from partners.models import Commitment
from roadmap.models import Challenge
from spaces.models import Attachment, LibraryUse, Post, PostQuerySet, Space
from spaces.selectors.membership import _count_per, current_commitments
from spaces.selectors.posts import LONG_TEXT, SEARCH_WORDS, list_posts

if TYPE_CHECKING:
    from accounts.policy import AnyUser


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
