"""Views of the survey: partners fill in, the office runs rounds, everyone entitled follows up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners.models import Organisation
from surveys import charts, exports, figures, selectors, services
from surveys.forms import (
    BoundaryDecisionForm,
    ExtensionForm,
    ManualValueForm,
    ReopenForm,
    RoundCreateForm,
    RoundUpdateForm,
)
from surveys.models import Question, Response, SurveyRound
from surveys.rules import answer_from_post

UNANSWERED = "__unanswered"  # the "section" posted from the "show unanswered" view


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _form_url(survey_round: SurveyRound, organisation: Organisation, section: str = "") -> str:
    url = reverse(
        "surveys:response_form",
        kwargs={"round_pk": survey_round.pk, "organisation_pk": organisation.pk},
    )
    if section == UNANSWERED:
        return f"{url}?unanswered=1"
    return f"{url}?section={section}" if section else url


def _load(
    request: HttpRequest,
    round_pk: int,
    organisation_pk: int,
    action: str,
    *,
    with_period: bool = True,
) -> tuple[SurveyRound, Organisation]:
    """The round (with the organisation's deadline) and the organisation, or 404. The form page
    and its autosave never use the round's period (``with_period=False``): their two queries
    are then compiled once per process."""
    survey_round: SurveyRound | None
    if with_period:
        survey_round = get_object_or_404(
            selectors.rounds_with_deadline(organisation_pk).select_related("period"), pk=round_pk
        )
        organisation = get_object_or_404(Organisation, pk=organisation_pk)
    else:
        survey_round = selectors.round_for_form(round_pk, organisation_pk)
        found = selectors.organisation_by_pk(organisation_pk) if survey_round else None
        if survey_round is None or found is None:
            raise Http404
        organisation = found
    policy.require(request.user, action, organisation)
    return survey_round, organisation


# --- partner pages ------------------------------------------------------------------------------


class MyResponsesView(PolicyRequiredMixin, TemplateView):
    action = "surveys.respond"
    template_name = "surveys/my_responses.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.list_my_responses(visible_to=self.request.user)
        context["today"] = timezone.localdate()
        return context


class ResponseFormView(View):
    """The questionnaire, one section at a time (or every unanswered field). GET shows it; POST
    saves the posted section as a draft (JSON for autosave, redirect for the plain form)."""

    template_name = "surveys/response_form.html"

    def get(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.view_response", with_period=False
        )
        state = selectors.get_form_state(survey_round, organisation)
        return self._render(request, state)

    def _render(
        self,
        request: HttpRequest,
        state: selectors.FormState,
        *,
        conflicts: list[services.Conflict] | None = None,
        typed: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = request.user
        response = state.response
        section_keys = [s.key for s in state.sections]
        current = request.GET.get("section") or request.POST.get("section") or ""
        if current not in section_keys:
            current = section_keys[0] if section_keys else ""
        show_unanswered = request.GET.get("unanswered") == "1"
        if show_unanswered:
            fields = [f for s in state.sections for f in s.fields if not f.data.is_answered]
        else:
            fields = next((s.fields for s in state.sections if s.key == current), [])
        editable = policy.can(user, "surveys.edit_response", state.organisation) and (
            response is None or response.is_editable
        )
        can_manage = policy.can(user, "surveys.manage")
        by_conflict = {c.field_name: c for c in conflicts or []}
        for field in fields:
            field.conflict = by_conflict.get(field.name)
        if typed:
            # After a conflict the inputs keep what this user typed, with the stored version,
            # so saving again deliberately replaces the colleague's value.
            for field in fields:
                if field.name in typed:
                    field.data, field.version = typed[field.name]
        # Previous/next section buttons (issue 17: on a phone the section list is a compact
        # selector, and a partner goes through the survey one section after the other).
        position = section_keys.index(current) if current in section_keys else -1
        context = {
            "state": state,
            "survey_round": state.survey_round,
            "organisation": state.organisation,
            "response": response,
            "sections": state.sections,
            "previous_section": state.sections[position - 1] if position > 0 else None,
            "next_section": state.sections[position + 1]
            if 0 <= position < len(section_keys) - 1
            else None,
            "current": current,
            "current_label": dict(Question.Section.choices).get(current, ""),
            "fields": fields,
            "show_unanswered": show_unanswered,
            "editable": editable,
            "can_manage": can_manage,
            "deadline": state.deadline,
            "closed": timezone.localdate() > state.deadline,
            "conflicts": conflicts or [],
            "organisations": selectors.partner_choices(state.organisation)
            if any(f.question.kind == Question.Kind.ORGANISATION for f in fields)
            else [],
            "events": list(response.events.select_related("by")[:10])
            if response and can_manage
            else [],
            "form_url": _form_url(state.survey_round, state.organisation),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.edit_response", with_period=False
        )
        state = selectors.get_form_state(survey_round, organisation, for_save=True)
        posted: dict[str, Any] = {}
        for slot in state.slots:
            data = answer_from_post(slot, request.POST)
            if data is None:
                continue
            try:
                version = int(request.POST.get(f"{slot.field_name}__version", "0"))
            except ValueError:
                version = -1  # a tampered version can never match: treated as a conflict
            posted[slot.field_name] = (data, version)
        section = request.POST.get("section", "")
        try:
            result = services.save_answers(
                survey_round=survey_round,
                organisation=organisation,
                slots=state.slots,
                posted=posted,
                by=request.user,  # type: ignore[arg-type]
                response=state.response,
            )
        except ValidationError as exc:
            if _wants_json(request):
                return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=409)
            messages.error(request, " ".join(exc.messages))
            return redirect(_form_url(survey_round, organisation, section))
        if _wants_json(request):
            # The progress from the stored answers as the save read them (locked) and wrote them.
            state.answers = result.answers
            return JsonResponse(
                {
                    "ok": not result.conflicts,
                    "saved": result.saved,
                    "versions": result.versions,
                    "errors": result.errors,
                    "conflicts": [
                        {
                            "field": c.field_name,
                            "label": c.label,
                            "theirs": vars(c.theirs) | {"value": None},
                            "yours": vars(c.yours) | {"value": None},
                            "version": c.version,
                            "by": c.by,
                        }
                        for c in result.conflicts
                    ],
                    "progress": state.progress(),
                    "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                }
            )
        if result.conflicts:
            fresh = selectors.get_form_state(survey_round, organisation)
            typed = {c.field_name: (c.yours, c.version) for c in result.conflicts}
            messages.warning(
                request,
                _(
                    "Någon annan har ändrat %(n)s fält sedan du öppnade sidan. Båda värdena "
                    "visas nedan; spara igen för att behålla ditt."
                )
                % {"n": len(result.conflicts)},
            )
            return self._render(request, fresh, conflicts=result.conflicts, typed=typed, status=409)
        if result.errors:
            messages.warning(
                request,
                _("Utkastet är sparat. %(n)s fält behöver rättas innan ni skickar in.")
                % {"n": len(result.errors)},
            )
        else:
            messages.success(request, _("Utkastet är sparat."))
        # Soft rules (a large change, one scope 2 method, …) ask for a comment before submitting:
        # say so for the saved section now, not first on the review page (issue 17).
        fresh = selectors.get_form_state(survey_round, organisation)
        for problem in services.response_problems(fresh):
            if not problem.hard and section in {problem.section, UNANSWERED}:
                messages.warning(request, f"{problem.label}: {problem.message}")
        # "Save and go to the next/previous section" posts the section to show next.
        goto = request.POST.get("goto", "")
        if goto in {s.key for s in fresh.sections}:
            section = goto
        return redirect(_form_url(survey_round, organisation, section))


class ResponseSubmitView(View):
    """The check page: every problem listed with a link to its field; POST submits."""

    template_name = "surveys/response_submit.html"

    def get(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.view_response"
        )
        state = selectors.get_form_state(survey_round, organisation)
        return self._render(request, state)

    def _render(
        self, request: HttpRequest, state: selectors.FormState, status: int = 200
    ) -> HttpResponse:
        problems = services.response_problems(state) if state.response else []
        context = {
            "state": state,
            "survey_round": state.survey_round,
            "organisation": state.organisation,
            "response": state.response,
            "hard": [p for p in problems if p.hard],
            "soft": [p for p in problems if not p.hard],
            "can_submit": policy.can(request.user, "surveys.submit_response", state.organisation),
            "closed": timezone.localdate() > state.deadline,
            "deadline": state.deadline,
            "form_url": _form_url(state.survey_round, state.organisation),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.submit_response"
        )
        state = selectors.get_form_state(survey_round, organisation)
        try:
            services.submit_response(state=state, by=request.user)  # type: ignore[arg-type]
        except services.SubmissionBlocked:
            messages.error(request, _("Svaret kan inte skickas in ännu; se listan nedan."))
            return self._render(request, state, status=400)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self._render(request, state, status=400)
        messages.success(request, _("Tack! Svaret är inskickat och låst."))
        return redirect(_form_url(survey_round, organisation))


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


class RoundDetailView(PolicyRequiredMixin, DetailView[SurveyRound]):
    action = "surveys.manage"
    model = SurveyRound
    template_name = "surveys/round_detail.html"
    context_object_name = "survey_round"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = selectors.round_overview(self.object)
        context["rows"] = rows
        context["sections"] = dict(Question.Section.choices)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["state"]] = counts.get(row["state"], 0) + 1
        context["counts"] = [
            (label, counts.get(value, 0)) for value, label in Response.State.choices
        ]
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
        inputs = figures.load_inputs()
        years = sorted(inputs.reporters_by_year)
        wanted = self.request.GET.get("year", "")
        year = int(wanted) if wanted.isdigit() and int(wanted) in years else None
        if year is None and years:
            year = years[-1]
        found = figures.partnership_figures(year, inputs) if year is not None else []
        own = None
        if organisation is not None:
            mine = figures.organisation_series(organisation.pk, inputs)
            own = mine[-1] if mine else None
        office = policy.can(self.request.user, "surveys.manage")
        reporting = sorted(inputs.reporting_years) if office else []
        return {
            "likert_groups": self._likert_groups(year, inputs) if year is not None else [],
            "figure_year": year,
            "figure_years": years,
            "headline_figures": [f for f in found if not f.key.startswith("scope3_")],
            "scope3_figures": [f for f in found if f.key.startswith("scope3_")],
            "own_figures": own,
            "reporting_organisations": Organisation.objects.filter(pk__in=reporting).order_by(
                "name"
            ),
        }

    @staticmethod
    def _likert_groups(year: int, inputs: figures.Inputs) -> list[dict[str, Any]]:
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
            frame = figures.likert_by_group(year, group, inputs)
            if frame.empty:
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
