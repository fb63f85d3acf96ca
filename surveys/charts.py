"""The follow-up's charts (issue 20): the indicators' series and an organisation's emissions
against the 20 % path, built with the one chart component (:mod:`charts`).

Series keep one look each everywhere: actual = solid + circles, target = dashed + squares,
the 20 % path = dotted + triangles, the organisation's own = dash-dot + diamonds. Every chart has
its data table on the page (``surveys/followup.html``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from charts import build
from charts.model import Chart, Coverage

STYLES = {"actual": 0, "target": 1, "path": 2, "own_target": 3}


def line_chart(
    series: list[tuple[str, str, Mapping[int, Any]]],
    *,
    slug: str = "chart",
    title: str = "",
    unit: str = "",
    coverage: list[Coverage] | None = None,
) -> Chart:
    """``series``: (style, label, {year: value}); ``chart.empty`` when there is nothing to draw."""
    return build.line_chart(
        slug=slug,
        title=title,
        unit=unit,
        series=[build.Series(label, data, STYLES[kind]) for kind, label, data in series],
        coverage=coverage or [],
    )


def _coverage(values: list[Any]) -> list[Coverage]:
    """A partnership value moves with who reported: say under the chart how many partners each
    year's point stands on, so a year with half the answers is not read as a cut."""
    return [
        # Plain ints: the values may come from the database or the shared cache as Decimal or
        # text, which the template's "%d" would print as nothing.
        Coverage(int(v.year), int(v.n), int(v.n_total))
        for v in sorted(values, key=lambda v: int(v.year))
        if not v.suppressed and v.n_total and v.n is not None
    ]


def indicator_chart(item: dict[str, Any]) -> Chart:
    indicator = item["indicator"]
    actual = {v.year: v.value for v in item["values"] if not v.suppressed}
    series: list[tuple[str, str, Mapping[int, Any]]] = [
        ("actual", _("Utfall partnerskapet"), actual)
    ]
    if item["own_values"]:
        own = {v.year: v.value for v in item["own_values"]}
        series.append(("own_target", _("Er organisation"), own))
    if item["targets"]:
        series.append(("target", _("Mål"), item["targets"]))
    paths = {v.year: v.details.get("path") for v in item["values"] if v.details.get("path")}
    if paths and indicator.aggregation == "emissions":
        series.append(("path", _("20 %-banan"), paths))
    return line_chart(
        series,
        slug=f"indicator-{getattr(indicator, 'pk', '')}",
        title=getattr(indicator, "name", ""),
        unit=getattr(indicator, "unit", ""),
        coverage=_coverage(item["values"]),
    )


def pathway_chart(rows: list[dict[str, Any]], *, slug: str = "pathway") -> Chart:
    return line_chart(
        [
            ("actual", _("Era utsläpp (scope 1 + 2)"), {r["year"]: r["emissions"] for r in rows}),
            ("path", _("Partnerskapets 20 %-bana"), {r["year"]: r["path"] for r in rows}),
            ("own_target", _("Ert eget mål"), {r["year"]: r["own_target"] for r in rows}),
        ],
        slug=slug,
        title=_("Era utsläpp, 20 %-banan och ert eget mål"),
        unit=_("ton CO2e"),
    )
