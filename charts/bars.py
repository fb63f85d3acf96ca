"""Horizontal bars: one row per category, one bar per series, each value written at its end.

Horizontal because the categories are names (focus areas, challenges, organisations) that are
read in full; the value axis starts at zero so a bar's length is its value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from charts import series as _series
from charts.model import GRID, INK, MUTED, Chart, Line, Rect, Text, Tick
from charts.palette import style
from charts.scale import Axis, coord, shorten, text_width
from charts.series import Series
from klimatfardplan.numbers import for_people

BAR_H = 14.0
GAP = 3.0
ROW_GAP = 10.0
LABEL_CHARS = 46


def _description(title: str, unit: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    parts = [f"{title} ({unit})." if unit else f"{title}."]
    for s in series:
        values = "; ".join(f"{c}: {for_people(s.value(c))}" for c in categories)
        parts.append(f"{s.label}: {values}." if len(series) > 1 else f"{values}.")
    return " ".join(parts)


def _bar(
    chart: Chart, s: Series, value: float | None, y: float, sx: Callable[[float], float], unit: str
) -> None:
    """One value's bar from zero, hatched by its series, with the value written at its end."""
    if value is None:
        chart.texts.append(Text(coord(sx(0.0) + 4), coord(y + BAR_H - 3), "–", "10", fill=MUTED))
        return
    look = style(s.style)
    end, zero = sx(value), sx(0.0)
    geometry = (coord(min(zero, end)), coord(y), coord(abs(end - zero)), coord(BAR_H))
    chart.rects.append(Rect(*geometry, fill=look.colour, css="kf-bar"))
    if look.pattern:
        chart.rects.append(Rect(*geometry, fill=f"url(#{chart.slug}-{look.pattern})"))
    label = for_people(value) + unit
    chart.texts.append(Text(coord(max(zero, end) + 5), coord(y + BAR_H - 3), label, "11"))


def _legend(chart: Chart, series: Sequence[Series], left: float) -> None:
    """A swatch (colour and hatch) and the name of each series, above the bars."""
    legend_x = left
    for s in series:
        look = style(s.style)
        swatch = (coord(legend_x), "8", "14", "10")
        chart.rects.append(Rect(*swatch, fill=look.colour, stroke=INK, stroke_width="0.5"))
        if look.pattern:
            chart.rects.append(Rect(*swatch, fill=f"url(#{chart.slug}-{look.pattern})"))
        chart.texts.append(Text(coord(legend_x + 18), "17", s.label, "10"))
        legend_x += 18 + text_width(s.label, 10) + 16


def bar_chart(
    *,
    slug: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    category_label: str = "",
    width: int = 640,
) -> Chart:
    """``series`` keys are the ``categories``; a missing value draws no bar and writes "–".
    ``category_label`` heads the categories' column in the chart's table."""
    values = [v for s in series for c in categories if (v := s.value(c)) is not None]
    if not categories or not values:
        return _series.empty("bars", slug, title, width)
    axis = Axis.around(0.0, max(values))
    labels = [shorten(c, LABEL_CHARS) for c in categories]
    left = min(280.0, max(text_width(t, 11) for t in labels) + 16)
    value_room = max(text_width(for_people(v) + unit, 11) for v in values) + 12
    plot_w = width - left - value_room
    legend_h = 20.0 if len(series) > 1 else 0.0
    top = 8.0 + legend_h + (14.0 if unit else 0.0)
    row_h = len(series) * (BAR_H + GAP) - GAP + ROW_GAP
    plot_h = row_h * len(categories)
    height = top + plot_h + 22

    def sx(value: float) -> float:
        return left + axis.fraction(value) * plot_w

    chart = Chart(
        kind="bars",
        slug=slug,
        title=title,
        description=_description(title, unit, categories, series),
        width=coord(width),
        height=coord(height),
        table=_series.table(title, category_label or _("Kategori"), list(categories), list(series)),
    )
    for tick in axis.ticks:
        x = coord(sx(tick))
        chart.lines.append(Line(x, coord(top - 4), x, coord(top + plot_h), GRID, "0.8"))
        chart.texts.append(
            Text(x, coord(top + plot_h + 14), axis.label(tick), "9.5", "middle", MUTED)
        )
        chart.x_ticks.append(Tick(x, axis.label(tick)))
    if unit:
        chart.texts.append(Text(coord(left), coord(top - 8), unit, "10", fill=MUTED))
    for row, (category, label) in enumerate(zip(categories, labels, strict=True)):
        y0 = top + row * row_h + ROW_GAP / 2
        chart.texts.append(
            Text(coord(left - 8), coord(y0 + (row_h - ROW_GAP) / 2 + 4), label, "11", "end")
        )
        for index, s in enumerate(series):
            _bar(chart, s, s.value(category), y0 + index * (BAR_H + GAP), sx, unit)
    chart.lines.append(
        Line(coord(left), coord(top - 4), coord(left), coord(top + plot_h), INK, "1")
    )
    if len(series) > 1:
        _legend(chart, series, left)
    return chart
