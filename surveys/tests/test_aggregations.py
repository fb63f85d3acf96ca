"""The pure pandas aggregations, on small frames built by hand (no database)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from surveys import aggregations as agg


def values(rows: list[tuple[int, int, str, float]]) -> pd.DataFrame:
    return agg.values_frame(
        {"organisation_id": o, "year": y, "key": k, "value": v} for o, y, k, v in rows
    )


def expected(rows: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(rows), "n_total": list(rows.values())}).astype("int64")


NO_OVERLAPS = pd.DataFrame(
    {"organisation_id": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
     "included_in": pd.Series(dtype="int64")}
)  # fmt: skip


def test_scope_sums_sum_each_scope_separately_with_coverage() -> None:
    frame = values(
        [
            (1, 2023, "scope1_total", 10.0),
            (2, 2023, "scope1_total", 0.0),  # a real zero counts as reporting
            (3, 2023, "scope1_total", 5.5),
            (1, 2023, "scope2_market", 100.0),
        ]
    )
    result = agg.scope_sums(frame, NO_OVERLAPS, expected({2023: 4}), ["scope1_total"])
    assert_frame_equal(
        result,
        pd.DataFrame(
            {
                "key": ["scope1_total"],
                "year": np.array([2023], dtype="int64"),
                "value": [15.5],
                "n": np.array([3], dtype="int64"),
                "n_total": np.array([4], dtype="int64"),
                "suppressed": [False],
            }
        ),
    )


def test_scope_sums_suppress_groups_below_three() -> None:
    frame = values([(1, 2023, "scope1_total", 10.0), (2, 2023, "scope1_total", 20.0)])
    result = agg.scope_sums(frame, NO_OVERLAPS, expected({2023: 10}), ["scope1_total"])
    assert bool(result.loc[0, "suppressed"]) is True
    assert math.isnan(result.loc[0, "value"])
    assert result.loc[0, "n"] == 2


def test_overlapping_subsidiary_is_not_counted_twice() -> None:
    frame = values(
        [
            (1, 2023, "scope1_total", 1000.0),  # kommunkoncern, includes org 2
            (2, 2023, "scope1_total", 300.0),  # municipal company, also inside org 1
            (3, 2023, "scope1_total", 50.0),
            (4, 2023, "scope1_total", 50.0),
        ]
    )
    overlaps = pd.DataFrame({"organisation_id": [2], "year": [2023], "included_in": [1]})
    result = agg.scope_sums(frame, overlaps, expected({2023: 4}), ["scope1_total"])
    assert result.loc[0, "value"] == 1100.0
    assert result.loc[0, "n"] == 3


def test_overlap_kept_when_the_parent_did_not_report() -> None:
    frame = values([(2, 2023, "scope1_total", 300.0), (3, 2023, "scope1_total", 1.0)])
    overlaps = pd.DataFrame({"organisation_id": [2], "year": [2023], "included_in": [1]})
    kept = agg.deduplicate(frame, overlaps)
    assert sorted(kept["organisation_id"]) == [2, 3]


def test_medians_for_scope3_are_per_organisation_not_summed() -> None:
    frame = values(
        [
            (1, 2023, "scope3_c6", 10.0),
            (2, 2023, "scope3_c6", 30.0),
            (3, 2023, "scope3_c6", 1000.0),
        ]
    )
    result = agg.medians(frame, expected({2023: 3}), ["scope3_c6"])
    assert result.loc[0, "value"] == 30.0


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


def test_emissions_series_adds_own_scopes_and_skips_missing() -> None:
    frame = values(
        [
            (1, 2022, "scope1_total", 100.0),
            (1, 2022, "scope2_market", 50.0),
            (1, 2022, "scope2_location", 10.0),
            (2, 2022, "scope1_total", 7.0),  # no scope 2: left out, not counted as 0
        ]
    )
    result = agg.emissions_series(frame, "market")
    assert_frame_equal(
        result,
        pd.DataFrame(
            {
                "organisation_id": np.array([1], dtype="int64"),
                "year": np.array([2022], dtype="int64"),
                "emissions": [150.0],
            }
        ),
    )
    assert agg.emissions_series(frame, "location").loc[0, "emissions"] == 110.0


def test_pathway_20_percent_path_average_and_required_rate() -> None:
    series = pd.DataFrame(
        {
            "organisation_id": [1, 1, 1],
            "year": [2022, 2023, 2024],
            "emissions": [1000.0, 900.0, 640.0],
        }
    )
    result = agg.pathway(series, base_year=2022, rate=0.2)
    assert list(result["path"].round(6)) == [1000.0, 800.0, 640.0]
    assert list(result["on_path"]) == [1.0, 0.0, 1.0]
    assert result.loc[1, "annual_change"] == pytest.approx(0.1)
    # CAGR since the base year: 1 - (640/1000)^(1/2) = 0.2
    assert result.loc[2, "average_rate"] == pytest.approx(0.2)
    # Implied budget 1000 * 0.8 / 0.2 = 4000; after 2023 (900 used) 3100 left.
    assert result.loc[1, "required_rate"] == pytest.approx(1 - math.exp(-900 / 3100))
    assert result.loc[2, "required_rate"] == pytest.approx(1 - math.exp(-640 / 2460))


def test_required_rate_rises_when_a_year_misses_and_is_one_when_budget_spent() -> None:
    series = pd.DataFrame(
        {
            "organisation_id": [1, 1, 1],
            "year": [2022, 2023, 2024],
            "emissions": [100.0, 100.0, 100.0],
        }
    )
    result = agg.pathway(series, base_year=2022, rate=0.2, budget={1: 150.0})
    assert result.loc[1, "required_rate"] == pytest.approx(1 - math.exp(-100 / 50))
    assert result.loc[2, "required_rate"] == 1.0


def test_partnership_series_uses_like_for_like_panel() -> None:
    series = pd.DataFrame(
        {
            "organisation_id": [1, 2, 1, 2, 3],
            "year": [2022, 2022, 2023, 2023, 2023],
            "emissions": [100.0, 100.0, 90.0, 70.0, 5000.0],  # org 3 joined in 2023
        }
    )
    result = agg.partnership_series(series, base_year=2022)
    assert_frame_equal(
        result,
        pd.DataFrame(
            {
                "year": np.array([2022, 2023], dtype="int64"),
                "emissions": [200.0, 160.0],
                "n": np.array([2, 2], dtype="int64"),
                "base_n": np.array([2, 2], dtype="int64"),
            }
        ),
    )


def test_like_for_like_change_median_and_share_on_path() -> None:
    frame = values(
        [
            (1, 2022, "scope1_total", 100.0),
            (2, 2022, "scope1_total", 200.0),
            (1, 2023, "scope1_total", 70.0),
            (2, 2023, "scope1_total", 190.0),
            (3, 2023, "scope1_total", 999.0),  # not in the base year: outside the panel
        ]
    )
    result = agg.like_for_like(frame, "scope1_total", base_year=2022, rate=0.2)
    row = result[result["year"] == 2023].iloc[0]
    assert row["panel_n"] == 2
    assert row["year_sum"] == 260.0
    assert row["change"] == pytest.approx(-40 / 300)
    assert row["median_change"] == pytest.approx((-0.3 - 0.05) / 2)
    assert row["share_on_path"] == 0.5


def test_to_decimal_rounds_back_to_three_decimals() -> None:
    assert agg.to_decimal(0.1 + 0.2) == Decimal("0.300")
    assert agg.to_decimal(float("nan")) is None
    assert agg.to_decimal(None) is None
