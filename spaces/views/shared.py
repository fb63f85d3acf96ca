"""Helpers shared by the spaces' pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from spaces import selectors
from spaces.models import Comment, Post, Space

POSTS_PER_PAGE = 10
LIBRARY_PER_PAGE = 10
NO_STORE = "private, no-store"


def _space_or_404(pk: int) -> Space:
    try:
        return selectors.get_space(pk)
    except Space.DoesNotExist:
        raise Http404 from None


def _post_or_404(request: HttpRequest, pk: int) -> Post:
    try:
        return selectors.get_post(pk=pk, visible_to=request.user)
    except Post.DoesNotExist:
        raise Http404 from None


def _not_member_response(request: HttpRequest, space: Space, action: str) -> HttpResponse | None:
    """None when the user may do ``action`` in ``space``; otherwise a 403 page that says why
    (not a member) and what is open to them instead (the library)."""
    if policy.can(request.user, action, space):
        return None
    return render(request, "spaces/not_member.html", {"space": space}, status=403)


def _comment_or_404(request: HttpRequest, pk: int) -> Comment:
    try:
        return selectors.get_comment(pk=pk, visible_to=request.user)
    except Comment.DoesNotExist:
        raise Http404 from None
