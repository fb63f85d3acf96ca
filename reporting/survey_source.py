"""The survey figures of a snapshot, read through the surveys app (issues 5 and 16).

Kept apart from ``snapshot.py`` because it is the one place that knows the surveys app's API:

* ``surveys.figures`` (issue 16) for every emissions figure: the partnership's scope sums (each
  scope on its own, scope 2 by each method, never scope 1 + 2 across partners), the
  like-for-like panel's changes, the scope 3 categories (never summed), and each organisation's
  scopes, total and path checks. Each figure is frozen with its scopes, scope 2 method, panel
  and coverage (``n`` of ``n_partners``) and a note of what was left out, so the report writes
  them next to the number;
* ``surveys.selectors.indicator_followup(year)`` for the other indicators' stored values and
  targets and the enabling-goal (Likert) answers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from surveys.models import IndicatorValue


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


def _enabling_row(
    key: str, name: dict[str, str], data_year: int, current: IndicatorValue | None
) -> dict[str, Any]:
    """An enabling-goal (Likert) question's partnership answer: the share per step, top two and
    median, all None when the value is suppressed (too few organisations)."""
    distribution = (current.distribution or {}) if current else {}
    details = (current.details or {}) if current else {}
    suppressed = current is None or current.suppressed
    return {
        "key": key,
        "question": name,
        "data_year": data_year,
        "n": current.n if current else 0,
        "dont_know": details.get("n_dont_know", 0),
        **{f"p{p}": None if suppressed else _num(distribution.get(str(p), 0)) for p in range(1, 6)},
        "top2": None if suppressed else _num(details.get("top2")),
        "median": None if suppressed else _num(details.get("median")),
    }


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
        if indicator.source == Indicator.Source.SURVEY_FIELD and indicator.aggregation in {
            Indicator.Aggregation.EMISSIONS,
            Indicator.Aggregation.SUM,
            Indicator.Aggregation.MEDIAN,
        }:
            # Emissions figures come from surveys.figures (below), each labelled with its
            # scopes, scope 2 method, panel and coverage; never a stored S1 + S2 across partners.
            continue
        if indicator.aggregation == Indicator.Aggregation.LIKERT:
            likert_keys.append(indicator.key)
            likert_years[indicator.key] = data_year
            enabling.append(_enabling_row(indicator.key, name, data_year, current))
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

    # Each organisation's own answers to the enabling-goal questions: one query for all.
    own: dict[str, list[dict[str, Any]]] = {}
    for org_id, key, answer_year, answer in IndicatorValue.objects.filter(
        organisation__isnull=False, year__lte=year, indicator__key__in=likert_keys
    ).values_list("organisation_id", "indicator__key", "year", "value"):
        if answer_year != likert_years[key]:
            continue
        own.setdefault(str(org_id), []).append(
            {"key": key, "value": int(answer) if answer else None}
        )
    for pk, org in data["organisations"].items():
        org["enabling"] = own.get(pk, [])
    _add_figures(data, year=year)
    return []


# --- the figures (surveys.figures, issue 16) ---------------------------------------------------

# The partnership's headline figures, in the order the report shows them: each scope on its own
# (never scope 1 + 2 summed across partners), then the like-for-like panel's changes.
HEADLINE = [
    "scope1_sum",
    "scope2_location_sum",
    "scope2_market_sum",
    "scope1_panel_change",
    "scope2_location_panel_change",
    "scope2_market_panel_change",
    "median_partner_change",
    "on_path_share",
    "own_target_share",
]
SUMS = ["scope1_sum", "scope2_location_sum", "scope2_market_sum"]
LANGUAGES = ("sv", "en")


def _in_languages(make: Callable[[], str]) -> dict[str, str]:
    """A text made in each report language (the report is built later, in one of them)."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(make())
    return texts


def _method_label(method: str) -> str:
    return {"location": _("platsbaserad"), "market": _("marknadsbaserad")}.get(method, "")


def _scope3_status_label(status: str) -> str:
    return {
        "calculated": _("Beräknad"),
        "not_relevant": _("Inte relevant"),
        "not_calculated": _("Relevant men inte beräknad"),
        "included_elsewhere": _("Ingår i annan kategori"),
    }.get(status, _("Inte besvarad"))


def _category_name(number: int) -> dict[str, str]:
    """The scope 3 category's name (the questionnaire's, Swedish and English)."""
    from surveys.questionnaire import SCOPE3_CATEGORIES

    sv, en = SCOPE3_CATEGORIES[number - 1]
    return {"sv": sv, "en": en or sv}


