"""Storing indicator values: the figures of :mod:`surveys.figures` → :class:`IndicatorValue` rows.

Every emissions number comes from :mod:`surveys.figures` (the one module that owns the
arithmetic); this module only maps figures onto the office's indicators and stores them. It runs
when data changes (approve, reopen, an overlap or boundary decision, a manual value) through
``tasks.recompute_indicators``. The whole set is recomputed each time, because like-for-like
panels span years.
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
from surveys import figures, selectors
from surveys.figures import compute
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


# Which figure an indicator of aggregation "sum" or "median" stores, by its survey key.
SUM_FIGURES = {
    "scope1_total": ("scope1_sum", "scope1_panel_change"),
    "scope2_location": ("scope2_location_sum", "scope2_location_panel_change"),
    "scope2_market": ("scope2_market_sum", "scope2_market_panel_change"),
}


def _figure_details(figure: figures.Figure) -> dict[str, Any]:
    return {
        "left_out_included": figure.left_out_included,
        "left_out_not_comparable": figure.left_out_not_comparable,
        "scopes": figure.scopes,
        "scope2_method": figure.scope2_method,
        "panel": figure.panel,
        "base_year": figure.base_year,
        "figure": figure.key,
    }


def _figure_row(
    indicator: Indicator, figure: figures.Figure, *, scale: float = 1.0, **extra: Any
) -> IndicatorValue:
    value = None if figure.value is None else figure.value * scale
    return IndicatorValue(
        indicator=indicator,
        year=figure.year,
        value=agg.to_decimal(value),
        n=figure.n,
        n_total=figure.n_partners,
        details=_figure_details(figure) | extra,
        suppressed=figure.suppressed,
    )


def _manual_values() -> dict[int, dict[int, Decimal]]:
    """The office's manual values: indicator pk → year → value."""
    manual = ManualIndicatorValue.objects.values_list("indicator_id", "year", "value")
    manual_by_indicator: dict[int, dict[int, Decimal]] = {}
    for indicator_id, year, value in manual:
        manual_by_indicator.setdefault(indicator_id, {})[year] = value
    return manual_by_indicator


def _median_rows(
    indicator: Indicator, by_year: dict[int, dict[str, Any]], values: pd.DataFrame, key: str
) -> list[IndicatorValue]:
    """The partnership's median per year (from surveys.figures) and each organisation's own."""
    rows = []
    for year_figures in by_year.values():
        figure = year_figures.get(f"{key}_median")
        if figure is not None:
            rows.append(_figure_row(indicator, figure))
    return rows + _own_rows(indicator, values, key)


def _share_answered_rows(
    indicator: Indicator,
    by_year: dict[int, dict[str, Any]],
    values: pd.DataFrame,
    choices: pd.DataFrame,
    expected: pd.DataFrame,
    key: str,
    *,
    min_group: int,
) -> list[IndicatorValue]:
    """The share of expected organisations that answered; an own target's share comes from
    surveys.figures."""
    if key == "target_rate_pct":
        return [
            _figure_row(indicator, year_figures["own_target_share"], scale=100.0)
            for year_figures in by_year.values()
        ]
    answered = pd.concat(
        [
            values[["organisation_id", "year", "key"]],
            choices[["organisation_id", "year", "key"]],
        ]
    )
    frame = agg.share_answered(answered, expected, [key], min_group=min_group)
    return _rows_from_frame(indicator, frame)


