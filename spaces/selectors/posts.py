"""Posts, comments and attachments of a space."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from accounts import policy
from spaces.models import Attachment, Comment, Post, PostQuerySet, Space
from spaces.selectors.membership import _count_per, spaces_of_organisations

if TYPE_CHECKING:
    from accounts.policy import AnyUser


# At most this many words of a library search are matched outside PostgreSQL.
SEARCH_WORDS = 8
# A post's full text: lists show the title and excerpt, never these.
LONG_TEXT = ("body", "body_html", "search_text")


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
