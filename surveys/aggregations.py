"""Pure pandas aggregations of approved survey answers (survey-and-ghg.md §1.6, §3, §5).

Nothing here touches the ORM: DataFrames (or records) go in, DataFrames come out. The service
(`surveys.indicators`) loads the frames through selectors and stores the results.

Input frames (one row per organisation, year and question key):

* ``values``: ``organisation_id`` int, ``year`` int, ``key`` str, ``value`` float — numeric answers;
  "not reported" and empty answers are simply absent, so 0 stays a real 0.
* ``choices``: ``organisation_id``, ``year``, ``key``, ``choice`` str — e.g. Likert answers.
* ``overlaps``: ``organisation_id``, ``year``, ``included_in`` — "our figures are included in
  partner X's report"; such rows are left out of sums when X reported the same key (§6.7).
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


def deduplicate(values: pd.DataFrame, overlaps: pd.DataFrame) -> pd.DataFrame:
    """Drop an organisation's value when the partner it is included in reported the same key
    in the same year (e.g. a municipal company inside the kommun's group report)."""
    if overlaps.empty or values.empty:
        return values
    pairs = overlaps[["organisation_id", "year", "included_in"]]
    merged = values.merge(pairs, on=["organisation_id", "year"], how="left")
    parents = values[["organisation_id", "year", "key"]].rename(
        columns={"organisation_id": "included_in"}
    )
    parents = parents.assign(parent_reported=True)
    merged = merged.merge(parents, on=["included_in", "year", "key"], how="left")
    keep = merged["parent_reported"].isna().to_numpy()
    return values.loc[keep].reset_index(drop=True)


def scope_sums(
    values: pd.DataFrame,
    overlaps: pd.DataFrame,
    expected: pd.DataFrame,
    keys: list[str],
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Per key and year: the sum over reporting organisations after removing group overlaps.

    Each key is summed on its own; scope 1 and scope 2 are never added together (§1.6.2), and
    scope 3 should not be passed here at all (§1.6.3, use :func:`medians`).
    """
    subset = values[values["key"].isin(keys)]
    subset = deduplicate(subset, overlaps)
    grouped = (
        subset.groupby(["key", "year"], sort=True)["value"]
        .agg(value="sum", n="count")
        .reset_index()
    )
    grouped["n_total"] = _coverage(expected, grouped["year"])
    grouped = _suppress(grouped, min_group, ["value"])
    return grouped[SUM_COLUMNS].reset_index(drop=True)


def medians(
    values: pd.DataFrame,
    expected: pd.DataFrame,
    keys: list[str],
    *,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Per key and year: the median organisation (scope 3 categories, normalisers, …)."""
    subset = values[values["key"].isin(keys)]
    grouped = (
        subset.groupby(["key", "year"], sort=True)["value"]
        .agg(value="median", n="count")
        .reset_index()
    )
    grouped["n_total"] = _coverage(expected, grouped["year"])
    grouped = _suppress(grouped, min_group, ["value"])
    return grouped[SUM_COLUMNS].reset_index(drop=True)


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


def emissions_series(values: pd.DataFrame, scope2_method: str = "market") -> pd.DataFrame:
    """Per organisation and year: scope 1 + scope 2 (one method, per the period's setting, §6.3).

    Adding one organisation's own scope 1 and scope 2 is correct; what we never do is add
    different organisations' scopes together as "the partnership's emissions" (§1.6).
    Organisation-years missing either figure are left out rather than counted as zero.
    """
    scope2_key = "scope2_market" if scope2_method == "market" else "scope2_location"
    subset = values[values["key"].isin(["scope1_total", scope2_key])]
    wide = subset.pivot_table(
        index=["organisation_id", "year"], columns="key", values="value", aggfunc="first"
    )
    if "scope1_total" not in wide.columns or scope2_key not in wide.columns:
        return pd.DataFrame(
            {
                "organisation_id": pd.Series(dtype="int64"),
                "year": pd.Series(dtype="int64"),
                "emissions": pd.Series(dtype="float64"),
            }
        )
    wide = wide.dropna(subset=["scope1_total", scope2_key])
    result = (wide["scope1_total"] + wide[scope2_key]).rename("emissions").reset_index()
    return result.astype({"organisation_id": "int64", "year": "int64", "emissions": "float64"})


PATHWAY_COLUMNS = [
    "organisation_id",
    "year",
    "emissions",
    "base_emissions",
    "path",
    "gap",
    "on_path",
    "annual_change",
    "average_rate",
    "required_rate",
]


def pathway(
    series: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    budget: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """The yearly checks of §3.3 for each organisation's emissions series.

    * ``path`` = E_base × (1 − rate)^(y − base): the fixed reference path (§3.2);
    * ``gap`` = E(y) − path; ``on_path`` = E(y) ≤ path;
    * ``annual_change`` = (E(y−1) − E(y)) / E(y−1), a reduction is positive;
    * ``average_rate`` = 1 − (E(y)/E_base)^(1/(y − base)) (CAGR since the base year);
    * ``required_rate`` = 1 − exp(−E(y) / B_remaining(y)) with B_remaining = B − Σ actual for
      base < t ≤ y. B is ``budget[organisation_id]`` where the office entered one, otherwise the
      budget the fixed path implies, E_base × (1 − rate) / rate. A spent budget gives 1.0.

    Organisations without a base-year value get no path (NaN), but keep their rows.
    """
    if series.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PATHWAY_COLUMNS})
    frame = series.sort_values(["organisation_id", "year"]).reset_index(drop=True)
    base = frame.loc[frame["year"] == base_year].set_index("organisation_id")["emissions"]
    frame["base_emissions"] = frame["organisation_id"].map(base)
    steps = (frame["year"] - base_year).astype("float64")
    frame["path"] = (frame["base_emissions"] * (1.0 - rate) ** steps).where(steps >= 0)
    frame["gap"] = frame["emissions"] - frame["path"]
    frame["on_path"] = (frame["emissions"] <= frame["path"] + 1e-9).where(
        frame["path"].notna(), other=np.nan
    )
    previous = frame.groupby("organisation_id")["emissions"].shift(1)
    previous_year = frame.groupby("organisation_id")["year"].shift(1)
    consecutive = previous_year == frame["year"] - 1
    frame["annual_change"] = ((previous - frame["emissions"]) / previous).where(
        consecutive & (previous > 0)
    )
    ratio = frame["emissions"] / frame["base_emissions"]
    with np.errstate(divide="ignore", invalid="ignore"):
        average = 1.0 - pd.Series(
            np.power(ratio.clip(lower=0), 1.0 / steps.where(steps > 0)), index=frame.index
        )
    frame["average_rate"] = average.where((steps > 0) & (frame["base_emissions"] > 0))
    if rate > 0:
        implied = frame["base_emissions"] * (1.0 - rate) / rate
    else:
        implied = pd.Series(np.nan, index=frame.index)
    total_budget: pd.Series = implied
    if budget:
        total_budget = frame["organisation_id"].map(budget).fillna(implied)
    after_base = frame["emissions"].where(frame["year"] > base_year, 0.0)
    used = after_base.groupby(frame["organisation_id"]).cumsum()
    remaining = total_budget - used
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        required = 1.0 - np.exp(-frame["emissions"] / remaining)
    frame["required_rate"] = required.where(remaining > 0, 1.0).where(
        pd.notna(total_budget) & (frame["year"] >= base_year)
    )
    frame["on_path"] = frame["on_path"].astype("float64")
    return frame[PATHWAY_COLUMNS]


def partnership_series(series: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """The partnership's emissions index on the like-for-like panel (§1.6.5).

    For each year y the panel is the organisations that reported both the base year and y; the
    partnership value is base_total × (panel sum in y / panel sum in the base year), i.e. the
    base-year total moved by the like-for-like change. Organisations joining later therefore
    never look like an emissions increase. Returns year, emissions, n (panel size), base_n.
    """
    base = series[series["year"] == base_year].set_index("organisation_id")["emissions"]
    columns = {"year": "int64", "emissions": "float64", "n": "int64", "base_n": "int64"}
    if base.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    panel = series[series["organisation_id"].isin(base.index)].copy()
    panel["base"] = panel["organisation_id"].map(base)
    grouped = panel.groupby("year").agg(
        current=("emissions", "sum"), base=("base", "sum"), n=("emissions", "count")
    )
    base_total = float(base.sum())
    ratio = grouped["current"] / grouped["base"].where(grouped["base"] > 0)
    result = pd.DataFrame(
        {
            "year": grouped.index.astype("int64"),
            "emissions": (base_total * ratio).to_numpy(),
            "n": grouped["n"].to_numpy(),
            "base_n": len(base),
        }
    )
    return result.astype(columns).reset_index(drop=True)


def like_for_like(values: pd.DataFrame, key: str, *, base_year: int, rate: float) -> pd.DataFrame:
    """Per year, on the panel reporting ``key`` in both the base year and that year (§1.6.6):
    panel size, the two sums, the % change, the median organisation's % change and the share of
    the panel at or below the fixed path."""
    subset = values[values["key"] == key][["organisation_id", "year", "value"]]
    base = subset[subset["year"] == base_year].set_index("organisation_id")["value"]
    panel = subset[subset["organisation_id"].isin(base.index)].copy()
    panel["base"] = panel["organisation_id"].map(base)
    panel["change"] = (panel["value"] - panel["base"]) / panel["base"].where(panel["base"] > 0)
    panel["path"] = panel["base"] * (1.0 - rate) ** (panel["year"] - base_year)
    panel["on_path"] = (panel["value"] <= panel["path"] + 1e-9).astype("float64")
    grouped = panel.groupby("year").agg(
        panel_n=("value", "count"),
        base_sum=("base", "sum"),
        year_sum=("value", "sum"),
        median_change=("change", "median"),
        share_on_path=("on_path", "mean"),
    )
    grouped["change"] = (grouped["year_sum"] - grouped["base_sum"]) / grouped["base_sum"].where(
        grouped["base_sum"] > 0
    )
    grouped = grouped.reset_index()
    columns = ["year", "panel_n", "base_sum", "year_sum", "change", "median_change"]
    return grouped[[*columns, "share_on_path"]].astype({"year": "int64", "panel_n": "int64"})
