"""Writes for the annual survey: rounds, saving answers, the response state machine, deadline
extensions, reminders and manual indicator values.

State machine (survey-and-ghg.md §4): not started → draft → submitted (locked) → reopened (by the
office, with a reason) → submitted → approved. Drafts keep whatever was typed, valid or not;
rules are checked on submit. Concurrent edits: each field carries the version it was loaded
with and is written with a conditional UPDATE, so a stale save is refused for that field and
both values are handed back (nothing typed is lost).

Every change that affects indicators (approve, reopen of an approved response, a manual value)
schedules a recompute after commit (``tasks.recompute_indicators``).
"""

from __future__ import annotations

from surveys.services.answers import (
    LOCKED_MESSAGE,
    Conflict,
    SaveResult,
    SubmissionBlocked,
    _editor,
    save_answers,
)
from surveys.services.indicators import (
    MANUAL_LIMITS,
    check_manual_value,
    create_default_indicators,
    decide_boundary,
    remove_boundary_decision,
    schedule_recompute,
    set_manual_value,
)
from surveys.services.reminders import current_offset, send_due_reminders, send_reminder
from surveys.services.responses import (
    approve_response,
    extend_deadline,
    reopen_response,
    response_problems,
    submit_response,
)
from surveys.services.rounds import create_round

__all__ = [
    "LOCKED_MESSAGE",
    "MANUAL_LIMITS",
    "Conflict",
    "SaveResult",
    "SubmissionBlocked",
    "_editor",
    "approve_response",
    "check_manual_value",
    "create_default_indicators",
    "create_round",
    "current_offset",
    "decide_boundary",
    "extend_deadline",
    "remove_boundary_decision",
    "reopen_response",
    "response_problems",
    "save_answers",
    "schedule_recompute",
    "send_due_reminders",
    "send_reminder",
    "set_manual_value",
    "submit_response",
]
