"""The annual survey and the indicators it feeds.

* :class:`SurveyRound` — one per survey year (Q1), with its questionnaire of :class:`Question` rows
  whose ``key`` stays the same across years (survey-and-ghg.md §4 "stable IDs").
* :class:`Response` — one per organisation and round, shared by all its contacts, with a state
  machine (not started → draft → submitted → reopened → submitted → approved) and a log
  (:class:`ResponseEvent`).
* :class:`Answer` — one value per question, data year and (for commitment follow-up) challenge.
  ``raw`` keeps exactly what was typed so a draft is never lost; ``value`` is the parsed
  Decimal; ``not_reported`` is an explicit "ej rapporterat", never the same as 0.
* :class:`Indicator`, :class:`IndicatorTarget`, :class:`ManualIndicatorValue` and the computed
  :class:`IndicatorValue` rows that follow-up pages and reports read.

Numbers are ``DecimalField`` throughout (t CO2e with 3 decimals); floats never reach the database.
"""

from __future__ import annotations

from surveys.models.indicators import (
    BoundaryDecision,
    FollowUpSettings,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ManualIndicatorValue,
)
from surveys.models.responses import Answer, DeadlineExtension, Response, ResponseEvent
from surveys.models.rounds import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Question,
    SurveyRound,
    default_escalation_offsets,
    default_reminder_offsets,
)

__all__ = [
    "VALUE_DIGITS",
    "VALUE_PLACES",
    "Answer",
    "BoundaryDecision",
    "DeadlineExtension",
    "FollowUpSettings",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "ManualIndicatorValue",
    "Question",
    "Response",
    "ResponseEvent",
    "SurveyRound",
    "default_escalation_offsets",
    "default_reminder_offsets",
]
