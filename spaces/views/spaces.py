"""The space list, a space's page, its export and the library."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from accounts import policy
from partners.models import Organisation
from spaces import selectors, services
from spaces.filters import LibraryFilter, PostKindFilter
from spaces.forms import LibraryUseForm, SubscriptionForm
from spaces.models import Attachment, Space, Subscription
from spaces.views.shared import (
    LIBRARY_PER_PAGE,
    NO_STORE,
    POSTS_PER_PAGE,
    _post_or_404,
    _space_or_404,
)

GROUPS_PER_PAGE = 50


class SpaceListView(policy.PolicyRequiredMixin, TemplateView):
    """The spaces of the user's challenge groupings and working groups (all for the office)."""

    action = "spaces.list"
    template_name = "spaces/space_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        services.ensure_spaces()  # "created automatically": on first access, idempotent
        spaces = selectors.list_spaces(visible_to=self.request.user)
        context["challenge_spaces"] = list(spaces.filter(kind=Space.Kind.CHALLENGE))
        # One per activity with a working group (2,000 at ten times the real size): shown by
        # pages, so only the page's rows are read and counted (a count query and a page query).
        groups = spaces.filter(kind=Space.Kind.WORKING_GROUP)
        page = Paginator(groups, GROUPS_PER_PAGE).get_page(self.request.GET.get("page"))
        context["group_spaces"] = page.object_list
        context["page_obj"] = page
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
