"""Carry-over (issue 20.3): answers that rarely change are filled in from last year.

The answers of the questions flagged ``Question.carry_over`` (the boundary, the base year and its
values, the own target, the method) are copied from the organisation's latest *approved*
response of an earlier round into this year's response, each marked with the survey year it
came from (``Answer.carried_from_year``). The mark stays until someone confirms the answers
(one click per section, or all of them on the check page) or changes one (the save clears it).
A response with unconfirmed carried-over answers cannot be submitted: the partner must have
looked at them.

* Only questions asked once per response carry over (not per data year, not per challenge), and
  only where the new response has no answer yet: nothing typed is ever replaced.
* It runs once per response (``Response.carried_over_at``), when a contact who may edit first
  opens the form: an answer cleared afterwards does not come back.
* Access is the caller's policy check (``surveys.edit_response`` on the organisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from surveys.models import Answer, Question, Response, ResponseEvent, SurveyRound
from surveys.rules import Problem
from surveys.selectors import form as selectors_form
from surveys.services.answers import LOCKED_MESSAGE

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation
    from surveys.selectors import FormState


def carries_over(question: Question) -> bool:
    """Is ``question`` one whose answer is filled in from last year?"""
    return question.carry_over and not question.per_year and not question.per_commitment


def source_response(organisation_id: int, survey_round: SurveyRound) -> Response | None:
    """The organisation's latest approved response of a round before ``survey_round``."""
    return (
        Response.objects.filter(
            organisation_id=organisation_id,
            state=Response.State.APPROVED,
            round__year__lt=survey_round.year,
        )
        .select_related("round")
        .order_by("-round__year")
        .first()
    )


def on_first_view(state: FormState, *, by: User) -> bool:
    """The form page's first view by a contact who may edit: carry last year's answers over
    (creating the response, not started, if there is none and there is something to carry).
    True when answers were added (the caller reads the form state again). No query once the
    response has been through it."""
    response = state.response
    if response is not None and (response.carried_over_at is not None or not response.is_editable):
        return False
    questions = selectors_form.round_questions(state.survey_round)
    if response is None:
        if not _may_start(state) or not any(carries_over(q) for q in questions):
            return False
        if source_response(state.organisation.pk, state.survey_round) is None:
            return False  # nothing to carry: no response is created by looking at the form
        response = start_response(
            survey_round=state.survey_round,
            organisation=state.organisation,
            questions=questions,
            by=by,
        )
        return response.answers.filter(carried_from_year__isnull=False).exists()
    return (
        carry_over(response=response, survey_round=state.survey_round, questions=questions, by=by)
        > 0
    )


def _may_start(state: FormState) -> bool:
    """Whether looking at the form may create the organisation's response: only for an
    organisation the round expects, while the round (with its deadline extension) is open. A
    link opened for another organisation, or after the round, creates nothing."""
    from surveys.selectors.rounds import EXPECTED_STATUSES, deadline_for

    survey_round, organisation = state.survey_round, state.organisation
    today = timezone.localdate()
    return (
        organisation.status in EXPECTED_STATUSES
        and survey_round.opens_on <= today <= deadline_for(survey_round, organisation.pk)
    )


def start_response(
    *,
    survey_round: SurveyRound,
    organisation: Organisation,
    questions: Iterable[Question],
    by: User,
) -> Response:
    """The organisation's response for the round, created (not started) if there is none yet,
    with last year's answers carried over. For the form page, when a contact who may edit
    opens it the first time."""
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(
                round=survey_round,
                organisation=organisation,
                defaults={"state": Response.State.NOT_STARTED},
            )
    except IntegrityError:  # a colleague opened it a moment ago
        response = Response.objects.get(round=survey_round, organisation=organisation)
    carry_over(response=response, survey_round=survey_round, questions=questions, by=by)
    return response


