"""Server-rendered SVG line charts for the follow-up pages.

Geometry is computed here; ``surveys/_chart.html`` draws it. Series differ by line pattern and
marker shape as well as colour (solid + circles = actual, dashed + squares = target, dotted +
triangles = 20 % path), so the chart reads in grey-scale; every chart has a data table beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 32

STYLES = {
    "actual": {"css": "kf-series-actual", "marker": "circle"},
    "target": {"css": "kf-series-target", "marker": "square"},
    "path": {"css": "kf-series-path", "marker": "triangle"},
    "own_target": {"css": "kf-series-own", "marker": "diamond"},
}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None


def line_chart(series: list[tuple[str, str, dict[int, Any]]]) -> dict[str, Any] | None:
    """``series``: (style, label, {year: value}). None when there is nothing to draw."""
    points = [
        (year, _number(v)) for _s, _l, data in series for year, v in data.items() if v is not None
    ]
    points = [(y, v) for y, v in points if v is not None]
    if not points:
        return None
    years = sorted({y for y, _v in points})
    low = min(0.0, min(v for _y, v in points if v is not None))
    high = max(v for _y, v in points if v is not None)
    if high == low:
        high = low + 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    drawn = []
    for style, label, data in series:
        coords = [
            (round(x(year), 1), round(y(v), 1))
            for year, raw in sorted(data.items())
            if (v := _number(raw)) is not None
        ]
        if not coords:
            continue
        drawn.append(
            {
                "label": label,
                "css": STYLES[style]["css"],
                "marker": STYLES[style]["marker"],
                "points": " ".join(f"{a},{b}" for a, b in coords),
                "coords": coords,
            }
        )
    ticks = [low + (high - low) * i / 4 for i in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "series": drawn,
        "x_ticks": [{"x": round(x(year), 1), "label": year} for year in years],
        "y_ticks": [{"y": round(y(t), 1), "label": f"{t:,.0f}".replace(",", " ")} for t in ticks],
        "axis_y": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
    }


def indicator_chart(item: dict[str, Any]) -> dict[str, Any] | None:
    indicator = item["indicator"]
    actual = {v.year: v.value for v in item["values"] if not v.suppressed}
    series: list[tuple[str, str, dict[int, Any]]] = [("actual", _("Utfall partnerskapet"), actual)]
    if item["own_values"]:
        own = {v.year: v.value for v in item["own_values"]}
        series.append(("own_target", _("Er organisation"), own))
    if item["targets"]:
        series.append(("target", _("Mål"), item["targets"]))
    paths = {v.year: v.details.get("path") for v in item["values"] if v.details.get("path")}
    if paths and indicator.aggregation == "emissions":
        series.append(("path", _("20 %-banan"), paths))
    return line_chart(series)


def pathway_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return line_chart(
        [
            ("actual", _("Era utsläpp (scope 1 + 2)"), {r["year"]: r["emissions"] for r in rows}),
            ("path", _("Partnerskapets 20 %-bana"), {r["year"]: r["path"] for r in rows}),
            ("own_target", _("Ert eget mål"), {r["year"]: r["own_target"] for r in rows}),
        ]
    )
