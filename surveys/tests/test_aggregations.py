"""The pure pandas aggregations of process answers (Likert, shares), on small frames built by
hand (no database). The emissions figures are tested in test_figures.py and
tests/test_figures_scenarios.py."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from surveys import aggregations as agg


def values(rows: list[tuple[int, int, str, float]]) -> pd.DataFrame:
    return agg.values_frame(
        {"organisation_id": o, "year": y, "key": k, "value": v} for o, y, k, v in rows
    )


def expected(rows: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(rows), "n_total": list(rows.values())}).astype("int64")


def test_likert_summary_distribution_top2_median_and_dont_know() -> None:
    choices = pd.DataFrame(
        {
            "organisation_id": [1, 2, 3, 4, 5, 6],
            "year": [2024] * 6,
            "key": ["enabling_1"] * 6,
            "choice": ["5", "4", "4", "2", "1", "dk"],
        }
    )
    result = agg.likert_summary(choices, expected({2024: 8}), ["enabling_1"])
    assert_frame_equal(
        result,
        pd.DataFrame(
            {
                "key": ["enabling_1"],
                "year": np.array([2024], dtype="int64"),
                "n": np.array([5], dtype="int64"),
                "n_dont_know": np.array([1], dtype="int64"),
                "n_total": np.array([8], dtype="int64"),
                "pct_1": [20.0],
                "pct_2": [20.0],
                "pct_3": [0.0],
                "pct_4": [40.0],
                "pct_5": [20.0],
                "top2": [60.0],
                "bottom2": [40.0],
                "median": [4.0],
                "suppressed": [False],
            }
        ),
    )


def test_likert_suppressed_below_three_answers_on_the_scale() -> None:
    choices = pd.DataFrame(
        {
            "organisation_id": [1, 2, 3],
            "year": [2024] * 3,
            "key": ["enabling_2"] * 3,
            "choice": ["5", "4", "dk"],
        }
    )
    result = agg.likert_summary(choices, expected({2024: 3}), ["enabling_2"])
    assert bool(result.loc[0, "suppressed"]) is True
    assert math.isnan(result.loc[0, "top2"])
    assert math.isnan(result.loc[0, "pct_5"])


def test_to_decimal_rounds_back_to_three_decimals() -> None:
    assert agg.to_decimal(0.1 + 0.2) == Decimal("0.300")
    assert agg.to_decimal(float("nan")) is None
    assert agg.to_decimal(None) is None
