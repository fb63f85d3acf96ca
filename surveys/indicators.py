"""Computing indicator values: selector frames → pure pandas aggregations → stored rows.

Runs when data changes (approve, reopen of an approved response, a manual value), through
``tasks.recompute_indicators``; pages only read the stored :class:`IndicatorValue` rows. The whole
set is recomputed each time, because like-for-like panels span years; at partnership size
(~60 organisations) that is a fraction of a second, and the benchmark covers 10,000.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils.module_loading import import_string

from surveys import aggregations as agg
from surveys import selectors
from surveys.models import Indicator, IndicatorValue, ManualIndicatorValue

logger = logging.getLogger(__name__)

# Guarded sources from other apps: a dotted path to ``(year) -> int | Mapping``.
COUNT_SOURCES = {
    Indicator.Source.ACTIVITY_COUNT: "activities.selectors.activity_count",
    Indicator.Source.MEETING_COUNT: "activities.selectors.meeting_attendance_counts",
    Indicator.Source.SPACE_COUNT: "spaces.selectors.space_count",
}


def _jsonable(value: Any) -> Any:
    """Floats from pandas → strings of rounded Decimals (JSON keeps them exact)."""
    decimal = agg.to_decimal(value, 4)
    return None if decimal is None else str(decimal)


def _count_source(source: str, year: int) -> Decimal | None:
    path = COUNT_SOURCES.get(source)  # type: ignore[call-overload]
    if not path:
        return None
    try:
        func: Callable[[int], Any] = import_string(path)
    except ImportError:
        logger.info("Indicator source %s is not available yet.", path)
        return None
    result = func(year)
    if isinstance(result, int | float | Decimal):
        return Decimal(str(result))
    if hasattr(result, "values"):
        return Decimal(sum(int(v) for v in result.values()))
    return None


def _rows_from_frame(
    indicator: Indicator, frame: pd.DataFrame, value_column: str = "value"
) -> list[IndicatorValue]:
    rows = []
    for record in frame.to_dict("records"):
        distribution = {
            str(k)[4:]: _jsonable(v) for k, v in record.items() if str(k).startswith("pct_")
        }
        details = {
            k: _jsonable(record[k])
            for k in ("top2", "bottom2", "median", "n_dont_know")
            if k in record
        }
        rows.append(
            IndicatorValue(
                indicator=indicator,
                year=int(record["year"]),
                value=agg.to_decimal(record.get(value_column)),
                n=int(record["n"]),
                n_total=int(record["n_total"]),
                distribution=distribution,
                details=details,
                suppressed=bool(record["suppressed"]),
            )
        )
    return rows


def recompute_indicators() -> int:
    """Recompute and store every indicator value; return the number of rows stored.
    Safe to run twice: it replaces the stored set in one transaction."""
    period = selectors.current_period()
    settings = selectors.followup_settings(period)
    base_year = period.base_year if period else 2022
    rate = float(period.annual_reduction_rate) if period else 0.2
    min_group = settings.min_group_size
    values = selectors.approved_values_frame()
    choices = selectors.approved_choices_frame()
    expected = selectors.expected_frame()
    overlaps = _overlaps(choices)
    own_targets = _own_targets(values)
    rows: list[IndicatorValue] = []
    indicators = list(Indicator.objects.all())
    manual = ManualIndicatorValue.objects.values_list("indicator_id", "year", "value")
    manual_by_indicator: dict[int, dict[int, Decimal]] = {}
    for indicator_id, year, value in manual:
        manual_by_indicator.setdefault(indicator_id, {})[year] = value

    # One pandas call per kind of aggregation for all its keys (per-call overhead dominates at
    # partnership size), then split per indicator.
    def keys_for(aggregation: str) -> list[str]:
        return [
            i.source_key
            for i in indicators
            if i.source == Indicator.Source.SURVEY_FIELD and i.aggregation == aggregation
        ]

    all_sums = agg.scope_sums(
        values, overlaps, expected, keys_for(Indicator.Aggregation.SUM), min_group=min_group
    )
    all_medians = agg.medians(
        values, expected, keys_for(Indicator.Aggregation.MEDIAN), min_group=min_group
    )
    all_likert = agg.likert_summary(
        choices, expected, keys_for(Indicator.Aggregation.LIKERT), min_group=min_group
    )
    deduplicated = agg.deduplicate(values, overlaps)
    for indicator in indicators:
        key = indicator.source_key
        if indicator.source == Indicator.Source.SURVEY_FIELD:
            if indicator.aggregation == Indicator.Aggregation.SUM:
                frame = all_sums[all_sums["key"] == key]
                panel = agg.like_for_like(
                    deduplicated, key, base_year=base_year, rate=rate
                ).set_index("year")
                sum_rows = _rows_from_frame(indicator, frame)
                for row in sum_rows:
                    # The raw sum moves with who reported; the like-for-like panel does not.
                    if row.year in panel.index and not row.suppressed:
                        found: Any = panel.loc[row.year]
                        if int(found["panel_n"]) >= min_group:
                            row.details = {
                                name: _jsonable(found[name])
                                for name in (
                                    "panel_n",
                                    "base_sum",
                                    "year_sum",
                                    "change",
                                    "median_change",
                                    "share_on_path",
                                )
                            }
                rows += sum_rows
                rows += _own_rows(indicator, values, key)
            elif indicator.aggregation == Indicator.Aggregation.MEDIAN:
                frame = all_medians[all_medians["key"] == key]
                rows += _rows_from_frame(indicator, frame)
                rows += _own_rows(indicator, values, key)
            elif indicator.aggregation == Indicator.Aggregation.SHARE_ANSWERED:
                answered = pd.concat(
                    [
                        values[["organisation_id", "year", "key"]],
                        choices[["organisation_id", "year", "key"]],
                    ]
                )
                frame = agg.share_answered(answered, expected, [key], min_group=min_group)
                rows += _rows_from_frame(indicator, frame)
            elif indicator.aggregation == Indicator.Aggregation.LIKERT:
                frame = all_likert[all_likert["key"] == key]
                rows += _rows_from_frame(indicator, frame, value_column="top2")
                rows += _own_choice_rows(indicator, choices, key)
            elif indicator.aggregation == Indicator.Aggregation.EMISSIONS:
                rows += _emissions_rows(
                    indicator,
                    values,
                    expected,
                    base_year=base_year,
                    rate=rate,
                    scope2_method=settings.scope2_method,
                    min_group=min_group,
                    own_targets=own_targets,
                )
        elif indicator.source == Indicator.Source.MANUAL:
            rows += _manual_rows(
                indicator,
                manual_by_indicator.get(indicator.pk, {}),
                base_year=base_year,
                rate=rate,
                budget=settings.budget_tonnes,
            )
        else:
            for year in sorted(set(expected["year"].tolist())):
                count = _count_source(indicator.source, int(year))
                if count is not None:
                    rows.append(IndicatorValue(indicator=indicator, year=int(year), value=count))
    with transaction.atomic():
        IndicatorValue.objects.all().delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _overlaps(choices: pd.DataFrame) -> pd.DataFrame:
    subset = choices[choices["key"] == "included_in_partner"]
    subset = subset[subset["choice"].str.isdigit()]
    return pd.DataFrame(
        {
            "organisation_id": subset["organisation_id"].astype("int64"),
            "year": subset["year"].astype("int64"),
            "included_in": subset["choice"].astype("int64"),
        }
    )


def _own_targets(values: pd.DataFrame) -> dict[int, tuple[float, int | None]]:
    """organisation_id → (own reduction rate as a fraction, its base year)."""
    rates = values[values["key"] == "target_rate_pct"].sort_values("year")
    bases = values[values["key"] == "target_base_year"].sort_values("year")
    base_by_org = dict(zip(bases["organisation_id"], bases["value"], strict=False))
    return {
        int(org): (float(rate) / 100.0, int(base_by_org[org]) if org in base_by_org else None)
        for org, rate in zip(rates["organisation_id"], rates["value"], strict=False)
    }


def _own_rows(indicator: Indicator, values: pd.DataFrame, key: str) -> list[IndicatorValue]:
    """Each organisation's own figure (never shown to others; only to that organisation)."""
    subset = values[values["key"] == key]
    return [
        IndicatorValue(
            indicator=indicator,
            year=int(year),
            organisation_id=int(org),
            value=agg.to_decimal(value),
            n=1,
            n_total=1,
        )
        for org, year, value in zip(
            subset["organisation_id"], subset["year"], subset["value"], strict=False
        )
    ]


