"""Server-rendered SVG line charts for the follow-up pages.

Geometry is computed here; ``surveys/_chart.html`` draws it. Series differ by line pattern and
marker shape as well as colour (solid + circles = actual, dashed + squares = target, dotted +
triangles = 20 % path), so the chart reads in grey-scale; every chart has a data table beside it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from klimatfardplan.numbers import for_machines, for_people

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
    # Round the axis out to a "nice" step so that every tick label is exactly where it stands
    # (quarters of an arbitrary maximum, rounded for display, put "1" at 1.5).
    step = nice_step((high - low) / 4)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
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
            (x(year), y(v)) for year, raw in sorted(data.items()) if (v := _number(raw)) is not None
        ]
        if not coords:
            continue
        drawn.append(
            {
                "label": label,
                "css": STYLES[style]["css"],
                "marker": STYLES[style]["marker"],
                "points": " ".join(f"{svg(a)},{svg(b)}" for a, b in coords),
                # Each marker's centre and, for the squares, its top-left corner (8 × 8).
                "markers": [
                    {"x": svg(a), "y": svg(b), "corner_x": svg(a - 4), "corner_y": svg(b - 4)}
                    for a, b in coords
                ],
            }
        )
    ticks = [low + step * i for i in range(round((high - low) / step) + 1)]
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    # Every number that goes into the SVG is a string written by for_machines (never "208,0"
    # on a Swedish page); the axis labels people read by for_people.
    return {
        "width": svg(WIDTH),
        "height": svg(HEIGHT),
        "series": drawn,
        "x_ticks": [{"x": svg(x(year)), "label": str(year)} for year in years],
        "y_ticks": [{"y": svg(y(t)), "label": for_people(t, decimals)} for t in ticks],
        "x_label_y": svg(HEIGHT - 10),
        "y_label_x": svg(LEFT - 6),
        "axis_y": svg(HEIGHT - BOTTOM),
        "left": svg(LEFT),
        "right": svg(WIDTH - RIGHT),
        "top": svg(TOP),
    }


def nice_step(rough: float) -> float:
    """The step of 1, 2, 2.5 or 5 times a power of ten nearest above ``rough``."""
    if rough <= 0:
        return 1.0
    power: float = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= rough * (1 - 1e-9))


def svg(value: float) -> str:
    """A coordinate, one decimal at most, as SVG wants it whatever the page's language."""
    return for_machines(value, 1).removesuffix(".0")


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
    chart = line_chart(series)
    if chart is not None:
        # A partnership value moves with who reported: say under the chart how many partners
        # each year's point stands on, so a year with half the answers is not read as a cut.
        chart["coverage"] = [
            {"year": v.year, "n": v.n, "n_total": v.n_total}
            for v in sorted(item["values"], key=lambda v: v.year)
            if not v.suppressed and v.n_total
        ]
    return chart


def pathway_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return line_chart(
        [
            ("actual", _("Era utsläpp (scope 1 + 2)"), {r["year"]: r["emissions"] for r in rows}),
            ("path", _("Partnerskapets 20 %-bana"), {r["year"]: r["path"] for r in rows}),
            ("own_target", _("Ert eget mål"), {r["year"]: r["own_target"] for r in rows}),
        ]
    )
