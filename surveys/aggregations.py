"""Pure pandas aggregations of approved process answers: shares and Likert items (§5).

Every emissions figure (sums, panels, path checks, scope 3) lives in :mod:`surveys.figures`;
this module keeps only the non-emissions summaries. Nothing here touches the ORM.

Input frames (one row per organisation, year and question key):

* ``values``: ``organisation_id`` int, ``year`` int, ``key`` str, ``value`` float — numeric answers;
  "not reported" and empty answers are simply absent, so 0 stays a real 0.
* ``choices``: ``organisation_id``, ``year``, ``key``, ``choice`` str — e.g. Likert answers.
* ``expected``: ``year``, ``n_total`` — how many organisations were asked that year (coverage).

Number representation: answers are stored as Decimal (3 decimals). For speed over millions of
rows we compute in float64 here and the caller rounds every result back to a 3-decimal Decimal
before storing or showing it (``to_decimal``). With t CO2e below 1e8 per organisation, float64
keeps about 15 significant digits, far more than the 3 decimals we keep.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

LIKERT_SCALE = ["1", "2", "3", "4", "5"]
DONT_KNOW = "dk"
MIN_GROUP = 3

SUM_COLUMNS = ["key", "year", "value", "n", "n_total", "suppressed"]


def to_decimal(value: Any, places: int = 3) -> Decimal | None:
    """A float (or NaN) from a computation, rounded back to a Decimal for storage or display."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def values_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a ``values`` frame from ``{"organisation_id", "year", "key", "value"}`` records."""
    frame = pd.DataFrame.from_records(
        list(records), columns=["organisation_id", "year", "key", "value"]
    )
    return frame.astype(
        {"organisation_id": "int64", "year": "int64", "key": "object", "value": "float64"}
    )


def _coverage(expected: pd.DataFrame, years: pd.Series) -> pd.Series:
    totals = expected.set_index("year")["n_total"]
    return years.map(totals).fillna(0).astype("int64")


def _suppress(frame: pd.DataFrame, min_group: int, columns: list[str]) -> pd.DataFrame:
    frame["suppressed"] = frame["n"] < min_group
    frame.loc[frame["suppressed"], columns] = np.nan
    return frame


def share_answered(
    answered: pd.DataFrame,
    expected: pd.DataFrame,
    keys: list[str],
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Per key and year: the percentage of expected organisations that gave an answer
    (e.g. "share with a public climate report"). ``answered``: organisation_id, year, key."""
    subset = answered[answered["key"].isin(keys)].drop_duplicates(
        ["organisation_id", "year", "key"]
    )
    grouped = subset.groupby(["key", "year"], sort=True).size().rename("n").reset_index()
    grouped["n_total"] = _coverage(expected, grouped["year"])
    grouped["value"] = np.where(
        grouped["n_total"] > 0, 100.0 * grouped["n"] / grouped["n_total"].clip(lower=1), np.nan
    )
    grouped = _suppress(grouped, min_group, ["value"])
    return grouped[SUM_COLUMNS].reset_index(drop=True)


def likert_summary(
    choices: pd.DataFrame,
    expected: pd.DataFrame,
    keys: list[str],
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Per Likert item and year (§5): n on the scale, "vet ej" count, % per category, top-2-box,
    bottom-2-box and median. "Vet ej / ej tillämpligt" is kept out of the percentages."""
    subset = choices[choices["key"].isin(keys)]
    dont_know = (
        subset[subset["choice"] == DONT_KNOW].groupby(["key", "year"]).size().rename("n_dont_know")
    )
    scale = subset[subset["choice"].isin(LIKERT_SCALE)]
    counts = (
        scale.groupby(["key", "year", "choice"])
        .size()
        .unstack("choice", fill_value=0)
        .reindex(columns=LIKERT_SCALE, fill_value=0)
    )
    counts.columns = [f"count_{c}" for c in LIKERT_SCALE]
    index = counts.index.union(dont_know.index)
    frame = counts.reindex(index, fill_value=0)
    frame["n_dont_know"] = dont_know.reindex(index, fill_value=0)
    count_cols = [f"count_{c}" for c in LIKERT_SCALE]
    n = frame[count_cols].sum(axis=1)
    frame["n"] = n
    safe_n = n.where(n > 0)
    for c in LIKERT_SCALE:
        frame[f"pct_{c}"] = 100.0 * frame[f"count_{c}"] / safe_n
    frame["top2"] = frame["pct_4"] + frame["pct_5"]
    frame["bottom2"] = frame["pct_1"] + frame["pct_2"]
    # Median of an ordinal item: the first category whose cumulative share reaches 50 %.
    cumulative = frame[count_cols].cumsum(axis=1).to_numpy(dtype="float64")
    half = (n.to_numpy(dtype="float64") / 2.0)[:, None]
    reached = cumulative >= half
    first = reached.argmax(axis=1).astype("float64") + 1.0
    frame["median"] = np.where(n.to_numpy() > 0, first, np.nan)
    frame = frame.reset_index()
    frame["n_total"] = _coverage(expected, frame["year"])
    pct_cols = [f"pct_{c}" for c in LIKERT_SCALE]
    frame = _suppress(frame, min_group, [*pct_cols, "top2", "bottom2", "median"])
    columns = [
        "key",
        "year",
        "n",
        "n_dont_know",
        "n_total",
        *pct_cols,
        "top2",
        "bottom2",
        "median",
        "suppressed",
    ]
    return frame[columns].sort_values(["key", "year"]).reset_index(drop=True)
