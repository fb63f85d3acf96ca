"""Views of the shared spaces: HTTP in, a selector or service call, HTML out.

Access: a space's page and everything in it need ``spaces.view_space`` (office or member);
space names are public (they are the challenges and activities), so a non-member gets a 403
with a message. Posts and files are looked up through ``selectors.list_posts(visible_to=…)``,
so content of other spaces answers 404: its existence is not confirmed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView

from accounts import policy
from partners.models import Organisation
from spaces import selectors, services
from spaces.filters import LibraryFilter, PostKindFilter
from spaces.forms import (
    CommentForm,
    HidePostForm,
    LibraryUseForm,
    MailPreferenceForm,
    PostEditForm,
    PostForm,
    SubscriptionForm,
)
from spaces.models import Attachment, Comment, Post, Space, Subscription

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


class SpaceListView(policy.PolicyRequiredMixin, TemplateView):
    """The spaces of the user's challenge groupings and working groups (all for the office)."""

    action = "spaces.list"
    template_name = "spaces/space_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        services.ensure_spaces()  # "created automatically": on first access, idempotent
        spaces = list(selectors.list_spaces(visible_to=self.request.user))
        context["challenge_spaces"] = [s for s in spaces if s.kind == Space.Kind.CHALLENGE]
        context["group_spaces"] = [s for s in spaces if s.kind == Space.Kind.WORKING_GROUP]
        return context


@require_GET
def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        space = selectors.get_space_page(pk, user=request.user)  # with the user's e-mail choice
    except Space.DoesNotExist:
        raise Http404 from None
    if not policy.can(request.user, "spaces.view_space", space):
        return render(request, "spaces/not_member.html", {"space": space}, status=403)
    kind_filter = PostKindFilter(request.GET)
    kind = kind_filter.selected_kind()
    posts = selectors.list_space_posts(space=space, visible_to=request.user, kind=kind)
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "space": space,
        "page_obj": page,
        "kind_filter": kind_filter,
        "query": urlencode({"kind": kind}) if kind else "",
        "members": selectors.list_member_organisations(space),
        "partners_looking": selectors.list_partners_looking(space),
        "matching_questions": selectors.list_matching_questions(
            space=space, visible_to=request.user
        ),
        "subscription_mode": space.subscription_mode,  # type: ignore[attr-defined]
        "mail_preference_mode": space.mail_preference_mode,  # type: ignore[attr-defined]
        "mail_preference_label": Subscription.Mode(
            space.mail_preference_mode  # type: ignore[attr-defined]
        ).label,
        "subscription_choices": SubscriptionForm.base_fields["mode"].choices,  # type: ignore[attr-defined]
        "can_contribute": policy.can(request.user, "spaces.contribute", space),
        "can_export": policy.can(request.user, "spaces.export", space),
        "is_office": policy.is_office(request.user),
    }
    return render(request, "spaces/space_detail.html", context)


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


def _comment_or_404(request: HttpRequest, pk: int) -> Comment:
    try:
        return selectors.get_comment(pk=pk, visible_to=request.user)
    except Comment.DoesNotExist:
        raise Http404 from None


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


@require_POST
def library_use(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    policy.require(request.user, "spaces.use_library_item", post)
    choices = sorted(policy.organisation_ids(request.user))
    form = LibraryUseForm(request.POST, organisations=[(c, str(c)) for c in choices])
    if not form.is_valid():
        messages.error(request, _("Välj vilken av dina organisationer som använde kunskapen."))
        return redirect(post)
    organisation = get_object_or_404(Organisation, pk=form.cleaned_data["organisation"])
    try:
        services.record_library_use(post=post, organisation=organisation, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tack! Vi har noterat att ni använde den här kunskapen."))
    return redirect(post)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        attachment = selectors.get_attachment(pk=pk, visible_to=request.user)
    except Attachment.DoesNotExist:
        raise Http404 from None
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def subscription_update(request: HttpRequest, pk: int) -> HttpResponse:
    space = _space_or_404(pk)
    if denied := _not_member_response(request, space, "spaces.contribute"):
        return denied
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        services.set_subscription(space=space, user=request.user, mode=form.cleaned_data["mode"])  # type: ignore[arg-type]
        messages.success(request, _("Ditt val av e-post för rummet är sparat."))
    else:
        messages.error(request, _("Välj ett av alternativen för e-post."))
    return redirect(space)


class MailPreferenceView(policy.PolicyRequiredMixin, TemplateView):
    """One e-mail choice for all the user's spaces, and the spaces chosen otherwise."""

    action = "spaces.list"
    template_name = "spaces/mail_preference.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.setdefault(
            "form", MailPreferenceForm(initial={"mode": selectors.get_mail_preference_mode(user)})
        )
        context["exceptions"] = selectors.list_subscription_exceptions(user=user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = MailPreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.set_mail_preference(user=request.user, mode=form.cleaned_data["mode"])  # type: ignore[arg-type]
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Ditt val av e-post för alla rum är sparat."))
                return redirect("spaces:mail_preference")
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_GET
def space_export(request: HttpRequest, pk: int) -> HttpResponse:
    space = _space_or_404(pk)
    policy.require(request.user, "spaces.export", space)
    content = services.export_space(space=space, by=request.user)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type="application/zip")
    filename = f"rum-{space.pk}-{slugify(space.name)[:40]}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = NO_STORE
    return response


class LibraryView(policy.PolicyRequiredMixin, TemplateView):
    """The knowledge library: reusable posts and their files, for every partner."""

    action = "spaces.view_library"
    template_name = "spaces/library.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = LibraryFilter(self.request.GET or None)
        filters = form.selector_filters()
        posts = selectors.list_library(visible_to=self.request.user, **filters)
        page = Paginator(posts, LIBRARY_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page_obj=page,
            query=query.urlencode(),
            searched=bool(filters.get("query")),
        )
        return context


@login_not_required
@csrf_exempt  # the mail client's one-click POST (RFC 8058) has no CSRF token; see below
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop mail from a space (or all spaces) without logging in. GET asks, POST does it: mail
    scanners follow links, and a GET must never change anything. The token is random and opaque
    (spaces.models.UnsubscribeLink); an expired one asks the reader to log in instead.

    The mails' ``List-Unsubscribe-Post`` header lets the reader's mail client POST here itself.
    CSRF protection adds nothing: the secret is the token in the URL, which a forging site cannot
    know, and the only effect is turning mail off for the token's own user."""
    try:
        link = services.read_unsubscribe_token(token)
    except ValidationError as error:
        expired = error.code == "expired"
        response = render(
            request,
            "spaces/unsubscribe.html",
            {"error": " ".join(error.messages), "expired": expired},
            status=410 if expired else 400,
        )
        response["Cache-Control"] = NO_STORE
        return response
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    response = render(
        request,
        "spaces/unsubscribe.html",
        {"space": link.space, "all_spaces": link.space_id is None, "done": done},
    )
    response["Cache-Control"] = NO_STORE
    return response