def _figure(figure: Any) -> dict[str, Any]:
    """One :class:`surveys.figures.Figure` as the snapshot keeps it, with its label and its
    note (who is in, what was left out) in both languages."""
    from surveys import figures

    return {
        "key": figure.key,
        "year": figure.year,
        "value": _num(figure.value),
        "unit": figure.unit,
        "n": figure.n,
        "n_partners": figure.n_partners,
        "left_out_included": figure.left_out_included,
        "left_out_not_comparable": figure.left_out_not_comparable,
        "scopes": figure.scopes,
        "scope2_method": figure.scope2_method,
        "method": _in_languages(lambda: _method_label(figure.scope2_method)),
        "panel": figure.panel,
        "base_year": figure.base_year,
        "suppressed": figure.suppressed,
        "label": _in_languages(lambda: figures.figure_label(figure)),
        "note": _in_languages(lambda: figures.figure_note(figure)),
    }


def _check(check: Any) -> dict[str, Any]:
    from surveys import figures

    return {
        "kind": check.kind,
        "label": _in_languages(lambda: figures.path_check_label(check)),
        "scopes": check.scopes,
        "scope2_method": check.scope2_method,
        "base_year": check.base_year,
        "base_value": _num(check.base_value),
        "rate": _num(check.rate),
        "emissions": _num(check.emissions),
        "target": _num(check.target),
        "gap": _num(check.gap),
        "gap_pct": _num(check.gap_pct),
        "on_path": check.on_path,
        "average_rate": _num(check.average_rate),
        "required_rate": _num(check.required_rate),
    }


def _organisation(found: Any) -> dict[str, Any]:
    """One organisation's :class:`surveys.figures.OrganisationFigures` for one year. Which
    partner's report holds its figures is kept as a yes/no: an organisation's report names no
    other organisation."""
    partnership_path = found.check("partnership_path")
    return {
        "year": found.year,
        "scope1": _num(found.scope1),
        "scope2_location": _num(found.scope2_location),
        "scope2_market": _num(found.scope2_market),
        "scope3": _num(found.scope3),
        "scope3_categories": [
            {
                "number": c.number,
                "name": _category_name(c.number),
                "value": _num(c.value),
                "status": c.status,
                "status_label": _in_languages(partial(_scope3_status_label, c.status)),
            }
            for c in found.scope3_categories
        ],
        "total": _num(found.total),
        "total_scopes": found.total_scopes,
        "scope2_method": found.scope2_method,
        "method": _in_languages(lambda: _method_label(found.scope2_method)),
        "included_elsewhere": found.included_in is not None,
        "comparable": found.comparable,
        "boundary_changed": found.boundary_changed,
        "path_emissions": _num(partnership_path.emissions) if partnership_path else None,
        "path_target": _num(partnership_path.target) if partnership_path else None,
        "on_path": partnership_path.on_path if partnership_path else None,
        "checks": [_check(c) for c in found.checks],
    }


def _add_figures(data: dict[str, Any], *, year: int) -> None:
    """The partnership's figures and each organisation's, from approved answers, for the
    report's data year: the latest year up to the report year that approved responses cover
    (a report written in spring shows the year before)."""
    from surveys import figures

    inputs = figures.load_inputs()
    covered = sorted({int(y) for y in inputs.responses["year"]})
    data_year = max((y for y in covered if y <= year), default=year)
    rows = {f.key: _figure(f) for f in figures.partnership_figures(data_year, inputs)}
    sums = []
    for sum_year in (y for y in covered if inputs.base_year <= y <= data_year):
        by_key = {f.key: f for f in figures.partnership_figures(sum_year, inputs) if f.key in SUMS}
        sums.append({"year": sum_year, **{key: _figure(by_key[key]) for key in SUMS}})
    scope3 = []
    for number in range(1, 16):
        stats = {stat: rows.get(f"scope3_c{number}_{stat}") for stat in ("reporting", "median")}
        stats.update({stat: rows.get(f"scope3_c{number}_{stat}") for stat in ("q1", "q3")})
        reporting = stats["reporting"] or {}
        scope3.append(
            {
                "number": number,
                "name": _category_name(number),
                "n": reporting.get("n", 0),
                "n_partners": reporting.get("n_partners", 0),
                "left_out_included": reporting.get("left_out_included", 0),
                **{stat: (stats[stat] or {}).get("value") for stat in ("median", "q1", "q3")},
            }
        )
    panel = rows.get("median_partner_change")
    responses = rows.get("responses")
    data["partnership"]["figures"] = {
        "data_year": data_year,
        "base_year": inputs.base_year,
        "rate": inputs.rate,
        "scope2_method": inputs.scope2_method,
        "method": _in_languages(lambda: _method_label(inputs.scope2_method)),
        "headline": [rows[key] for key in HEADLINE if key in rows],
        "sums": sums,
        "scope3": scope3,
        "responses": responses["n"] if responses else 0,
        "n_partners": responses["n_partners"] if responses else 0,
        "panel": panel["n"] if panel else None,
    }
    for pk, org in data["organisations"].items():
        series = [
            found
            for found in figures.organisation_series(int(pk), inputs)
            if found.year <= data_year
        ]
        current = next((found for found in series if found.year == data_year), None)
        org["figures"] = {
            "data_year": data_year,
            "base_year": inputs.base_year,
            "current": _organisation(current) if current else None,
            "series": [_organisation(found) for found in series],
        }
