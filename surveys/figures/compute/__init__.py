"""The arithmetic of every published emissions figure (survey-and-ghg.md §1.6, §1.7, §3.3).

Pure pandas: :class:`Inputs` (frames read once by ``surveys.selectors.figure_inputs``) go in,
dataclasses come out. ``docs/figures.md`` defines each figure and works the scenarios the tests
assert. The rules, in one place:

* ``P(y)``: organisations with an approved response covering year y;
* ``inc(o, y)``: o's figures for y are inside another partner's report, from o's own answer
  ("included_in_partner", valid for every year that response covers, base years included) or
  from the office's group relation "Redovisas i rapporten från" valid in y;
* sums per scope, each alone (scope 1 and scope 2 are never added across partners, §1.6.2);
* scope 3 only as per-category distributions, never summed across partners (§1.6.3);
* panel changes on the like-for-like panel from the period's base year, leaving out joiners,
  overlaps and organisations whose boundary changed without a recalculated base (§1.7).

Numbers are float64 (t CO2e below 1e8 keeps ~15 significant digits); callers round for display.
"""

from __future__ import annotations

from surveys.figures.compute.common import OWN_BASE_KEYS, path_target, scope_sum
from surveys.figures.compute.likert import LIKERT_SCALE, likert_by_group
from surveys.figures.compute.organisation import (
    emissions_on,
    organisation_figures,
    path_check,
    required_rate,
)
from surveys.figures.compute.partnership import PanelMember, panel, partnership_figures
from surveys.figures.compute.targets import own_target, own_target_base

__all__ = [
    "LIKERT_SCALE",
    "OWN_BASE_KEYS",
    "PanelMember",
    "emissions_on",
    "likert_by_group",
    "organisation_figures",
    "own_target",
    "own_target_base",
    "panel",
    "partnership_figures",
    "path_check",
    "path_target",
    "required_rate",
    "scope_sum",
]
