"""Helpers shared by the figures: wide frames, suppression, scope sums and the path."""

from __future__ import annotations

import pandas as pd

from surveys.figures.inputs import BASE_KEYS, Inputs, included_set, reporters

# The base-year answers of an own target's scopes ("scope3" = Σ calculated categories).
OWN_BASE_KEYS = BASE_KEYS | {"scope3": "base_scope3"}

# --- partnership figures ---------------------------------------------------------------------


def _wide(inputs: Inputs, year: int) -> pd.DataFrame:
    frame = inputs.values[inputs.values["year"] == year]
    if frame.empty:
        return pd.DataFrame()
    return frame.pivot_table(
        index="organisation_id", columns="key", values="value", aggfunc="first"
    )


def _suppressed(inputs: Inputs, n: int) -> bool:
    return n < inputs.min_group


def scope_sum(inputs: Inputs, key: str, year: int) -> tuple[float, list[int], list[int]]:
    """Σ key over o ∈ P(y), not inc(o, y): (sum, organisations included, left out as included)."""
    members = reporters(inputs, year)
    inside = included_set(inputs, year)
    frame = inputs.values[(inputs.values["year"] == year) & (inputs.values["key"] == key)]
    frame = frame[frame["organisation_id"].isin(members)]
    counted = frame[~frame["organisation_id"].isin(inside)]
    left_out = frame[frame["organisation_id"].isin(inside)]
    return (
        float(counted["value"].sum()),
        sorted(int(o) for o in counted["organisation_id"]),
        sorted(int(o) for o in left_out["organisation_id"]),
    )


def path_target(base: float, rate: float, steps: int) -> float:
    return base * (1.0 - rate) ** steps
