"""Partner pages: my responses, the survey form with its autosave, and submitting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners.models import Organisation
from surveys import selectors, services
from surveys.models import Question, SurveyRound
from surveys.rules import Slot, answer_from_post
from surveys.services import carryover, scope3

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
    and its autosave never use the round's period (``with_period=False``): no join for it."""
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


def _warnings(state: selectors.FormState) -> dict[str, str]:
    """field name → the soft rule's message (a large change, one scope 2 method, …), which a
    comment on the field answers: the check page's own rules."""
    found: dict[str, str] = {}
    for problem in services.response_problems(state):
        if not problem.hard:
            found.setdefault(problem.field_name, problem.message)
    return found


def _saved_warnings(state: selectors.FormState, posted: dict[str, Any]) -> dict[str, str]:
    """The warnings of the fields an autosave posted, said beside them at once (issue 20.3).
    ``state`` as the save left it (its answers); last year's figures are read here (one query),
    and within a baseline response the earlier year is "last year" for the later one."""
    state.previous = selectors.previous_values(state.organisation, state.survey_round)
    for slot in state.slots:
        data = state.answers.get(slot.field_name)
        if data is not None and data.value is not None and slot.question.per_year:
            state.previous.setdefault((slot.question.key, slot.year), data.value)
    return {name: message for name, message in _warnings(state).items() if name in posted}


def _posted_answers(slots: list[Slot], post: QueryDict) -> dict[str, Any]:
    """The posted fields of the form: field name → (data, the version the form was loaded with)."""
    posted: dict[str, Any] = {}
    for slot in slots:
        data = answer_from_post(slot, post)
        if data is None:
            continue
        try:
            version = int(post.get(f"{slot.field_name}__version", "0"))
        except ValueError:
            version = -1  # a tampered version can never match: treated as a conflict
        posted[slot.field_name] = (data, version)
    return posted


def _saved_json(
    state: selectors.FormState, result: services.SaveResult, posted: dict[str, Any]
) -> JsonResponse:
    """The autosave's answer: what was saved, the new versions, problems, conflicts, progress."""
    # The progress from the stored answers as the save read them (locked) and wrote them.
    state.answers = result.answers
    state.response = result.response
    warnings = _saved_warnings(state, posted)
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
            "warnings": warnings,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        }
    )


class ResponseFormView(View):
    """The questionnaire, one section at a time (or every unanswered field). GET shows it; POST
    saves the posted section as a draft (JSON for autosave, redirect for the plain form)."""

    template_name = "surveys/response_form.html"

    def get(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.view_response", with_period=False
        )
        state = selectors.get_form_state(survey_round, organisation)
        # The first view by a contact who may edit fills in last year's stable answers (20.3).
        if policy.can(request.user, "surveys.edit_response", organisation) and (
            carryover.on_first_view(state, by=request.user)  # type: ignore[arg-type]
        ):
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
        warnings = _warnings(state) if response is not None else {}
        for field in fields:
            field.conflict = by_conflict.get(field.name)
            field.warning = warnings.get(field.name, "")
        carried = [f for f in fields if f.carried_from is not None]
        candidates = scope3.candidates(fields) if editable else []
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
            # Issue 20.3: the shown carried-over answers to confirm, and the scope 3 categories
            # that may be set "not relevant" together.
            "carried_count": len(carried) if editable else 0,
            "carried_year": max((f.carried_from or 0) for f in carried) if carried else None,
            "scope3_candidates": candidates,
            "scope3_open": any(not f.data.is_answered for f in candidates),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
        survey_round, organisation = _load(
            request, round_pk, organisation_pk, "surveys.edit_response", with_period=False
        )
        state = selectors.get_form_state(survey_round, organisation, for_save=True)
        posted = _posted_answers(state.slots, request.POST)
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
            return _saved_json(state, result, posted)
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
            "carried_count": sum(
                1
                for section in state.sections
                for f in section.fields
                if f.carried_from is not None
            ),
            "can_edit": policy.can(request.user, "surveys.edit_response", state.organisation),
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
