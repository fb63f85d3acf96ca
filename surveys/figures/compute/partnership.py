"""Partnership figures over the panel of organisations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveys.figures.compute.common import _suppressed, path_target, scope_sum
from surveys.figures.compute.targets import _own_target_share, _scope3_figures
from surveys.figures.inputs import (
    COUNT,
    FRACTION,
    TOLERANCE,
    TONNES,
    Figure,
    Inputs,
    base_value,
    included_set,
    reporters,
    scope2_key,
    value_of,
)


@dataclass(frozen=True)
class PanelMember:
    organisation_id: int
    base: float
    current: float


def panel(inputs: Inputs, keys: list[str], year: int) -> tuple[list[PanelMember], int, int]:
    """The like-for-like panel from the base year to ``year`` for the sum of ``keys`` (one
    organisation's own scopes): (members, left out as included, left out as not comparable).

    A member is in P(base) and P(year), not inc in either year, reported every key in ``year``
    and has a base value for every key (its recalculated one where given)."""
    base_year = inputs.base_year
    if year <= base_year:
        return [], 0, 0
    both = reporters(inputs, base_year) & reporters(inputs, year)
    inside = set(included_set(inputs, base_year)) | set(included_set(inputs, year))
    members: list[PanelMember] = []
    n_included = n_not_comparable = 0
    for organisation_id in sorted(both):
        currents = [value_of(inputs, organisation_id, key, year) for key in keys]
        if any(v is None for v in currents):
            continue
        bases = [base_value(inputs, organisation_id, key, year) for key in keys]
        if not all(comparable for _v, comparable in bases):
            n_not_comparable += 1
            continue
        if any(v is None for v, _c in bases):
            continue
        if organisation_id in inside:
            n_included += 1
            continue
        members.append(
            PanelMember(
                organisation_id,
                float(sum(v for v, _c in bases if v is not None)),
                float(sum(v for v in currents if v is not None)),
            )
        )
    return members, n_included, n_not_comparable


def partnership_figures(inputs: Inputs, year: int) -> list[Figure]:
    """Every partnership figure for ``year`` (keys: docs/figures.md)."""
    n_partners = int(inputs.n_partners.get(year, 0))
    members = reporters(inputs, year)
    figures: list[Figure] = [
        Figure("responses", year, float(len(members)), COUNT, len(members), n_partners)
    ]
    figures += _scope_sums(inputs, year, n_partners)
    if year > inputs.base_year:
        figures += _panel_changes(inputs, year, n_partners)
        figures += _partner_change_figures(inputs, year, n_partners)
    figures.append(_own_target_share(inputs, year, members, n_partners))
    figures += _scope3_figures(inputs, year, members, n_partners)
    return figures


def _scope_sums(inputs: Inputs, year: int, n_partners: int) -> list[Figure]:
    """The year's sum of scope 1 and of scope 2 by either method."""
    figures: list[Figure] = []
    for key, figure_key, scopes, scope2 in (
        ("scope1_total", "scope1_sum", "1", ""),
        ("scope2_location", "scope2_location_sum", "2", "location"),
        ("scope2_market", "scope2_market_sum", "2", "market"),
    ):
        total, counted, left_out = scope_sum(inputs, key, year)
        suppressed = _suppressed(inputs, len(counted))
        figures.append(
            Figure(
                figure_key,
                year,
                None if suppressed else total,
                TONNES,
                len(counted),
                n_partners,
                left_out_included=len(left_out),
                scopes=scopes,
                scope2_method=scope2,
                suppressed=suppressed,
            )
        )
    return figures


def _panel_changes(inputs: Inputs, year: int, n_partners: int) -> list[Figure]:
    """Each scope's change since the base year, over the organisations that reported both."""
    figures: list[Figure] = []
    for key, figure_key, scopes, scope2 in (
        ("scope1_total", "scope1_panel_change", "1", ""),
        ("scope2_location", "scope2_location_panel_change", "2", "location"),
        ("scope2_market", "scope2_market_panel_change", "2", "market"),
    ):
        group, n_inc, n_nc = panel(inputs, [key], year)
        base_sum = sum(m.base for m in group)
        value = sum(m.current for m in group) / base_sum - 1.0 if base_sum > 0 else None
        suppressed = _suppressed(inputs, len(group))
        figures.append(
            Figure(
                figure_key,
                year,
                None if suppressed else value,
                FRACTION,
                len(group),
                n_partners,
                n_inc,
                n_nc,
                scopes,
                scope2,
                True,
                inputs.base_year,
                suppressed,
            )
        )
    return figures


def _partner_change_figures(inputs: Inputs, year: int, n_partners: int) -> list[Figure]:
    """The median partner's change of scope 1 + 2 and the share of partners on the path."""
    method = inputs.scope2_method
    figures: list[Figure] = []
    group, n_inc, n_nc = panel(inputs, ["scope1_total", scope2_key(method)], year)
    changes = [m.current / m.base - 1.0 for m in group if m.base > 0]
    steps = year - inputs.base_year
    on_path = [m.current <= path_target(m.base, inputs.rate, steps) + TOLERANCE for m in group]
    suppressed = _suppressed(inputs, len(group))
    figures.append(
        Figure(
            "median_partner_change",
            year,
            None if suppressed or not changes else float(np.median(changes)),
            FRACTION,
            len(changes),
            n_partners,
            n_inc,
            n_nc,
            "1+2",
            method,
            True,
            inputs.base_year,
            suppressed,
        )
    )
    figures.append(
        Figure(
            "on_path_share",
            year,
            None if suppressed or not group else sum(on_path) / len(group),
            FRACTION,
            len(group),
            n_partners,
            n_inc,
            n_nc,
            "1+2",
            method,
            True,
            inputs.base_year,
            suppressed,
        )
    )
    return figures
