"""Small helpers for the survey tests: fill in a valid response through the services."""

from __future__ import annotations

from typing import Any

from surveys import selectors, services
from surveys.models import Response, SurveyRound
from surveys.rules import AnswerData


def valid_answers(survey_round: SurveyRound, scope1: str = "100") -> dict[str, AnswerData]:
    """A complete, valid answer for every required input of the default questionnaire."""
    answers: dict[str, AnswerData] = {
        "consolidation_approach": AnswerData(choice="operational_control"),
        "geographic_scope": AnswerData(choice="umea"),
        "base_year": AnswerData(raw="2022"),
        "gwp_set": AnswerData(choice="ar6"),
        "ef_sources": AnswerData(choice="naturvardsverket"),
    }
    for year in survey_round.years():
        answers[f"scope1_total__{year}"] = AnswerData(raw=scope1)
        answers[f"scope2_location__{year}"] = AnswerData(raw="10")
        answers[f"scope2_market__{year}"] = AnswerData(raw="40")
        for n in range(1, 16):
            answers[f"scope3_c{n}__{year}"] = AnswerData(choice="not_relevant")
    for n in range(1, 9):
        answers[f"enabling_{n}"] = AnswerData(choice="4")
    return answers


def save(
    survey_round: SurveyRound,
    organisation: Any,
    user: Any,
    answers: dict[str, AnswerData],
    versions: dict[str, int] | None = None,
) -> services.SaveResult:
    state = selectors.get_form_state(survey_round, organisation)
    current = versions if versions is not None else state.versions
    posted = {name: (data, current.get(name, 0)) for name, data in answers.items()}
    return services.save_answers(
        survey_round=survey_round,
        organisation=organisation,
        slots=state.slots,
        posted=posted,
        by=user,
    )


def fill_and_submit(survey_round: SurveyRound, organisation: Any, user: Any, **kw: Any) -> Response:
    save(survey_round, organisation, user, valid_answers(survey_round, **kw))
    state = selectors.get_form_state(survey_round, organisation)
    return services.submit_response(state=state, by=user)
