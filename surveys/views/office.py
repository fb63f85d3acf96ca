"""Office pages: rounds, and the actions on a response (approve, reopen, extend, remind)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, UpdateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners.models import Organisation
from surveys import exports, selectors, services
from surveys.forms import (
    BoundaryDecisionForm,
    ExtensionForm,
    ReopenForm,
    RoundCreateForm,
    RoundUpdateForm,
)
from surveys.models import Response, SurveyRound

# --- office pages -------------------------------------------------------------------------------


class RoundListView(PolicyRequiredMixin, ListView[SurveyRound]):
    action = "surveys.manage"
    template_name = "surveys/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self) -> QuerySet[SurveyRound]:
        return selectors.list_rounds()


class RoundCreateView(PolicyRequiredMixin, FormView[RoundCreateForm]):
    action = "surveys.manage"
    template_name = "surveys/round_create.html"
    form_class = RoundCreateForm

    def get_initial(self) -> dict[str, Any]:
        latest = selectors.latest_round()
        year = (latest.year + 1) if latest else timezone.localdate().year
        return {
            "year": year,
            "opens_on": f"{year}-01-15",
            "closes_on": f"{year}-03-31",
            "baseline": latest is None,
            "base_year": 2022 if latest is None else None,
        }

    def form_valid(self, form: RoundCreateForm) -> HttpResponse:
        try:
            survey_round = services.create_round(
                year=form.cleaned_data["year"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                data_years=form.data_years(),
                by=self.request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Enkätomgången är skapad. Redigera frågorna i administrationen vid behov."),
        )
        return redirect(survey_round)


class RoundUpdateView(PolicyRequiredMixin, UpdateView[SurveyRound, RoundUpdateForm]):
    action = "surveys.manage"
    model = SurveyRound
    form_class = RoundUpdateForm
    template_name = "surveys/round_form.html"

    def form_valid(self, form: RoundUpdateForm) -> HttpResponse:
        messages.success(self.request, _("Enkätomgången är sparad."))
        return super().form_valid(form)


TRACKER_PER_PAGE = 25  # rows drawn per request: the page is mostly their markup


class RoundDetailView(PolicyRequiredMixin, DetailView[SurveyRound]):
    action = "surveys.manage"
    model = SurveyRound
    template_name = "surveys/round_detail.html"
    context_object_name = "survey_round"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Issue 20.4: filtered by state; the counts per state are the filter's links. The
        # counts are one grouped query and the rows one page, so the page does not grow with
        # the number of organisations.
        wanted = self.request.GET.get("state", "")
        state_filter = wanted if wanted in Response.State.values else ""
        state_counts = selectors.tracker_state_counts(self.object)
        page = Paginator(
            selectors.tracker_organisations(self.object, state_filter), TRACKER_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        context["rows"] = selectors.tracker_rows(self.object, page.object_list)
        context["page_obj"] = page
        context["query"] = urlencode({"state": state_filter}) if state_filter else ""
        context["n_rows"] = sum(n for _state, _label, n in state_counts)
        context["n_shown"] = next((n for s, _l, n in state_counts if s == state_filter), 0)
        context["state_filter"] = state_filter
        context["state_counts"] = state_counts
        context["n_not_submitted"] = sum(
            n for state, _label, n in state_counts if state not in {"submitted", "approved"}
        )
        context["closed"] = timezone.localdate() > self.object.closes_on
        context["boundary_rows"] = selectors.boundary_review(self.object)
        context["boundary_form"] = BoundaryDecisionForm()
        return context


class RoundExportView(PolicyRequiredMixin, View):
    action = "surveys.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        survey_round = get_object_or_404(SurveyRound, pk=pk)
        layout = request.GET.get("layout", "long")
        file_format = request.GET.get("format", "csv")
        if layout not in {"long", "wide"} or file_format not in {"csv", "xlsx"}:
            return HttpResponse(_("Okänt exportformat."), status=400)
        content, content_type = exports.export_round(
            survey_round, layout=layout, file_format=file_format
        )
        response = HttpResponse(content, content_type=content_type)
        filename = f"enkat-{survey_round.year}-{layout}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _office_response(request: HttpRequest, round_pk: int, organisation_pk: int) -> Response:
    policy.require(request.user, "surveys.manage")
    return get_object_or_404(
        Response.objects.select_related("round", "organisation"),
        round_id=round_pk,
        organisation_id=organisation_pk,
    )


@require_POST
def response_approve(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    response = _office_response(request, round_pk, organisation_pk)
    try:
        services.approve_response(response=response, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Svaret är godkänt. Indikatorerna räknas om."))
    return redirect(response.round)


@require_POST
def response_reopen(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    response = _office_response(request, round_pk, organisation_pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange varför svaret öppnas igen."))
        return redirect(response)
    try:
        services.reopen_response(
            response=response,
            reason=form.cleaned_data["reason"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Svaret är öppnat igen och organisationen har meddelats."))
    return redirect(response.round)


@require_POST
def deadline_extend(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    policy.require(request.user, "surveys.manage")
    survey_round = get_object_or_404(SurveyRound, pk=round_pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange ett giltigt datum."))
        return redirect(survey_round)
    try:
        services.extend_deadline(
            survey_round=survey_round,
            organisation=organisation,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Tidsfristen för %(org)s är förlängd till %(date)s.")
            % {"org": organisation.name, "date": form.cleaned_data["until"].isoformat()},
        )
    return redirect(survey_round)


@require_POST
def reminder_send(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    policy.require(request.user, "surveys.manage")
    survey_round = get_object_or_404(SurveyRound, pk=round_pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if services.send_reminder(
        survey_round=survey_round,
        organisation=organisation,
        by=request.user,  # type: ignore[arg-type]
    ):
        messages.success(request, _("Påminnelsen till %(org)s är skickad.") % {"org": organisation})
    else:
        messages.error(
            request, _("%(org)s har ingen kontaktperson med e-post.") % {"org": organisation}
        )
    return redirect(survey_round)
