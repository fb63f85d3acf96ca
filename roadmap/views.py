"""Pages of the roadmap app: the roadmap at a glance, and the partnership's logo and colour."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET, require_http_methods
from django.views.generic import TemplateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from roadmap import branding, selectors, services
from roadmap.forms import BrandingForm
from roadmap.models import Goal, PartnershipPeriod

if TYPE_CHECKING:
    from accounts.models import User


class ChallengeListView(PolicyRequiredMixin, TemplateView):
    """The roadmap at a glance: focus areas, their challenges, the goals and the periods."""

    action = "roadmap.view"
    template_name = "roadmap/challenge_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["focus_areas"] = selectors.list_focus_areas_with_challenges()
        context["goals"] = Goal.objects.all()
        context["periods"] = PartnershipPeriod.objects.all()
        context["can_change"] = policy.can(self.request.user, "roadmap.change")
        return context


@require_http_methods(["GET", "POST"])
def branding_update(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "roadmap.change")
    current = selectors.get_branding()
    form = BrandingForm(
        request.POST or None, request.FILES or None, initial={"accent": current.accent}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_branding(
                accent=form.cleaned_data["accent"],
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data["remove_logo"],
                by=cast("User", request.user),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Logotypen och färgen är sparade."))
            return redirect("roadmap:branding_update")
    return render(
        request,
        "roadmap/branding_form.html",
        {"form": form, "branding": current},
        status=400 if form.is_bound else 200,
    )


def _branding_etag(request: HttpRequest) -> str | None:
    # Checked here too: the ETag is compared before the view runs, and a 304 must not answer
    # someone the view would refuse (None: no ETag, so the view runs and refuses).
    if not policy.can(request.user, "roadmap.view"):
        return None
    return f"branding-{selectors.get_branding().version}"


# Every signed-in page links this stylesheet: the pages themselves read nothing for the colour
# (no query added to any page; CSP forbids inline styles anyway), and the browser revalidates it
# by ETag, so a new colour shows on the next page load.
@require_GET
@condition(etag_func=_branding_etag)
def branding_css(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "roadmap.view")
    current = selectors.get_branding()
    response = render(
        request,
        "roadmap/branding.css",
        {
            "accent": current.accent,
            "accent_dark": branding.hover_shade(current.accent),
            "accent_rgb": branding.rgb_triplet(current.accent),
            "accent_dark_rgb": branding.rgb_triplet(branding.hover_shade(current.accent)),
            "logo": bool(current.logo),
            "version": current.version,
        },
        content_type="text/css; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def branding_logo(request: HttpRequest) -> FileResponse:
    """The logo, for signed-in users. An SVG is served under a sandboxing policy: opened on its
    own it can run nothing and fetch nothing, whatever the upload check might have missed."""
    policy.require(request.user, "roadmap.view")
    current = selectors.get_branding()
    if not current.logo:
        raise Http404
    response = FileResponse(current.logo.open("rb"), content_type=current.logo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    # The URL carries ?v=<version>, so a stored copy is never stale.
    response["Cache-Control"] = "private, max-age=86400"
    return response
