"""Every emissions figure the partnership publishes (issue 16; docs/figures.md).

:mod:`surveys.figures.compute` holds the arithmetic (pure pandas); this module reads the inputs
once through ``surveys.selectors.figure_inputs`` and is what pages, exports and the reports call:

* :func:`partnership_figures` ``(year)`` → list of :class:`Figure`;
* :func:`organisation_figures` ``(organisation_id, year)`` → :class:`OrganisationFigures` or None;
* :func:`organisation_series` ``(organisation_id)`` → one :class:`OrganisationFigures` per year;
* :func:`likert_by_group` ``(year, group)`` → DataFrame, cells under 3 organisations suppressed.

Figures are computed from the approved answers when asked (a fraction of a second at
partnership size), so they are never stale; the stored indicator values are recomputed by
``tasks.recompute_indicators`` from the same functions.
"""

from __future__ import annotations

import pandas as pd

from surveys.figures.compute import likert_by_group as _likert_by_group
from surveys.figures.compute import organisation_figures as compute_organisation
from surveys.figures.compute import partnership_figures as compute_partnership
from surveys.figures.inputs import (
    Figure,
    Inputs,
    OrganisationFigures,
    PathCheck,
    Scope3Category,
    boundary_changes,
)
from surveys.figures.output import (
    figure_label,
    figure_note,
    organisations_csv,
    partnership_csv,
    path_check_label,
    write_csv,
)

__all__ = [
    "Figure",
    "Inputs",
    "OrganisationFigures",
    "PathCheck",
    "Scope3Category",
    "boundary_changes",
    "compute_organisation",
    "compute_partnership",
    "figure_label",
    "figure_note",
    "likert_by_group",
    "load_inputs",
    "organisation_figures",
    "organisation_series",
    "organisations_csv",
    "partnership_csv",
    "partnership_figures",
    "path_check_label",
    "write_csv",
]


def load_inputs() -> Inputs:
    from surveys import selectors  # here: selectors import compute lazily too

    inputs: Inputs = selectors.figure_inputs()
    return inputs


def partnership_figures(year: int, inputs: Inputs | None = None) -> list[Figure]:
    return compute_partnership(inputs or load_inputs(), year)


def organisation_figures(
    organisation_id: int, year: int, inputs: Inputs | None = None
) -> OrganisationFigures | None:
    return compute_organisation(inputs or load_inputs(), organisation_id, year)


def organisation_series(
    organisation_id: int, inputs: Inputs | None = None
) -> list[OrganisationFigures]:
    inputs = inputs or load_inputs()
    frame = inputs.responses
    years = sorted({int(y) for y in frame.loc[frame["organisation_id"] == organisation_id, "year"]})
    result = []
    for year in years:
        found = compute_organisation(inputs, organisation_id, year)
        if found is not None:
            result.append(found)
    return result


def likert_by_group(year: int, group: str, inputs: Inputs | None = None) -> pd.DataFrame:
    from surveys import selectors
    from surveys.questionnaire import ENABLING_STATEMENTS

    inputs = inputs or load_inputs()
    keys = [f"enabling_{n}" for n in range(1, len(ENABLING_STATEMENTS) + 1)]
    choices = inputs.choices[inputs.choices["year"] == year]
    return _likert_by_group(
        choices, selectors.organisation_groups(group), keys, min_group=inputs.min_group
    )
