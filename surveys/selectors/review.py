"""The office's one-page review of a response (issue 20.4).

Every answer of the response, section by section, beside last year's answer and the change,
with the partner's comment, the rules' warnings and the carried-over mark on the same row, so
the office approves or reopens without clicking through the twelve sections of the form.

"Last year" is what the form's hint and the ±50 % rule use: for a number, the value of the
year before in the organisation's earlier submitted or approved responses (in a baseline round,
the earlier data year of the same response); for any other answer, the organisation's answer
in its latest earlier submitted or approved response.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from klimatfardplan.numbers import for_people
from surveys.models import Answer, Question, Response, ResponseEvent, SurveyRound
from surveys.rules import AnswerData, Problem
from surveys.selectors.form import FormState, get_form_state

if TYPE_CHECKING:
    from partners.models import Organisation
    from surveys.selectors import FieldView

# (question key, year, challenge id) → the answer of an earlier response.
PreviousKey = tuple[str, int, int | None]


@dataclass
class ReviewRow:
    field: FieldView
    answer: str
    previous: str = ""
    delta: Decimal | None = None
    percent: Decimal | None = None
    changed: bool = False
    problems: list[Problem] = dataclass_field(default_factory=list)

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def comment(self) -> str:
        return self.field.data.comment

    @property
    def carried_from(self) -> int | None:
        return self.field.carried_from

    @property
    def delta_text(self) -> str:
        """ "+30" / "−12,5" (a real minus sign), in the page's language."""
        if not self.delta:  # none, or unchanged ("Oförändrat" instead)
            return ""
        sign = "+" if self.delta > 0 else "−"
        return sign + for_people(abs(self.delta))

    @property
    def percent_text(self) -> str:
        if not self.percent:
            return ""
        sign = "+" if self.percent > 0 else "−"
        return f"{sign}{for_people(abs(self.percent), 0)} %"


@dataclass
class ReviewSection:
    key: str
    label: str
    rows: list[ReviewRow]


@dataclass
class Review:
    state: FormState
    sections: list[ReviewSection]
    hard: list[Problem]
    soft: list[Problem]
    events: list[ResponseEvent]

    @property
    def response(self) -> Response | None:
        return self.state.response

    @property
    def carried(self) -> int:
        return sum(1 for s in self.sections for r in s.rows if r.carried_from is not None)

    @property
    def changed(self) -> int:
        return sum(1 for s in self.sections for r in s.rows if r.changed)


def previous_answers(
    organisation: Organisation, survey_round: SurveyRound
) -> dict[PreviousKey, AnswerData]:
    """The organisation's answers in its earlier submitted or approved responses, the latest
    round's winning. One query."""
    rows = (
        Answer.objects.filter(
            response__organisation=organisation,
            response__round__year__lt=survey_round.year,
            response__state__in=[Response.State.SUBMITTED, Response.State.APPROVED],
        )
        .order_by("response__round__year")
        .values_list(
            "question__key", "year", "challenge_id", "raw", "choice", "not_reported", "value"
        )
    )
    return {
        (key, year, challenge): AnswerData(raw, choice, not_reported, "", value)
        for key, year, challenge, raw, choice, not_reported, value in rows
    }


def _partner_names(ids: set[str]) -> dict[str, str]:
    from partners.models import Organisation as Org

    wanted = [int(i) for i in ids if i.isdigit()]
    if not wanted:
        return {}
    found: QuerySet[Any] = Org.objects.filter(pk__in=wanted).values_list("pk", "name")
    return {str(pk): name for pk, name in found}


def answer_text(question: Question, data: AnswerData, partners: dict[str, str]) -> str:
    """An answer as a person reads it (the option's label, a number in the page's language
    with its unit, the partner's name); "" for no answer."""
    if data.not_reported:
        return _("Ej rapporterat")
    unit = f" {question.unit}" if question.unit else ""
    number = f"{for_people(data.value)}{unit}" if data.value is not None else data.raw.strip()
    options = dict(question.choice_options())
    if question.kind == Question.Kind.SCOPE3:
        status = options.get(data.choice, data.choice)
        return " · ".join(part for part in (status, number) if part)
    if question.is_numeric:
        return number
    if question.kind == Question.Kind.MULTI:
        return ", ".join(options.get(c, c) for c in data.choice.split(",") if c)
    if question.kind in {Question.Kind.CHOICE, Question.Kind.LIKERT}:
        return options.get(data.choice, data.choice)
    if question.kind == Question.Kind.ORGANISATION:
        return partners.get(data.choice, data.choice)
    return data.raw.strip()


def _row(
    field_view: FieldView,
    before: AnswerData | None,
    problems: list[Problem],
    partners: dict[str, str],
) -> ReviewRow:
    question = field_view.question
    row = ReviewRow(
        field=field_view,
        answer=answer_text(question, field_view.data, partners),
        problems=problems,
    )
    if question.is_numeric:
        previous_value = field_view.previous
        if previous_value is not None:
            row.previous = answer_text(question, AnswerData(value=previous_value), partners)
            value = None if field_view.data.not_reported else field_view.data.value
            if value is not None:
                row.delta = value - previous_value
                if previous_value != 0:
                    row.percent = row.delta / previous_value * 100
                row.changed = row.delta != 0
        return row
    if before is not None and before.is_answered:
        row.previous = answer_text(question, before, partners)
        row.changed = row.previous != row.answer
    return row


def review_response(survey_round: SurveyRound, organisation: Organisation) -> Review:
    """Everything the review page shows, in a constant number of queries."""
    # Here: the services import the selectors (the problems are the submit check's own).
    from surveys.services.responses import response_problems

    state = get_form_state(survey_round, organisation)
    problems = response_problems(state) if state.response else []
    by_field: dict[str, list[Problem]] = {}
    for problem in problems:
        by_field.setdefault(problem.field_name, []).append(problem)
    earlier = previous_answers(organisation, survey_round)
    # The partners named by "our figures are included in partner X's" (one query, if any).
    keys = {s.question.key for s in state.slots if s.question.kind == Question.Kind.ORGANISATION}
    named = [data for name, data in state.answers.items() if name in keys]
    named += [data for (key, _year, _c), data in earlier.items() if key in keys]
    partners = _partner_names({data.choice for data in named if data.choice})
    sections = []
    for section in state.sections:
        rows = []
        for field_view in section.fields:
            slot = field_view.slot
            before = earlier.get((slot.question.key, slot.year - 1, slot.challenge_id))
            rows.append(_row(field_view, before, by_field.get(field_view.name, []), partners))
        sections.append(ReviewSection(section.key, section.label, rows))
    events = list(state.response.events.select_related("by")[:20]) if state.response else []
    return Review(
        state=state,
        sections=sections,
        hard=[p for p in problems if p.hard],
        soft=[p for p in problems if not p.hard],
        events=events,
    )
