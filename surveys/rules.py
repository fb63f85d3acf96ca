"""Parsing and validation of survey answers: pure Python, no ORM, so the rules are easy to test.

Two kinds of rules (survey-and-ghg.md §1.5, §4):

* **hard** rules block *submission* (never a draft save): required answers, numbers that are not
  numbers, negative or absurd values, a breakdown that does not sum to its total, …;
* **soft** rules (a change of more than ±50 % from last year, only one scope 2 method, …) ask for a
  comment on the field; once the comment is there they no longer block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from klimatfardplan.numbers import for_people
from surveys.models import Question

BREAKDOWN_TOLERANCE = Decimal("0.5")  # t CO2e, for rounding in the breakdown (§1.5)
LARGE_TONNES = Decimal(1_000_000)  # above this an organisation's value needs a comment (issue 16.7)
MAX_DECIMALS = 3
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass(frozen=True)
class Slot:
    """One input on the form: a question for one data year (and one challenge)."""

    field_name: str
    question: Question
    year: int
    challenge_id: int | None = None
    challenge_label: str = ""

    @property
    def section(self) -> str:
        return self.question.section

    @property
    def label(self) -> str:
        text = self.question.text
        if self.challenge_label:
            text = f"{self.challenge_label}: {text}"
        if self.question.per_year:
            text = f"{text} ({self.year})"
        return text


@dataclass
class AnswerData:
    """What one field holds: the raw text, a choice, the explicit "not reported" flag and a
    comment. ``value`` is filled in by :func:`parse_number` when the raw text is a valid number."""

    raw: str = ""
    choice: str = ""
    not_reported: bool = False
    comment: str = ""
    value: Decimal | None = None

    @property
    def is_answered(self) -> bool:
        return bool(self.not_reported or self.raw.strip() or self.choice)

    def same_content(self, other: AnswerData) -> bool:
        return (self.raw, self.choice, self.not_reported, self.comment) == (
            other.raw,
            other.choice,
            other.not_reported,
            other.comment,
        )


@dataclass(frozen=True)
class Problem:
    field_name: str
    section: str
    label: str
    message: str
    hard: bool


def slot_name(key: str, year: int | None = None, challenge_number: int | None = None) -> str:
    name = key
    if year is not None:
        name += f"__{year}"
    if challenge_number is not None:
        name += f"__c{challenge_number}"
    return name


def build_slots(
    questions: Iterable[Question],
    *,
    years: list[int],
    reporting_year: int,
    challenges: list[tuple[int, int, str]],
) -> list[Slot]:
    """Every input of the questionnaire, in order. ``challenges``: (id, number, label)."""
    slots: list[Slot] = []
    questions = list(questions)
    commitment_questions = [q for q in questions if q.per_commitment]
    for question in questions:
        if question.per_commitment:
            if question is commitment_questions[0]:
                # The follow-up is grouped by challenge: status, then "what was done".
                for pk, number, label in challenges:
                    slots.extend(
                        Slot(slot_name(q.key, None, number), q, reporting_year, pk, label)
                        for q in commitment_questions
                    )
        elif question.per_year:
            slots.extend(Slot(slot_name(question.key, year), question, year) for year in years)
        else:
            slots.append(Slot(question.key, question, reporting_year))
    return slots


def parse_number(question: Question, raw: str) -> tuple[Decimal | None, str | None]:
    """Parse what was typed; return (value, None) or (None, message). Empty text is (None, None).

    Accepts Swedish input: decimal comma and spaces (also non-breaking) as thousands separators.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None, None
    if len(text) > 40 or not _NUMBER.match(text):
        return None, _("Ange ett tal, t.ex. 1234,5.")
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("Ange ett tal, t.ex. 1234,5.")
    if question.kind == Question.Kind.INTEGER and value != value.to_integral_value():
        return None, _("Ange ett heltal.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        return None, _("Ange högst tre decimaler.")
    if question.min_value is not None and value < question.min_value:
        if question.min_value == 0:
            return None, _("Värdet får inte vara negativt.")
        return None, _("Värdet måste vara minst %(min)s.") % {"min": question.min_value}
    if question.max_value is not None and value > question.max_value:
        return None, _("Värdet är orimligt stort (högst %(max)s).") % {
            "max": f"{question.max_value.normalize():f}"
        }
    return value, None


def field_error(slot: Slot, data: AnswerData) -> str | None:
    """The problem with one field's own content (shown on save; blocks only submission)."""
    question = slot.question
    kind = question.kind
    if data.not_reported:
        return None
    if question.is_numeric:
        value, error = parse_number(question, data.raw)
        if error:
            return error
        data.value = value
    allowed = {c[0] for c in question.choices}
    if kind in {Question.Kind.CHOICE, Question.Kind.LIKERT, Question.Kind.SCOPE3} and (
        data.choice and allowed and data.choice not in allowed
    ):
        return _("Välj ett av alternativen.")
    stale_value = data.value is not None and data.choice not in {"", "calculated"}
    if kind == Question.Kind.SCOPE3 and stale_value:
        # The status decides what is added up: a value under "not relevant" or "included in
        # another category" would be counted twice or by mistake (issue 16, red-team).
        return _(
            "Ett värde kan bara anges med status ”Beräknad”. Ta bort värdet eller välj ”Beräknad”."
        )
    if kind == Question.Kind.MULTI and data.choice:
        chosen = [c for c in data.choice.split(",") if c]
        if any(c not in allowed for c in chosen):
            return _("Välj bland alternativen.")
    if kind == Question.Kind.URL and data.raw.strip():
        try:
            URLValidator(schemes=["http", "https"])(data.raw.strip())
        except ValidationError:
            return _("Ange en fullständig länk som börjar med https://.")
    if kind == Question.Kind.DATE and data.raw.strip():
        try:
            date.fromisoformat(data.raw.strip())
        except ValueError:
            return _("Ange ett datum som ÅÅÅÅ-MM-DD.")
    if kind == Question.Kind.ORGANISATION and data.choice and not data.choice.isdigit():
        return _("Välj en partner i listan.")
    if len(data.raw) > 5000 or len(data.comment) > 5000:
        return _("Texten är för lång (högst 5000 tecken).")
    return None


def check_response(
    slots: list[Slot],
    answers: Mapping[str, AnswerData],
    previous: Mapping[tuple[str, int], Decimal],
    *,
    reporting_year: int,
    change_warning_ratio: Decimal = Decimal("0.50"),
) -> list[Problem]:
    """All problems of a response, hard ones first. ``previous`` maps (key, year) to last year's
    (or the earlier year's) value, for the ±50 % rule and the "last year" hint."""
    problems: list[Problem] = []
    empty = AnswerData()

    def add(slot: Slot, message: str, *, hard: bool) -> None:
        problems.append(Problem(slot.field_name, slot.section, slot.label, message, hard))

    by_key_year: dict[tuple[str, int], Decimal | None] = {}
    any_scope_value = False
    for slot in slots:
        data = answers.get(slot.field_name, empty)
        error = field_error(slot, data)
        if error:
            add(slot, error, hard=True)
            continue
        question = slot.question
        if question.is_numeric:
            by_key_year[(question.key, slot.year)] = data.value
            if question.section in {"scope1", "scope2", "scope3"} and data.value is not None:
                any_scope_value = True
        if question.kind == Question.Kind.SCOPE3:
            if not data.choice and data.value is None and not data.not_reported:
                add(slot, _("Ange ett värde eller en status för kategorin."), hard=True)
            elif data.choice == "calculated" and data.value is None:
                add(slot, _("Status ”Beräknad” kräver ett värde."), hard=True)
            continue
        if question.required and not data.is_answered:
            add(slot, _("Frågan måste besvaras."), hard=True)
            continue
        for message in _soft_problems(slot, data, previous, change_warning_ratio):
            add(slot, message, hard=False)
    slot_by_name = {s.field_name: s for s in slots}
    for slot in slots:
        question = slot.question
        found: list[tuple[str, bool]] = []
        if question.key == "scope1_total":
            found = _scope1_breakdown_problems(slot, slots, by_key_year)
        if question.key == "scope2_location":
            found = _scope2_problems(slot, slot_by_name, by_key_year, answers)
        if question.key == "base_year":
            base = by_key_year.get(("base_year", slot.year))
            if base is not None and base > reporting_year:
                found = [(_("Basåret kan inte ligga efter redovisningsåret."), True)]
        if question.key == "period_end":
            found = _fiscal_year_problems(answers)
        if (
            any_scope_value
            and question.key in {"gwp_set", "ef_sources"}
            and not answers.get(slot.field_name, empty).is_answered
        ):
            found = [(_("Ange metod och källor när ni redovisar utsläpp."), True)]
        for message, hard in found:
            add(slot, message, hard=hard)
    problems.sort(key=lambda p: (not p.hard,))
    return problems


def _soft_problems(
    slot: Slot,
    data: AnswerData,
    previous: Mapping[tuple[str, int], Decimal],
    change_warning_ratio: Decimal,
) -> list[str]:
    """Warnings that a comment answers: a very large tonnage, a large change from last year."""
    question = slot.question
    messages = []
    if (
        question.unit == "t CO2e"
        and data.value is not None
        and data.value > LARGE_TONNES
        and not data.comment.strip()
    ):
        # Sweden emits ~45 Mt a year; an organisation above 1 Mt is possible (a steel
        # works) but far more often a kg/t mix-up, so it must be explained.
        messages.append(
            _(
                "Över 1 miljon ton CO2e: kontrollera enheten (ton, inte kg) och förklara i en kommentar."
            )
        )
    if (
        question.is_numeric
        and data.value is not None
        and not data.comment.strip()
        and change_warning_ratio
    ):
        before = previous.get((question.key, slot.year - 1))
        if before is not None and before > 0:
            change = (data.value - before) / before
            if abs(change) > change_warning_ratio:
                messages.append(
                    _(
                        "Värdet har ändrats med %(pct)s %% jämfört med föregående år "
                        "(%(before)s). Förklara ändringen i en kommentar."
                    )
                    % {"pct": f"{change * 100:+.0f}", "before": for_people(before)}
                )
    return messages


def _scope1_breakdown_problems(
    slot: Slot, slots: list[Slot], by_key_year: Mapping[tuple[str, int], Decimal | None]
) -> list[tuple[str, bool]]:
    """Scope 1 breakdown must sum to the total (±0.5 t)."""
    total = by_key_year.get(("scope1_total", slot.year))
    parts = [
        by_key_year.get((s.question.key, slot.year))
        for s in slots
        if s.question.breakdown_of == "scope1_total" and s.year == slot.year
    ]
    given = [p for p in parts if p is not None]
    if total is not None and given and abs(sum(given) - total) > BREAKDOWN_TOLERANCE:
        return [
            (
                _("Delposterna summerar till %(sum)s t men totalen är %(total)s t.")
                % {
                    "sum": for_people(sum(given, Decimal(0))),
                    "total": for_people(total),
                },
                True,
            )
        ]
    return []


def _scope2_problems(
    slot: Slot,
    slot_by_name: Mapping[str, Slot],
    by_key_year: Mapping[tuple[str, int], Decimal | None],
    answers: Mapping[str, AnswerData],
) -> list[tuple[str, bool]]:
    """Scope 2: at least one method or the reason none is given; both methods, or a comment."""
    empty = AnswerData()
    lb = by_key_year.get(("scope2_location", slot.year))
    mb = by_key_year.get(("scope2_market", slot.year))
    reason_slot = slot_by_name.get(slot_name("scope2_not_calculated_reason", slot.year))
    reason = answers.get(reason_slot.field_name, empty).raw if reason_slot else ""
    lb_nr = answers.get(slot.field_name, empty).not_reported
    if lb is None and mb is None and not reason.strip() and not lb_nr:
        return [
            (
                _("Ange scope 2 platsbaserad eller marknadsbaserad, eller varför det saknas."),
                True,
            )
        ]
    if (lb is None) != (mb is None) and not answers.get(slot.field_name, empty).comment.strip():
        return [
            (
                _(
                    "Bara en scope 2-metod är angiven. GHG-protokollet kräver båda där "
                    "ursprungsgarantier finns; förklara i en kommentar."
                ),
                False,
            )
        ]
    return []


def _fiscal_year_problems(answers: Mapping[str, AnswerData]) -> list[tuple[str, bool]]:
    """A broken fiscal year needs both its first and last day, twelve months apart."""
    empty = AnswerData()
    start_raw = answers.get("period_start", empty).raw.strip()
    end_raw = answers.get("period_end", empty).raw.strip()
    if bool(start_raw) != bool(end_raw):
        return [(_("Ange både första och sista dag för brutet räkenskapsår."), True)]
    if start_raw and end_raw:
        try:
            start, end = date.fromisoformat(start_raw), date.fromisoformat(end_raw)
        except ValueError:
            return []
        days = (end - start).days
        if not 364 <= days <= 365:
            return [(_("Räkenskapsåret ska omfatta tolv månader."), True)]
    return []


def answer_from_post(slot: Slot, post: Mapping[str, Any]) -> AnswerData | None:
    """Read one field's inputs from a form post; None when the field was not in the post.

    The inputs of a field ``f`` are ``f`` (text or choice; a list for multi-choice),
    ``f__status`` (scope 3 status), ``f__nr`` (not reported) and ``f__comment``.
    """
    name = slot.field_name
    present = any(k in post for k in (name, f"{name}__comment", f"{name}__status")) or (
        f"{name}__present" in post
    )
    if not present:
        return None

    def first(key: str) -> str:
        value = post.get(key, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value)[:10000].replace("\x00", "")

    kind = slot.question.kind
    data = AnswerData(comment=first(f"{name}__comment"), not_reported=bool(post.get(f"{name}__nr")))
    if kind in {
        Question.Kind.CHOICE,
        Question.Kind.LIKERT,
        Question.Kind.ORGANISATION,
    }:
        data.choice = first(name)[:200]
    elif kind == Question.Kind.MULTI:
        getlist = getattr(post, "getlist", None)
        values = getlist(name) if getlist else post.get(name, [])
        if isinstance(values, str):
            values = [values]
        data.choice = ",".join(str(v).replace(",", "") for v in values if v)[:200]
    elif kind == Question.Kind.SCOPE3:
        data.raw = first(name)
        data.choice = first(f"{name}__status")[:200]
    else:
        data.raw = first(name)
    return data