def carry_over(
    *,
    response: Response,
    survey_round: SurveyRound,
    questions: Iterable[Question],
    by: User | None,
) -> int:
    """Copy the carried-over answers of the organisation's last approved response into
    ``response`` (where it has none); return how many were copied. Runs once per response."""
    if response.carried_over_at is not None or not response.is_editable:
        return 0
    eligible = {q.key: q for q in questions if carries_over(q)}
    now = timezone.now()
    try:
        with transaction.atomic():
            # Claimed by a conditional UPDATE: two first views at once carry over only once.
            claimed = Response.objects.filter(
                pk=response.pk,
                carried_over_at__isnull=True,
                state__in=list(Response.EDITABLE_STATES),
            ).update(carried_over_at=now)
            response.carried_over_at = now
            if not claimed or not eligible:
                return 0
            source = source_response(response.organisation_id, survey_round)
            if source is None:
                return 0
            taken = set(response.answers.values_list("field_name", flat=True))
            rows = source.answers.filter(field_name__in=list(eligible)).values_list(
                "field_name", "question__kind", "raw", "choice", "not_reported", "value"
            )
            copies = [
                Answer(
                    response=response,
                    question=eligible[name],
                    field_name=name,
                    year=survey_round.reporting_year,
                    raw=raw,
                    choice=choice,
                    not_reported=not_reported,
                    value=None if not_reported else value,
                    carried_from_year=source.round.year,
                    updated_by=None,
                )
                for name, kind, raw, choice, not_reported, value in rows
                # Same kind of question (the office may have changed it), something to copy.
                if name not in taken
                and kind == eligible[name].kind
                and (not_reported or raw.strip() or choice)
            ]
            if not copies:
                return 0
            Answer.objects.bulk_create(copies)
            ResponseEvent.objects.create(
                response=response,
                kind=ResponseEvent.Kind.CARRIED_OVER,
                by=by,
                data={"from_year": source.round.year, "fields": [a.field_name for a in copies]},
            )
    except IntegrityError:
        # A colleague saved one of these fields at the same moment: nothing was carried over
        # (the transaction rolled back, the claim too); the next view tries again.
        response.carried_over_at = None
        return 0
    return len(copies)


@transaction.atomic
def confirm_carried(
    *, response: Response, by: User, section: str = "", field_names: Iterable[str] = ()
) -> int:
    """Confirm the response's carried-over answers (of one ``section``, or those named, or all):
    they become the organisation's own answers for this year. Returns how many."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if not locked.is_editable:
        raise ValidationError(LOCKED_MESSAGE)
    carried = Answer.objects.filter(response=locked, carried_from_year__isnull=False)
    if section:
        carried = carried.filter(question__section=section)
    names = list(field_names)
    if names:
        carried = carried.filter(field_name__in=names)
    confirmed = sorted(carried.values_list("field_name", flat=True))
    if not confirmed:
        return 0
    carried.update(carried_from_year=None)
    # The version moves on as with every change: a submit that loaded the response before
    # this confirmation is refused (services.submit_response compares it).
    changes: dict[str, Any] = {
        "last_edited_at": timezone.now(),
        "last_edited_by": by,
        "version": locked.version + 1,
    }
    if locked.state == Response.State.NOT_STARTED:
        changes["state"] = Response.State.DRAFT
    if locked.state == Response.State.REOPENED:
        changes["changed_since_reopen"] = True
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changes))
    ResponseEvent.objects.create(
        response=locked,
        kind=ResponseEvent.Kind.CONFIRMED,
        by=by,
        data={"fields": confirmed[:50]},
    )
    return len(confirmed)


def carried_problems(state: FormState) -> list[Problem]:
    """One hard problem per section that still holds unconfirmed carried-over answers."""
    by_section: dict[str, list[str]] = {}
    for shown in state.sections:
        for field in shown.fields:
            if field.carried_from is not None:
                by_section.setdefault(shown.key, []).append(field.name)
    problems = []
    labels = dict(Question.Section.choices)
    for section, names in by_section.items():
        message = ngettext(
            "%(n)s svar är ifyllt från förra året och inte bekräftat. Bekräfta eller ändra det.",
            "%(n)s svar är ifyllda från förra året och inte bekräftade. Bekräfta eller ändra dem.",
            len(names),
        ) % {"n": len(names)}
        problems.append(
            Problem(names[0], section, str(labels.get(section, section)), message, True)
        )
    return problems