def _own_choice_rows(indicator: Indicator, choices: pd.DataFrame, key: str) -> list[IndicatorValue]:
    subset = choices[choices["key"] == key]
    return [
        IndicatorValue(
            indicator=indicator,
            year=int(year),
            organisation_id=int(org),
            value=Decimal(choice) if choice.isdigit() else None,
            n=1,
            n_total=1,
            details={"choice": choice},
        )
        for org, year, choice in zip(
            subset["organisation_id"], subset["year"], subset["choice"], strict=False
        )
    ]


def _emissions_rows(
    indicator: Indicator,
    values: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    scope2_method: str,
    min_group: int,
    own_targets: dict[int, tuple[float, int | None]],
) -> list[IndicatorValue]:
    series = agg.emissions_series(values, scope2_method)
    rows: list[IndicatorValue] = []
    per_org = agg.pathway(series, base_year=base_year, rate=rate)
    for record in per_org.to_dict("records"):
        org = int(record["organisation_id"])
        details = {
            name: _jsonable(record[name])
            for name in ("path", "gap", "annual_change", "average_rate", "required_rate")
        }
        details["on_path"] = None if pd.isna(record["on_path"]) else bool(record["on_path"])
        target = own_targets.get(org)
        if target is not None:
            own_rate, own_base = target
            base_row = per_org[
                (per_org["organisation_id"] == org) & (per_org["year"] == (own_base or base_year))
            ]
            if not base_row.empty and int(record["year"]) >= (own_base or base_year):
                own_base_value = float(base_row["emissions"].iloc[0])
                steps = int(record["year"]) - (own_base or base_year)
                details["own_target"] = _jsonable(own_base_value * (1 - own_rate) ** steps)
        rows.append(
            IndicatorValue(
                indicator=indicator,
                year=int(record["year"]),
                organisation_id=org,
                value=agg.to_decimal(record["emissions"]),
                n=1,
                n_total=1,
                details=details,
            )
        )
    partnership = agg.partnership_series(series, base_year=base_year)
    if partnership.empty:
        return rows
    as_org = partnership.assign(organisation_id=0)[["organisation_id", "year", "emissions"]]
    checked = agg.pathway(as_org, base_year=base_year, rate=rate).set_index("year")
    totals = expected.set_index("year")["n_total"] if not expected.empty else pd.Series(dtype=int)
    for record in partnership.to_dict("records"):
        year = int(record["year"])
        n = int(record["n"])
        suppressed = n < min_group
        check = checked.loc[year]
        details = {
            "panel_n": n,
            "base_n": int(record["base_n"]),
            "scope2_method": scope2_method,
        }
        if not suppressed:
            details.update(
                {
                    name: _jsonable(check[name])
                    for name in ("path", "annual_change", "average_rate", "required_rate")
                }
            )
        rows.append(
            IndicatorValue(
                indicator=indicator,
                year=year,
                value=None if suppressed else agg.to_decimal(record["emissions"]),
                n=n,
                n_total=int(totals.get(year, n)),
                details=details,
                suppressed=suppressed,
            )
        )
    return rows


def _manual_rows(
    indicator: Indicator,
    manual: dict[int, Decimal],
    *,
    base_year: int,
    rate: float,
    budget: Decimal | None,
) -> list[IndicatorValue]:
    if not manual:
        return []
    details_by_year: dict[int, dict[str, Any]] = {}
    if indicator.aggregation == Indicator.Aggregation.EMISSIONS:
        # Umeå's territorial emissions: the path, and the required rate from the office's budget.
        series = pd.DataFrame(
            {
                "organisation_id": 0,
                "year": list(manual),
                "emissions": [float(v) for v in manual.values()],
            }
        )
        checked = agg.pathway(
            series,
            base_year=base_year,
            rate=rate,
            budget={0: float(budget)} if budget is not None else None,
        )
        for record in checked.to_dict("records"):
            details_by_year[int(record["year"])] = {
                name: _jsonable(record[name])
                for name in ("path", "annual_change", "average_rate", "required_rate")
            }
    return [
        IndicatorValue(
            indicator=indicator,
            year=year,
            value=value,
            n=1,
            n_total=1,
            details=details_by_year.get(year, {}),
        )
        for year, value in sorted(manual.items())
    ]
