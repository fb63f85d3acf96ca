"""Parsing and validation rules (pure Python)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from surveys.models import Question
from surveys.rules import AnswerData, Slot, check_response, parse_number

TONNES = Question(kind="decimal", min_value=Decimal(0), max_value=Decimal("100000000"))


@pytest.mark.parametrize(
    ("raw", "value", "error"),
    [
        ("1234,5", Decimal("1234.5"), None),
        ("1 234,5", Decimal("1234.5"), None),
        ("1\u00a0234.5", Decimal("1234.5"), None),
        ("0", Decimal("0"), None),
        ("", None, None),
        ("-3", None, "Värdet får inte vara negativt."),
        ("tio", None, "Ange ett tal, t.ex. 1234,5."),
        ("1e5", None, "Ange ett tal, t.ex. 1234,5."),
        ("0,0001", None, "Ange högst tre decimaler."),
        ("999999999999", None, "Värdet är orimligt stort (högst 100000000)."),
    ],
)
def test_parse_number(raw: str, value: Decimal | None, error: str | None) -> None:
    assert parse_number(TONNES, raw) == (value, error)


def _slots(*questions: Question, years: tuple[int, ...] = (2023,)) -> list[Slot]:
    slots = []
    for q in questions:
        if q.per_year:
            slots += [Slot(f"{q.key}__{y}", q, y) for y in years]
        else:
            slots.append(Slot(q.key, q, years[-1]))
    return slots


def test_scope3_needs_value_or_status_and_calculated_needs_value() -> None:
    q = Question(key="scope3_c1", kind="scope3", section="scope3", per_year=True,
                 choices=[["calculated", "B"], ["not_relevant", "I"]], min_value=Decimal(0))  # fmt: skip
    slots = _slots(q)
    assert [p.message for p in check_response(slots, {}, {}, reporting_year=2023)] == [
        "Ange ett värde eller en status för kategorin."
    ]
    answers = {"scope3_c1__2023": AnswerData(choice="calculated")}
    assert [p.message for p in check_response(slots, answers, {}, reporting_year=2023)] == [
        "Status ”Beräknad” kräver ett värde."
    ]
    answers = {"scope3_c1__2023": AnswerData(choice="not_relevant")}
    assert check_response(slots, answers, {}, reporting_year=2023) == []


def test_base_year_after_reporting_year_is_a_hard_error() -> None:
    q = Question(key="base_year", kind="integer", section="base_year")
    problems = check_response(
        _slots(q), {"base_year": AnswerData(raw="2030")}, {}, reporting_year=2023
    )
    assert [(p.message, p.hard) for p in problems] == [
        ("Basåret kan inte ligga efter redovisningsåret.", True)
    ]


def test_change_warning_uses_last_years_value_and_a_comment_clears_it() -> None:
    q = Question(key="employees_fte", kind="decimal", section="normalisers", per_year=True)
    slots = _slots(q, years=(2024,))
    previous = {("employees_fte", 2023): Decimal(100)}
    answers = {"employees_fte__2024": AnswerData(raw="40")}
    [problem] = check_response(slots, answers, previous, reporting_year=2024)
    assert problem.hard is False
    assert "-60 %" in problem.message
    answers["employees_fte__2024"].comment = "Omorganisation"
    assert check_response(slots, answers, previous, reporting_year=2024) == []


def test_reminder_task_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["survey-reminders"]
    assert entry["task"] == "surveys.tasks.send_survey_reminders"
