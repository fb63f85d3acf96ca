"""Mail choices: subscriptions, preferences and unsubscribing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import TemplateView

from accounts import policy
from spaces import selectors, services
from spaces.forms import MailPreferenceForm, SubscriptionForm
from spaces.views.shared import NO_STORE, _not_member_response, _space_or_404


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
