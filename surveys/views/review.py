"""Views of issue 20: the office's one-page review and "remind all" (20.4); confirming the
answers carried over from last year and scope 3 "not relevant" together (20.3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from partners.models import Organisation
from surveys import selectors
from surveys.forms import ReopenForm
from surveys.models import Question, SurveyRound
from surveys.selectors import review
from surveys.services import carryover, scope3, tracker
from surveys.views.partner import UNANSWERED, _form_url, _load


@require_GET
def response_review(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    """Every answer of one response on one page, with last year's and the change (office)."""
    policy.require(request.user, "surveys.manage")
    survey_round = get_object_or_404(
        selectors.rounds_with_deadline(organisation_pk).select_related("period"), pk=round_pk
    )
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    found = review.review_response(survey_round, organisation)
    context = {
        "review": found,
        "survey_round": survey_round,
        "organisation": organisation,
        "response": found.response,
        "deadline": found.state.deadline,
        "reopen_form": ReopenForm(),
        "form_url": _form_url(survey_round, organisation),
    }
    return render(request, "surveys/response_review.html", context)


@require_POST
def remind_all(request: HttpRequest, pk: int) -> HttpResponse:
    """One reminder to every organisation of the round that has not submitted (office)."""
    policy.require(request.user, "surveys.manage")
    survey_round = get_object_or_404(SurveyRound, pk=pk)
    if timezone.localdate() > survey_round.closes_on:
        messages.error(request, _("Omgången har stängt. Förläng tidsfristen för den som behöver."))
        return redirect(survey_round)
    result = tracker.remind_all(survey_round=survey_round, by=request.user)  # type: ignore[arg-type]
    if result.sent:
        messages.success(
            request,
            ngettext(
                "Påminnelse skickad till %(n)s organisation som inte har skickat in.",
                "Påminnelse skickad till %(n)s organisationer som inte har skickat in.",
                result.sent,
            )
            % {"n": result.sent},
        )
    else:
        messages.info(request, _("Ingen påminnelse skickades."))
    if result.already:
        messages.info(
            request,
            ngettext(
                "%(n)s organisation hade redan fått en påminnelse i dag och fick ingen till.",
                "%(n)s organisationer hade redan fått en påminnelse i dag och fick ingen till.",
                result.already,
            )
            % {"n": result.already},
        )
    if result.unreachable:
        messages.warning(
            request,
            ngettext(
                "%(n)s organisation har ingen kontaktperson med e-post.",
                "%(n)s organisationer har ingen kontaktperson med e-post.",
                result.unreachable,
            )
            % {"n": result.unreachable},
        )
    return redirect(survey_round)


@require_POST
def carried_confirm(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    """Confirm the answers carried over from last year: one section's, or all (no section)."""
    survey_round, organisation = _load(request, round_pk, organisation_pk, "surveys.edit_response")
    section = request.POST.get("section", "")
    if section not in Question.Section.values:
        section = ""
    response = selectors.get_response_for(survey_round, organisation)
    target = _form_url(survey_round, organisation, section)
    if request.POST.get("back") == "submit":  # the check page's "confirm all"
        target = reverse("surveys:response_submit", args=[survey_round.pk, organisation.pk])
    if response is None:
        return redirect(target)
    try:
        n = carryover.confirm_carried(
            response=response,
            by=request.user,  # type: ignore[arg-type]
            section=section,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(target)
    messages.success(
        request,
        ngettext(
            "%(n)s svar från förra året är bekräftat.",
            "%(n)s svar från förra året är bekräftade.",
            n,
        )
        % {"n": n},
    )
    return redirect(target)


@require_POST
def scope3_not_relevant(request: HttpRequest, round_pk: int, organisation_pk: int) -> HttpResponse:
    """Set the chosen scope 3 categories to "not relevant" in one go."""
    survey_round, organisation = _load(request, round_pk, organisation_pk, "surveys.edit_response")
    state = selectors.get_form_state(survey_round, organisation)
    chosen = [str(name) for name in request.POST.getlist("category")][:100]
    versions: dict[str, int] = {}
    for name in chosen:
        try:
            versions[name] = int(request.POST.get(f"{name}__version", "0"))
        except ValueError:
            versions[name] = -1  # a tampered version can never match: a conflict
    back = _form_url(survey_round, organisation, "scope3")
    if request.POST.get("section") == UNANSWERED:
        back = _form_url(survey_round, organisation, UNANSWERED)
    if not chosen:
        messages.error(request, _("Välj minst en kategori."))
        return redirect(back)
    try:
        result = scope3.mark_not_relevant(
            state=state,
            chosen=chosen,
            versions=versions,
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if result.conflicts:
        messages.warning(
            request,
            ngettext(
                "%(n)s kategori har ändrats av någon annan sedan du öppnade sidan och "
                "ändrades inte. Kontrollera den och försök igen.",
                "%(n)s kategorier har ändrats av någon annan sedan du öppnade sidan och "
                "ändrades inte. Kontrollera dem och försök igen.",
                len(result.conflicts),
            )
            % {"n": len(result.conflicts)},
        )
    if result.saved:
        messages.success(
            request,
            ngettext(
                "%(n)s kategori är satt till ”Inte relevant”.",
                "%(n)s kategorier är satta till ”Inte relevant”.",
                len(result.saved),
            )
            % {"n": len(result.saved)},
        )
    return redirect(back)
