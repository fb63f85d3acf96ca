"""Views of the survey: partners fill in, the office runs rounds, everyone entitled follows up."""

from __future__ import annotations

from surveys.views.followup import FollowUpView, manual_value_save
from surveys.views.office import (
    RoundCreateView,
    RoundDetailView,
    RoundExportView,
    RoundListView,
    RoundUpdateView,
    deadline_extend,
    reminder_send,
    response_approve,
    response_reopen,
)
from surveys.views.partner import UNANSWERED, MyResponsesView, ResponseFormView, ResponseSubmitView

__all__ = [
    "UNANSWERED",
    "FollowUpView",
    "MyResponsesView",
    "ResponseFormView",
    "ResponseSubmitView",
    "RoundCreateView",
    "RoundDetailView",
    "RoundExportView",
    "RoundListView",
    "RoundUpdateView",
    "deadline_extend",
    "manual_value_save",
    "reminder_send",
    "response_approve",
    "response_reopen",
]
