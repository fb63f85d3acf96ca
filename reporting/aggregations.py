"""Pure pandas aggregations behind the annual reports: records in, DataFrames out, no ORM.

The survey's own aggregates (like-for-like panel, Likert distributions) are computed and stored
by the surveys app; here are the few extra figures the reports need: the fixed-rate reference
path ``E_base × (1 − r)^(y − base)`` (survey-and-ghg.md §3.2), the change since the base year,
and counts of activities by status, plus turning frames into JSON for the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd


def reduction_path(
    *, base_value: float, base_year: int, rate: float, years: Iterable[int]
) -> pd.DataFrame:
    """The reference path ``base_value × (1 − rate)^(year − base_year)`` for each year."""
    frame = pd.DataFrame({"year": list(years)}, dtype="int64")
    frame["path"] = base_value * (1 - rate) ** (frame["year"] - base_year)
    return frame


def change_since_base(series: pd.DataFrame, *, value: str = "emissions") -> float | None:
    """Percent change from the first to the last non-missing value (None when unknown)."""
    values = series[value].dropna()
    if len(values) < 2 or values.iloc[0] == 0:
        return None
    return float((values.iloc[-1] - values.iloc[0]) / values.iloc[0] * 100)


def count_by(
    records: Sequence[Mapping[str, Any]], *, keys: Sequence[str], name: str = "count"
) -> pd.DataFrame:
    """How many records per combination of ``keys``, largest first, then by the keys."""
    frame = pd.DataFrame.from_records(list(records), columns=list(keys))
    if frame.empty:
        return pd.DataFrame(columns=[*keys, name])
    counted = frame.groupby(list(keys), dropna=False).size().reset_index(name=name)
    return counted.sort_values([name, *keys], ascending=[False, *[True] * len(keys)]).reset_index(
        drop=True
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: NaN becomes None and numpy scalars become Python numbers."""
    cleaned = frame.astype(object).where(pd.notna(frame), None)
    out: list[dict[str, Any]] = []
    for row in cleaned.to_dict(orient="records"):
        out.append({str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return out
