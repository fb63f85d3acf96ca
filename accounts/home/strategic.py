"""The strategic group's home: headline figures, the partnership's emissions against the 20 %
path, and what needs attention.

The emissions are the partnership figures of :mod:`surveys.figures` as the surveys app stores
them whenever an answer is approved or reopened (``surveys.selectors.indicator_followup``:
computing them afresh costs about half a second, too much for a home page). Scope 1 and scope 2
are never added across partners (docs/figures.md): each scope's change on the like-for-like
panel is shown on its own, as an index (base year = 100), against the path's index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from charts import build
from partners import selectors as partner_selectors
from partners.models import Commitment, Organisation
from surveys import selectors as survey_selectors
from surveys.figures.compute import path_target

if TYPE_CHECKING:
    from accounts.policy import AnyUser
    from activities.selectors import Dashboard
    from charts.model import Chart

# Stored figure keys (surveys.figures): each scope's sum carries its panel change from the base
# year; the S1 + S2 indicator the share of the panel on the path, with the period's method.
SCOPE1 = "scope1_sum"
SCOPE2 = {"market": "scope2_market_sum", "location": "scope2_location_sum"}
ON_PATH = "on_path_share"


@dataclass(frozen=True)
class PathYear:
    """One year of the partnership against the path, as an index (base year = 100)."""

    year: int
    scope1: float | None
    scope1_n: int | None
    scope2: float | None
    scope2_n: int | None
    path: float
    on_path_percent: float | None


@dataclass
class EmissionsPath:
    base_year: int
    rate_percent: int
    scope2_method: str
    years: list[PathYear] = field(default_factory=list)
    chart: Chart | None = None


@dataclass
class StrategicHome:
    partners: list[dict[str, Any]]  # active, and new (signed), each with the list filtered so
    commitments: int
    committed_organisations: int
    activities_total: int
    by_signal: list[dict[str, Any]]
    attention: dict[str, int]
    uncovered_challenges: int
    emissions: EmissionsPath | None


def strategic_home(user: AnyUser, *, dashboard: Dashboard) -> StrategicHome:
    """Queries: partners active and new (2), the period and its confirmed commitments (3), the
    stored figures (3) and the period (1); the activities come from ``dashboard``, read once for
    the page."""
    period = partner_selectors.current_period()
    confirmed = Commitment.objects.confirmed()
    if period is not None:
        confirmed = confirmed.for_period(period)
    commitments = confirmed.values("commitment_set__organisation").order_by()
    activity_list = reverse("activities:activity_list")
    partner_list = reverse("partners:organisation_list")
    return StrategicHome(
        partners=[
            {
                "status": status,
                "count": partner_selectors.list_organisations(
                    visible_to=user, filters=partner_selectors.OrganisationFilters(status=status)
                ).count(),
                "url": f"{partner_list}?{urlencode({'status': status})}",
            }
            for status in (Organisation.Status.ACTIVE, Organisation.Status.SIGNED)
        ],
        commitments=commitments.count(),
        committed_organisations=commitments.distinct().count(),
        activities_total=dashboard.total,
        by_signal=[
            {
                "signal": code,
                "label": label,
                "count": count,
                "url": f"{activity_list}?{urlencode({'signal': code})}",
            }
            for code, label, count in dashboard.by_signal
        ],
        attention=dict(dashboard.attention_counts),
        uncovered_challenges=len(dashboard.uncovered_challenges),
        emissions=emissions_path(),
    )


def _index(change: Any) -> float | None:
    return None if change is None else round(100.0 * (1.0 + float(Decimal(str(change)))), 1)


def emissions_path() -> EmissionsPath | None:
    """The stored panel changes per scope and the share of the panel on the path, per year
    from the base year; None before any year has a panel."""
    by_figure: dict[str, dict[int, Any]] = {}
    for item in survey_selectors.indicator_followup():
        for value in item["values"]:
            key = (value.details or {}).get("figure")
            if key:
                by_figure.setdefault(key, {})[value.year] = value
    on_path = by_figure.get(ON_PATH, {})
    if not on_path:
        return None
    latest = on_path[max(on_path)]
    base_year = int(latest.details["base_year"])
    method = str(latest.details.get("scope2_method") or "market")
    period = survey_selectors.current_period()
    rate = float(period.annual_reduction_rate) if period is not None else 0.2
    scope1, scope2 = by_figure.get(SCOPE1, {}), by_figure.get(SCOPE2.get(method, ""), {})
    result = EmissionsPath(
        base_year=base_year, rate_percent=round(rate * 100), scope2_method=method
    )
    for year in range(base_year, max(on_path) + 1):
        s1, s2, share = scope1.get(year), scope2.get(year), on_path.get(year)
        base = year == base_year
        result.years.append(
            PathYear(
                year=year,
                scope1=100.0 if base else _change_index(s1),
                scope1_n=_panel_n(s1),
                scope2=100.0 if base else _change_index(s2),
                scope2_n=_panel_n(s2),
                path=round(path_target(100.0, rate, year - base_year), 1),
                on_path_percent=(
                    float(share.value) if share is not None and share.value is not None else None
                ),
            )
        )
    result.chart = _chart(result)
    return result


def _change_index(value: Any) -> float | None:
    if value is None or value.suppressed:
        return None
    return _index((value.details or {}).get("change"))


def _panel_n(value: Any) -> int | None:
    if value is None:
        return None
    n = (value.details or {}).get("panel_n")
    return int(n) if n is not None else None


def _chart(path: EmissionsPath) -> Chart:
    # Short names: each line is named at its end, and a phone has little room for it.
    scope2 = _("Scope 2 marknad") if path.scope2_method == "market" else _("Scope 2 plats")
    return build.line_chart(
        slug="partnership-path",
        title=_("Partnernas utsläpp mot %(rate)s %%-banan, index (basår %(year)s = 100)")
        % {"rate": path.rate_percent, "year": path.base_year},
        series=[
            build.Series(_("Scope 1"), {y.year: y.scope1 for y in path.years}, style=0),
            build.Series(scope2, {y.year: y.scope2 for y in path.years}, style=1),
            build.Series(
                _("%(rate)s %%-banan") % {"rate": path.rate_percent},
                {y.year: y.path for y in path.years},
                style=2,
            ),
        ],
        unit=_("index"),  # drawn above the axis: short; the title says what 100 is
    )
