"""The survey figures of a snapshot, read through the surveys app (issue 5).

Kept apart from ``snapshot.py`` because it is the one place that knows the surveys app's API:
``surveys.selectors.indicator_followup(year)`` for the partnership's stored indicator values and
targets, and ``organisation_emissions_series(organisation)`` for each organisation's S1 + S2
series against the 20 % path and its own target. Aggregates are the surveys app's stored
``IndicatorValue`` rows (computed when data changes), so the report and the follow-up page agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from reporting import aggregations


def _num(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _status(value: float | None, target: float | None, direction: str) -> str:
    if value is None or target is None:
        return ""
    met = value <= target if direction == "decrease" else value >= target
    return "met" if met else "not_met"


def collect(data: dict[str, Any], *, year: int, base_year: int, rate: float) -> list[str]:
    """Fill the survey sections of ``data``; return the names of sources that were unavailable."""
    try:
        from surveys import selectors as survey_selectors
        from surveys.models import Indicator, IndicatorValue
    except ImportError:
        return ["surveys"]
    partnership = data["partnership"]
    indicators: list[dict[str, Any]] = []
    enabling: list[dict[str, Any]] = []
    likert_keys: list[str] = []
    likert_years: dict[str, int] = {}
    for item in survey_selectors.indicator_followup(year):
        indicator = item["indicator"]
        name = {"sv": indicator.name_sv, "en": indicator.name_en or indicator.name_sv}
        values = {v.year: v for v in item["values"]}
        # The latest data year at or before the report year: the survey in Q1 asks about the year
        # before, so a report may show last year's figures; the report names the data year.
        data_year = max((y for y in values if y <= year), default=year)
        current = values.get(data_year)
        if (
            indicator.aggregation == Indicator.Aggregation.EMISSIONS
            and indicator.source != "manual"
        ):
            series: list[dict[str, Any]] = []
            for y in range(base_year, max(data_year, base_year) + 1):
                v = values.get(y)
                details = (v.details or {}) if v else {}
                series.append(
                    {
                        "year": y,
                        "total": _num(v.value) if v and not v.suppressed else None,
                        "reporting": v.n if v else 0,
                        "path": _num(details.get("path")),
                    }
                )
            base_total = series[0]["total"] if series else None
            if base_total is not None and any(p["path"] is None for p in series):
                # The stored path is missing for suppressed years: draw the 20 % path anyway.
                path = aggregations.reduction_path(
                    base_value=base_total,
                    base_year=base_year,
                    rate=rate,
                    years=[p["year"] for p in series],
                )
                for point, value in zip(series, path["path"], strict=True):
                    point["path"] = point["path"] if point["path"] is not None else float(value)
            partnership["emissions"] = {
                "series": series,
                "data_year": data_year,
                "panel": current.n if current else 0,
                "reporting": current.n if current else 0,
                "coverage": current.coverage if current else "",
                "scope2_method": (
                    (current.details or {}).get("scope2_method", "") if current else ""
                ),
            }
        if indicator.aggregation == Indicator.Aggregation.LIKERT:
            likert_keys.append(indicator.key)
            likert_years[indicator.key] = data_year
            distribution = (current.distribution or {}) if current else {}
            details = (current.details or {}) if current else {}
            suppressed = current is None or current.suppressed
            enabling.append(
                {
                    "key": indicator.key,
                    "question": name,
                    "data_year": data_year,
                    "n": current.n if current else 0,
                    "dont_know": details.get("n_dont_know", 0),
                    **{
                        f"p{p}": None if suppressed else _num(distribution.get(str(p), 0))
                        for p in range(1, 6)
                    },
                    "top2": None if suppressed else _num(details.get("top2")),
                    "median": None if suppressed else _num(details.get("median")),
                }
            )
            continue
        value = None if current is None or current.suppressed else _num(current.value)
        target = _num(item["targets"].get(data_year))
        indicators.append(
            {
                "key": indicator.key,
                "name": name,
                "goal": {"sv": indicator.goal.name_sv, "en": indicator.goal.name_en},
                "unit": indicator.unit,
                "data_year": data_year if current else None,
                "value": value,
                "target": target,
                "coverage": current.coverage if current else "",
                "status": _status(value, target, indicator.direction),
            }
        )
    partnership["indicators"] = indicators
    partnership["enabling"] = enabling
    series = partnership.get("emissions", {}).get("series", [])
    partnership["responding"] = series[-1]["reporting"] if series else None

    # Each organisation's own answers to the enabling-goal questions: one query for all.
    own: dict[str, list[dict[str, Any]]] = {}
    for org_id, key, answer_year, value in IndicatorValue.objects.filter(
        organisation__isnull=False, year__lte=year, indicator__key__in=likert_keys
    ).values_list("organisation_id", "indicator__key", "year", "value"):
        if answer_year != likert_years[key]:
            continue
        own.setdefault(str(org_id), []).append({"key": key, "value": int(value) if value else None})
    from partners.models import Organisation

    organisations = Organisation.objects.in_bulk([int(pk) for pk in data["organisations"]])
    for pk, org in data["organisations"].items():
        org["enabling"] = own.get(pk, [])
        series = [
            row
            for row in survey_selectors.organisation_emissions_series(organisations[int(pk)])
            if base_year <= row["year"] <= year
        ]  # the organisation's own data years, up to the report year
        points = [
            {
                "year": row["year"],
                "emissions": _num(row["emissions"]),
                "path": _num(row["path"]),
                "own_path": _num(row["own_target"]),
            }
            for row in series
        ]
        frame = pd.DataFrame.from_records(points, columns=["year", "emissions"])
        org["emissions"] = {
            "series": points,
            "base_year": base_year,
            "has_own_target": any(p["own_path"] is not None for p in points),
            "change_percent": aggregations.change_since_base(frame),
        }
    return []
