"""Reads of the activities app, by concern: activity cards and lists (:mod:`.activities`), the
dashboard (:mod:`.dashboard`), meetings and the counts other apps use (:mod:`.meetings`).

Selectors return querysets, or plain dataclasses where a page needs figures no queryset holds
(the dashboard, follow-up rows). Callers use ``from activities import selectors``.
"""

from activities.selectors.activities import (
    CARD_PREFETCHES,
    CARD_TEXT_FIELDS,
    ActivityFilters,
    ActivityRow,
    apply_filters,
    filter_activities,
    filter_signal,
    get_activity,
    list_activities,
    list_activity_rows,
    list_cards,
    list_open_proposals,
    read_rows,
    signal_of,
    visible_activities,
    with_facts,
    with_signals,
)
from activities.selectors.dashboard import ATTENTION_MAX, TIMELINE_MAX, Dashboard, dashboard
from activities.selectors.meetings import (
    activity_counts,
    attended_intro_meeting,
    calendar_meetings_for,
    get_meeting,
    list_attendance_people,
    list_meeting_invitations,
    list_meetings,
    list_organisation_activities,
    list_organisation_meetings,
    meeting_attendance_counts,
    upcoming_meetings_for,
)

__all__ = [
    "ATTENTION_MAX",
    "CARD_PREFETCHES",
    "CARD_TEXT_FIELDS",
    "TIMELINE_MAX",
    "ActivityFilters",
    "ActivityRow",
    "Dashboard",
    "activity_counts",
    "apply_filters",
    "attended_intro_meeting",
    "calendar_meetings_for",
    "dashboard",
    "filter_activities",
    "filter_signal",
    "get_activity",
    "get_meeting",
    "list_activities",
    "list_activity_rows",
    "list_attendance_people",
    "list_cards",
    "list_meeting_invitations",
    "list_meetings",
    "list_open_proposals",
    "list_organisation_activities",
    "list_organisation_meetings",
    "meeting_attendance_counts",
    "read_rows",
    "signal_of",
    "upcoming_meetings_for",
    "visible_activities",
    "with_facts",
    "with_signals",
]
