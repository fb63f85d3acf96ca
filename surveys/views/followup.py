"""The indicators' follow-up page and manual values."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners.models import Organisation
from surveys import charts, selectors, services
from surveys.figures import cached
from surveys.forms import ManualValueForm

# --- follow-up ----------------------------------------------------------------------------------


class FollowUpView(PolicyRequiredMixin, TemplateView):
    """Office and strategic group: every indicator against its target. A partner contact: its
    own organisation's figures and the partnership aggregates, never another organisation's."""

    action = "surveys.view_followup"
    template_name = "surveys/followup.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organisation = None
        own_ids = sorted(policy.organisation_ids(user))
        wanted = self.request.GET.get("organisation", "")
        if wanted.isdigit() and int(wanted) in own_ids:
            organisation = Organisation.objects.get(pk=int(wanted))
        elif own_ids and not policy.is_office(user) and not policy.is_strategic(user):
            organisation = Organisation.objects.get(pk=own_ids[0])
        if organisation is not None:
            policy.require(user, "surveys.view_organisation_followup", organisation)
        items = selectors.indicator_followup(organisation=organisation)
        for item in items:
            item["chart"] = charts.indicator_chart(item)
        context.update(self._figures(organisation))
        context.update(
            {
                "items": items,
                "organisation": organisation,
                "own_organisations": Organisation.objects.filter(pk__in=own_ids).order_by("name")
                if len(own_ids) > 1
                else [],
                "own_series": selectors.organisation_emissions_series(organisation)
                if organisation
                else [],
                "period": selectors.current_period(),
                "can_manage": policy.can(user, "surveys.manage"),
                "manual_form": kwargs.get("manual_form")
                or (ManualValueForm() if policy.can(user, "surveys.manage") else None),
            }
        )
        if organisation is not None:
            context["own_chart"] = charts.pathway_chart(context["own_series"])
        return context

    def _figures(self, organisation: Organisation | None) -> dict[str, Any]:
        """The partnership's figures for the chosen (or latest) year, the organisation's own
        latest figures, and for the office the organisations whose path it can open."""
        wanted = self.request.GET.get("year", "")
        # Cached in the shared cache, versioned by surveys.services.schedule_recompute.
        shown = cached.partnership_year(int(wanted) if wanted.isdigit() else None)
        year, found = shown.year, shown.figures
        own = None
        if organisation is not None:
            mine = cached.organisation_series(organisation.pk)
            own = mine[-1] if mine else None
        office = policy.can(self.request.user, "surveys.manage")
        reporting = shown.reporting_organisation_ids if office else []
        return {
            "likert_groups": self._likert_groups(shown.likert) if shown.likert else [],
            "figure_year": year,
            "figure_years": shown.years,
            "headline_figures": [f for f in found if not f.key.startswith("scope3_")],
            "scope3_figures": [f for f in found if f.key.startswith("scope3_")],
            "own_figures": own,
            "reporting_organisations": Organisation.objects.filter(pk__in=reporting).order_by(
                "name"
            ),
        }

    @staticmethod
    def _likert_groups(frames: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
        """The enabling-goal statements per kind of organisation, sector and focus area (§5,
        issue 16.11): one table per grouping, cells under 3 organisations suppressed."""
        from roadmap.models import FocusArea
        from roadmap.selectors import sector_names
        from surveys.questionnaire import ENABLING_STATEMENTS

        english = (translation.get_language() or "sv").startswith("en")
        # Group names as stored (kind code, Swedish sector, Swedish focus area) → shown name.
        kinds = {
            **dict(Organisation.Kind.choices),
            **sector_names(),
            **{area.name_sv: area.name for area in FocusArea.objects.all()},
        }
        result = []
        for group, title in (
            ("kind", _("Per typ av organisation")),
            ("sector", _("Per bransch")),
            ("focus_area", _("Per fokusområde")),
        ):
            frame = frames.get(group)
            if frame is None or frame.empty:
                continue
            names = sorted({str(g) for g in frame["group"]})
            cells = {(r["key"], str(r["group"])): r for r in frame.to_dict("records")}
            rows = [
                {
                    "statement": text_en if english else text_sv,
                    "cells": [cells.get((f"enabling_{n}", name)) for name in names],
                }
                for n, (text_sv, text_en) in enumerate(ENABLING_STATEMENTS, start=1)
            ]
            result.append(
                {
                    "title": title,
                    "groups": [str(kinds.get(name, name)) for name in names],
                    "rows": rows,
                }
            )
        return result


@require_POST
def manual_value_save(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "surveys.manage")
    form = ManualValueForm(request.POST)
    if form.is_valid():
        try:
            services.set_manual_value(
                indicator=form.cleaned_data["indicator"],
                year=form.cleaned_data["year"],
                value=form.cleaned_data["value"],
                source_note=form.cleaned_data["source_note"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Värdet är sparat och indikatorerna räknas om."))
            return redirect("surveys:followup")
    # The page again with the form as typed and its field errors: a redirect would lose both.
    view = FollowUpView()
    view.setup(request)
    context = view.get_context_data(manual_form=form)
    return render(request, view.template_name, context, status=400)
