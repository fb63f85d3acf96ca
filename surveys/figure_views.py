"""Pages of the partnership's figures (issue 16): one organisation's figures and path checks,
the figures' CSV download, and the office's boundary decisions. The arithmetic is
:mod:`surveys.figures`; these views only check access and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners.models import Organisation
from surveys import figures, selectors, services
from surveys.figures import cached
from surveys.forms import BoundaryDecisionForm
from surveys.models import SurveyRound

EXPORTS = {"partnership": figures.partnership_csv, "organisations": figures.organisations_csv}


class OrganisationFiguresView(PolicyRequiredMixin, TemplateView):
    """One organisation's emissions and path checks, every year it reported: for the office
    (any organisation) and for the organisation's own contacts."""

    action = "surveys.view_followup"
    template_name = "surveys/organisation_figures.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = get_object_or_404(Organisation, pk=self.kwargs["organisation_pk"])
        policy.require(self.request.user, "surveys.view_organisation_followup", organisation)
        context.update(
            {
                "organisation": organisation,
                "series": list(reversed(cached.organisation_series(organisation.pk))),
                "period": selectors.current_period(),
            }
        )
        return context


def figures_export(request: HttpRequest, year: int, name: str) -> HttpResponse:
    """partnership.csv (aggregates) or organisations.csv (each organisation's figures: the
    office only, they are confidential) for one reporting year."""
    if name not in EXPORTS:
        raise Http404
    policy.require(request.user, "surveys.manage")
    response = HttpResponse(EXPORTS[name](year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{year}.csv"'
    return response


@require_POST
def boundary_decide(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    """The office confirms or overrides a detected boundary change, with a written reason."""
    policy.require(request.user, "surveys.manage")
    survey_round = get_object_or_404(SurveyRound, pk=round_pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    form = BoundaryDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_boundary(
                organisation=organisation,
                reporting_year=survey_round.reporting_year,
                comparable=form.cleaned_data["comparable"] == "yes",
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Beslutet är sparat och siffrorna räknas om."))
    else:
        messages.error(
            request,
            _("%(name)s: välj jämförbar eller inte och skriv varför.")
            % {"name": organisation.name},
        )
    return redirect(f"{survey_round.get_absolute_url()}#boundary")
