"""Partners propose activity cards (issue 18): a partner contact proposes a card for its own
organisation and may change it until the office approves it; the office approves it, edits it
(the ordinary edit page) or returns it with a comment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import policy
from activities import selectors, services
from activities.forms import ProposalForm, ProposalReviewForm
from activities.views.activities import _add_errors, acting_user, get_visible_activity
from partners.models import Organisation


def proposal_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "activities.propose")
    own = Organisation.objects.filter(pk__in=policy.organisation_ids(request.user)).order_by("name")
    form = ProposalForm(request.POST or None, organisations=own)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            activity = services.propose_activity(by=acting_user(request), **kwargs)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Tack! Förslaget är skickat till kansliet. Du får besked per e-post."),
            )
            return redirect(activity)
    return render(request, "activities/proposal_form.html", {"form": form, "object": None})


def proposal_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk, "activities.edit_proposal")
    form = ProposalForm(request.POST or None, instance=activity, organisations=None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_proposal(
                activity=activity,
                by=acting_user(request),
                expected_version=form.cleaned_data.get("version") or 0,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Förslaget är sparat."))
            return redirect(activity)
    return render(request, "activities/proposal_form.html", {"form": form, "object": activity})


def proposal_review(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk, "activities.review_proposal")
    form = ProposalReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.review_proposal(
                activity=activity,
                by=acting_user(request),
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Förslaget är godkänt.") if approve else _("Förslaget är skickat tillbaka."),
            )
            return redirect(activity)
    return render(request, "activities/proposal_review.html", {"activity": activity, "form": form})


def proposal_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "activities.review_proposal")
    return render(
        request, "activities/proposal_list.html", {"proposals": selectors.list_open_proposals()}
    )
