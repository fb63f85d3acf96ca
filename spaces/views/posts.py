"""Posts and comments: create, show, edit, delete, hide and mark answered."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from partners.models import Organisation
from spaces import selectors, services
from spaces.forms import CommentForm, HidePostForm, LibraryUseForm, PostEditForm, PostForm
from spaces.models import Comment, Post
from spaces.views.shared import _comment_or_404, _not_member_response, _post_or_404, _space_or_404


@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    space = _space_or_404(pk)
    if denied := _not_member_response(request, space, "spaces.contribute"):
        return denied
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.create_post(
                space=space,
                by=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                link=data["link"],
                is_reusable=data["is_reusable"],
                upload=data.get("file") or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ditt inlägg är publicerat i rummet."))
            return redirect(post)
    status = 400 if form.errors else 200
    return render(request, "spaces/post_form.html", {"space": space, "form": form}, status=status)


def _comments_with_actions(user: Any, post: Post) -> list[Comment]:
    """The post's comments, each with ``can_edit`` and ``can_delete`` for this user."""
    comments = list(selectors.list_comments(post=post))
    for comment in comments:
        comment.post = post  # the policy reads the space through it: no query per comment
        comment.can_edit = policy.can(user, "spaces.edit_own", comment)  # type: ignore[attr-defined]
        comment.can_delete = policy.can(user, "spaces.delete", comment)  # type: ignore[attr-defined]
    return comments


def _post_context(
    request: HttpRequest,
    post: Post,
    *,
    comment_form: CommentForm | None = None,
    hide_form: HidePostForm | None = None,
) -> dict[str, Any]:
    user = request.user
    member = policy.can(user, "spaces.view_space", post.space)
    own = policy.organisation_ids(user)
    use_choices: list[tuple[int, str]] = []
    already_used = False
    if post.is_reusable and policy.can(user, "spaces.use_library_item"):
        others = sorted(own - {post.organisation_id} if post.organisation_id else own)
        if others:
            names = dict(Organisation.objects.filter(pk__in=others).values_list("pk", "name"))
            use_choices = [(pk, names[pk]) for pk in others if pk in names]
            already_used = bool(
                selectors.used_by_organisations(post_ids=[post.pk], organisation_ids=own)
            )
    return {
        "post": post,
        "space": post.space,
        "is_member": member,
        "comments": _comments_with_actions(user, post) if member else [],
        "comment_form": comment_form or CommentForm(),
        "hide_form": hide_form or HidePostForm(),
        "can_comment": member and not post.is_hidden,
        "can_mark_answered": post.is_question
        and not post.is_answered
        and policy.can(user, "spaces.mark_answered", post),
        "can_hide": policy.can(user, "spaces.hide_post", post) and not post.is_hidden,
        "can_unhide": policy.can(user, "spaces.hide_post", post) and post.is_hidden,
        "can_edit": policy.can(user, "spaces.edit_own", post),
        "can_delete": policy.can(user, "spaces.delete", post),
        "is_own_hidden": post.is_hidden and post.author_id == user.pk,
        "use_form": LibraryUseForm(organisations=use_choices) if use_choices else None,
        "already_used": already_used,
    }


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    return render(request, "spaces/post_detail.html", _post_context(request, post))


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    if denied := _not_member_response(request, post.space, "spaces.contribute"):
        return denied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(post=post, by=request.user, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Din kommentar är publicerad."))
            return redirect(post)
    context = _post_context(request, post, comment_form=form)
    return render(request, "spaces/post_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author changes their post (403 for anyone else, and once their organisation left)."""
    post = _post_or_404(request, pk)
    policy.require(request.user, "spaces.edit_own", post)
    form = PostEditForm(request.POST or None, instance=post if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_post(
                post=post,
                by=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                link=data["link"],
                is_reusable=data["is_reusable"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Dina ändringar är sparade."))
            return redirect(post)
    status = 400 if form.errors else 200
    context = {"space": post.space, "form": form, "post": post}
    return render(request, "spaces/post_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (what will be lost), POST deletes: no work is lost on one click (issue 18 p. 6)."""
    post = _post_or_404(request, pk)
    policy.require(request.user, "spaces.delete", post)
    space = post.space
    if request.method == "POST":
        services.delete_post(post=post, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Inlägget är borttaget."))
        return redirect(space)
    context = {
        "space": space,
        "post": post,
        "comment_count": post.comments.count(),
        "files": list(post.attachments.all()),
        "cancel_url": post.get_absolute_url(),
    }
    return render(request, "spaces/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    policy.require(request.user, "spaces.edit_own", comment)
    form = CommentForm(request.POST or None, instance=comment if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment,
                by=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Dina ändringar är sparade."))
            return redirect(comment.post.get_absolute_url() + f"#comment-{comment.pk}")
    status = 400 if form.errors else 200
    context = {"space": comment.post.space, "post": comment.post, "comment": comment, "form": form}
    return render(request, "spaces/comment_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    policy.require(request.user, "spaces.delete", comment)
    post = comment.post
    if request.method == "POST":
        services.delete_comment(comment=comment, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Kommentaren är borttagen."))
        return redirect(post)
    context = {
        "space": post.space,
        "post": post,
        "comment": comment,
        "cancel_url": post.get_absolute_url() + f"#comment-{comment.pk}",
    }
    return render(request, "spaces/confirm_delete.html", context)


@require_POST
def post_unhide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    policy.require(request.user, "spaces.hide_post", post)
    services.unhide_post(post=post, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Inlägget syns igen för medlemmarna."))
    return redirect(post)


@require_POST
def post_mark_answered(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    if not policy.can(request.user, "spaces.mark_answered", post):
        raise PermissionDenied(_("Bara den som ställde frågan eller kansliet kan markera den."))
    answer = None
    answer_id = request.POST.get("answer", "")
    if answer_id.isdigit():
        answer = Comment.objects.filter(post=post, pk=int(answer_id)).first()
    try:
        services.mark_answered(post=post, by=request.user, answer=answer)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Frågan är markerad som besvarad."))
    return redirect(post)


@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    policy.require(request.user, "spaces.hide_post", post)
    form = HidePostForm(request.POST)
    if form.is_valid():
        try:
            services.hide_post(post=post, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("Inlägget är dolt för medlemmarna."))
            return redirect(post.space)
    context = _post_context(request, post, hide_form=form)
    return render(request, "spaces/post_detail.html", context, status=400)
