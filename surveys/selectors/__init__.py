"""Reads for the survey: rounds, responses, the form page and indicator follow-up.

Public selectors for other apps (reports, issue 6):

* :func:`indicator_followup` ``(year=None, *, organisation=None)`` — every indicator with its
  stored partnership values (and, with ``organisation``, that organisation's own values) per
  year, its targets and its goal. Values are the precomputed :class:`IndicatorValue` rows
  (aggregates are computed when data changes, never per page view). Suppressed aggregates
  (fewer than 3 organisations) carry ``value=None`` and ``suppressed=True``.
* :func:`organisation_emissions_series` ``(organisation)`` — the organisation's own S1 + S2
  series against the 20 % path and its own target, as stored from ``surveys.figures``: a list
  of dicts per year with ``emissions``, ``path``, ``gap``, ``on_path``, ``average_rate``,
  ``required_rate`` and ``own_target`` (Decimals or None).
* :func:`figure_inputs` — everything :mod:`surveys.figures` reads (the one module that owns the
  emissions arithmetic), in a fixed number of queries; call ``surveys.figures`` rather than this.

Access is decided by the caller's policy check; selectors that list things take ``visible_to=``.
"""

from __future__ import annotations

from surveys.selectors.followup import (
    EMISSIONS_INDICATOR,
    indicator_followup,
    organisation_emissions_series,
)
from surveys.selectors.form import (
    FieldView,
    FormState,
    SectionView,
    commitment_challenges,
    commitment_challenges_by_organisation,
    get_form_state,
    get_response_for,
    locked_answer_rows,
    organisation_by_pk,
    partner_choices,
    previous_values,
    round_for_form,
    round_questions,
)
from surveys.selectors.frames import approved_values_frame, expected_frame, figure_inputs
from surveys.selectors.rounds import (
    EXPECTED_STATUSES,
    current_period,
    deadline_for,
    expected_organisations,
    followup_settings,
    latest_round,
    list_my_responses,
    list_rounds,
    organisation_groups,
    rounds_with_deadline,
)
from surveys.selectors.tracking import (
    boundary_review,
    filter_rows,
    last_edit,
    missing_required_counts,
    reminder_log,
    round_overview,
    state_counts,
    tracker_organisations,
    tracker_rows,
    tracker_state_counts,
)

__all__ = [
    "EMISSIONS_INDICATOR",
    "EXPECTED_STATUSES",
    "FieldView",
    "FormState",
    "SectionView",
    "approved_values_frame",
    "boundary_review",
    "commitment_challenges",
    "commitment_challenges_by_organisation",
    "current_period",
    "deadline_for",
    "expected_frame",
    "expected_organisations",
    "figure_inputs",
    "filter_rows",
    "followup_settings",
    "get_form_state",
    "get_response_for",
    "indicator_followup",
    "last_edit",
    "latest_round",
    "list_my_responses",
    "list_rounds",
    "locked_answer_rows",
    "missing_required_counts",
    "organisation_by_pk",
    "organisation_emissions_series",
    "organisation_groups",
    "partner_choices",
    "previous_values",
    "reminder_log",
    "round_for_form",
    "round_overview",
    "round_questions",
    "rounds_with_deadline",
    "state_counts",
    "tracker_organisations",
    "tracker_rows",
    "tracker_state_counts",
]
