"""Counts of knowledge sharing for the indicators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from spaces.models import Comment, LibraryUse, Post

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


def knowledge_sharing_counts(
    year: int, *, organisation_ids: Collection[int] | None = None
) -> dict[int, KnowledgeSharingCounts]:
    """Per organisation id, the knowledge-sharing counts of ``year`` (four queries), of every
    organisation or of ``organisation_ids`` only (one organisation's page).

    Organisations with nothing in the year are absent (read a missing key as all zeros).
    """

    def only(rows: QuerySet[Any], field: str = "organisation_id") -> QuerySet[Any]:
        return (
            rows if organisation_ids is None else rows.filter(**{f"{field}__in": organisation_ids})
        )

    counts: dict[int, KnowledgeSharingCounts] = defaultdict(KnowledgeSharingCounts)
    posts = only(
        Post.objects.shown()
        .filter(created_at__year=year, organisation__isnull=False)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in posts:
        counts[row["organisation_id"]].posts = row["n"]
    answers = only(
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
    for row in only(others).values("organisation_id").annotate(n=Count("pk")):
        counts[row["organisation_id"]].reused_from_others = row["n"]
    by_others = only(others, "post__organisation_id")
    for row in by_others.values("post__organisation_id").annotate(n=Count("pk")):
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