def recompute_indicators() -> int:
    """Recompute and store every indicator value; return the number of rows stored.
    Safe to run twice: it replaces the stored set in one transaction."""
    inputs = figures.load_inputs()
    period = selectors.current_period()
    settings = selectors.followup_settings(period)
    min_group = inputs.min_group
    choices = inputs.choices
    values = inputs.values
    expected = selectors.expected_frame()
    years = sorted(inputs.reporters_by_year)
    by_year = {
        year: {f.key: f for f in figures.partnership_figures(year, inputs)} for year in years
    }
    organisation_ids = sorted(inputs.reporting_years)
    own = {
        (o, year): found
        for year in years
        for o in organisation_ids
        if (found := figures.organisation_figures(o, year, inputs)) is not None
    }
    rows: list[IndicatorValue] = []
    indicators = list(Indicator.objects.all())
    manual_by_indicator = _manual_values()
    likert_keys = [
        i.source_key
        for i in indicators
        if i.source == Indicator.Source.SURVEY_FIELD
        and i.aggregation == Indicator.Aggregation.LIKERT
    ]
    all_likert = agg.likert_summary(choices, expected, likert_keys, min_group=min_group)
    for indicator in indicators:
        key = indicator.source_key
        if indicator.source == Indicator.Source.SURVEY_FIELD:
            if indicator.aggregation == Indicator.Aggregation.SUM:
                rows += _sum_rows(indicator, by_year, values, key)
            elif indicator.aggregation == Indicator.Aggregation.MEDIAN:
                rows += _median_rows(indicator, by_year, values, key)
            elif indicator.aggregation == Indicator.Aggregation.SHARE_ANSWERED:
                rows += _share_answered_rows(
                    indicator, by_year, values, choices, expected, key, min_group=min_group
                )
            elif indicator.aggregation == Indicator.Aggregation.LIKERT:
                frame = all_likert[all_likert["key"] == key]
                rows += _rows_from_frame(indicator, frame, value_column="top2")
                rows += _own_choice_rows(indicator, choices, key)
            elif indicator.aggregation == Indicator.Aggregation.EMISSIONS:
                rows += _emissions_rows(indicator, by_year, own)
        elif indicator.source == Indicator.Source.MANUAL:
            rows += _manual_rows(
                indicator,
                manual_by_indicator.get(indicator.pk, {}),
                base_year=inputs.base_year,
                rate=inputs.rate,
                budget=settings.budget_tonnes,
                budget_from_year=settings.budget_from_year,
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


def _sum_rows(
    indicator: Indicator,
    by_year: dict[int, dict[str, figures.Figure]],
    values: pd.DataFrame,
    key: str,
) -> list[IndicatorValue]:
    """The partnership sum of one scope (never two scopes added, §1.6.2), with its panel change
    from the base year, and each organisation's own value."""
    names = SUM_FIGURES.get(key)
    rows: list[IndicatorValue] = []
    if names is not None:
        sum_key, change_key = names
        for found in by_year.values():
            change = found.get(change_key)
            extra: dict[str, Any] = {}
            if change is not None and not change.suppressed and change.value is not None:
                extra = {
                    "panel_n": change.n,
                    "change": _jsonable(change.value),
                    "panel_left_out_included": change.left_out_included,
                    "panel_left_out_not_comparable": change.left_out_not_comparable,
                }
            rows.append(_figure_row(indicator, found[sum_key], **extra))
    return rows + _own_rows(indicator, values, key)


def _emissions_rows(
    indicator: Indicator,
    by_year: dict[int, dict[str, figures.Figure]],
    own: dict[tuple[int, int], figures.OrganisationFigures],
) -> list[IndicatorValue]:
    """Partnership: the share of the like-for-like panel on or under the 20 % path (in %), with
    the median partner change. Never a cross-partner S1 + S2 sum (§1.6.2). Each organisation:
    its own S1 + S2 with the path check (§3.3)."""
    rows: list[IndicatorValue] = []
    for year_figures in by_year.values():
        share = year_figures.get("on_path_share")
        median = year_figures.get("median_partner_change")
        if share is None:
            continue
        extra = {"median_change": _jsonable(median.value) if median else None}
        rows.append(_figure_row(indicator, share, scale=100.0, **extra))
    for (organisation_id, year), found in own.items():
        check = found.check("partnership_path")
        own_check = found.check("own_target")
        scope2 = found.scope2_location if found.scope2_method == "location" else found.scope2_market
        if found.scope1 is None or scope2 is None:
            continue
        emissions = found.scope1 + scope2
        details: dict[str, Any] = {
            "scope2_method": found.scope2_method,
            "comparable": found.comparable,
        }
        if check is not None:
            details |= {
                "path": _jsonable(check.target),
                "gap": _jsonable(check.gap),
                "on_path": check.on_path,
                "average_rate": _jsonable(check.average_rate),
                "required_rate": _jsonable(check.required_rate),
            }
        if own_check is not None:
            details["own_target"] = _jsonable(own_check.target)
            details["own_scopes"] = own_check.scopes
        rows.append(
            IndicatorValue(
                indicator=indicator,
                year=year,
                organisation_id=organisation_id,
                value=agg.to_decimal(emissions),
                n=1,
                n_total=1,
                details=details,
            )
        )
    return rows


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


def _manual_rows(
    indicator: Indicator,
    manual: dict[int, Decimal],
    *,
    base_year: int,
    rate: float,
    budget: Decimal | None,
    budget_from_year: int | None = None,
) -> list[IndicatorValue]:
    if not manual:
        return []
    details_by_year: dict[int, dict[str, Any]] = {}
    if indicator.aggregation == Indicator.Aggregation.EMISSIONS:
        # Umeå's territorial emissions: the path, and the required rate from the office's budget
        # (the same §3.3 checks as an organisation's, surveys.figures.compute.path_check).
        series = {year: float(v) for year, v in manual.items()}
        base = series.get(base_year)
        for year in series:
            check = None
            if base is not None:
                check = compute.path_check(
                    kind="partnership_path",
                    scopes="territorial",
                    scope2_method="",
                    series=series,
                    base_year=base_year,
                    base=base,
                    rate=rate,
                    year=year,
                    budget=float(budget) if budget is not None else None,
                    budget_from_year=budget_from_year,
                )
            previous = series.get(year - 1)
            annual = (previous - series[year]) / previous if previous else None
            details_by_year[year] = {
                "path": _jsonable(check.target if check else None),
                "annual_change": _jsonable(annual),
                "average_rate": _jsonable(check.average_rate if check else None),
                "required_rate": _jsonable(check.required_rate if check else None),
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
