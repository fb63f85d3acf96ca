"""Pure pandas aggregations: small frames built by hand, no database."""

from __future__ import annotations

import math

import pandas as pd
from pandas.testing import assert_frame_equal

from reporting import aggregations


def test_reduction_path_cuts_twenty_percent_a_year() -> None:
    path = aggregations.reduction_path(
        base_value=1000, base_year=2022, rate=0.2, years=range(2022, 2026)
    )
    expected = pd.DataFrame(
        {"year": [2022, 2023, 2024, 2025], "path": [1000.0, 800.0, 640.0, 512.0]}
    )
    assert_frame_equal(path, expected)


def test_change_since_base_uses_first_and_last_known_values() -> None:
    series = pd.DataFrame({"year": [2022, 2023, 2024], "emissions": [5000.0, math.nan, 3500.0]})
    assert aggregations.change_since_base(series) == -30.0
    assert aggregations.change_since_base(series.iloc[:1]) is None
    zero = pd.DataFrame({"year": [2022, 2023], "emissions": [0.0, 10.0]})
    assert aggregations.change_since_base(zero) is None


def test_count_by_orders_largest_first_then_by_key() -> None:
    rows = [{"lifecycle": s} for s in ["ongoing", "completed", "ongoing", "planned", "completed"]]
    counted = aggregations.count_by(rows, keys=["lifecycle"])
    expected = pd.DataFrame({"lifecycle": ["completed", "ongoing", "planned"], "count": [2, 2, 1]})
    assert_frame_equal(counted, expected)
    assert list(aggregations.count_by([], keys=["lifecycle"]).columns) == ["lifecycle", "count"]


def test_records_are_json_ready() -> None:
    frame = pd.DataFrame({"year": [2022, 2023], "total": [1.5, math.nan]})
    assert aggregations.records(frame) == [
        {"year": 2022, "total": 1.5},
        {"year": 2023, "total": None},
    ]
    assert type(aggregations.records(frame)[0]["year"]) is int
