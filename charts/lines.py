"""Lines over years: each series with its own dash, marker and colour, named at its last point."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from charts import series as _series
from charts.model import GRID, INK, MUTED, WHITE, Chart, Coverage, Line, Marker, Path, Text, Tick
from charts.palette import style
from charts.scale import Axis, coord, text_width
from charts.series import Series
from klimatfardplan.numbers import for_people

LABEL_SIZE = 11
LINE_GAP = 13  # end labels closer than this are moved down, so they never overlap


def _marker(shape: str, x: float, y: float, colour: str) -> Marker:
    if shape == "square":
        return Marker("square", coord(x - 3.5), coord(y - 3.5), "7", WHITE, colour)
    if shape == "triangle":
        d = f"M{coord(x)},{coord(y - 4.5)} L{coord(x + 4.5)},{coord(y + 3.5)} L{coord(x - 4.5)},{coord(y + 3.5)} Z"
        return Marker("path", d=d, fill=colour)
    if shape == "diamond":
        d = f"M{coord(x)},{coord(y - 4.5)} L{coord(x + 4.5)},{coord(y)} L{coord(x)},{coord(y + 4.5)} L{coord(x - 4.5)},{coord(y)} Z"
        return Marker("path", d=d, fill=WHITE, stroke=colour)
    return Marker("circle", coord(x), coord(y), "3.5", colour)


def _description(title: str, unit: str, drawn: list[tuple[Series, list[tuple[int, float]]]]) -> str:
    parts = [f"{title} ({unit})." if unit else f"{title}."]
    for s, points in drawn:
        (first_year, first), (last_year, last) = points[0], points[-1]
        if len(points) == 1:
            parts.append(
                _("%(label)s: %(value)s år %(year)s.")
                % {"label": s.label, "value": for_people(first), "year": first_year}
            )
        else:
            parts.append(
                _("%(label)s: från %(first)s år %(first_year)s till %(last)s år %(last_year)s.")
                % {
                    "label": s.label,
                    "first": for_people(first),
                    "first_year": first_year,
                    "last": for_people(last),
                    "last_year": last_year,
                }
            )
    return " ".join(parts)


def _draw_series(
    chart: Chart,
    drawn: list[tuple[Series, list[tuple[int, float]]]],
    end_labels: list[str],
    sx: Callable[[int], float],
    sy: Callable[[float], float],
) -> None:
    """Each series' line and markers, named at its last point (readable without colour)."""
    used: list[float] = []
    for (s, points), end_label in zip(drawn, end_labels, strict=True):
        look = style(s.style)
        d = " ".join(
            f"{'M' if i == 0 else 'L'}{coord(sx(x))},{coord(sy(v))}"
            for i, (x, v) in enumerate(points)
        )
        chart.paths.append(Path(d, look.colour, "2.4" if s.style == 0 else "2", look.dash))
        chart.markers.extend(_marker(look.marker, sx(x), sy(v), look.colour) for x, v in points)
        last_x, last_v = points[-1]
        label_y = sy(last_v) + 4
        while any(abs(label_y - other) < LINE_GAP for other in used):
            label_y += LINE_GAP  # labels closer than a line apart move down, never overlap
        used.append(label_y)
        chart.texts.append(
            Text(coord(sx(last_x) + 10), coord(label_y), end_label, "11", fill=look.colour)
        )


def line_chart(
    *,
    slug: str,
    title: str,
    series: Sequence[Series],
    unit: str = "",
    notes: Sequence[str] = (),
    coverage: Sequence[Coverage] = (),
    width: int = 640,
    height: int = 300,
) -> Chart:
    """``series`` keys are years. Years are spaced by their distance (a gap year shows)."""
    drawn = [
        (s, [(int(year), v) for year in sorted(s.points) if (v := s.value(year)) is not None])
        for s in series
    ]
    drawn = [(s, points) for s, points in drawn if points]
    if not drawn:
        return _series.empty("lines", slug, title, width)
    years = sorted({year for _s, points in drawn for year, _v in points})
    values = [v for _s, points in drawn for _y, v in points]
    axis = Axis.around(min(values), max(values))
    tick_labels = [axis.label(t) for t in axis.ticks]
    end_labels = [f"{s.label}: {for_people(points[-1][1])}" for s, points in drawn]
    left = max(48.0, max(text_width(t, LABEL_SIZE) for t in tick_labels) + 14)
    right = min(240.0, max(text_width(t, LABEL_SIZE) for t in end_labels) + 18)
    lines_below = len(notes) + (1 if coverage else 0)
    top, bottom = 28.0, 34.0 + 14 * lines_below
    plot_w, plot_h = width - left - right, height - top - bottom
    # Whole pixels per step: the gridlines stand evenly, whatever the rounding of coordinates.
    steps = len(axis.ticks) - 1
    plot_h = math.floor(plot_h / steps) * steps
    inset = 12.0  # the first and last year's markers stay clear of the axis labels

    def sx(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        share = float(year - years[0]) / (years[-1] - years[0])
        return left + inset + share * (plot_w - 2 * inset)

    def sy(value: float) -> float:
        return top + plot_h * (1 - axis.fraction(value))

    chart = Chart(
        kind="lines",
        slug=slug,
        title=title,
        description=_description(title, unit, drawn),
        width=coord(width),
        height=coord(height),
        notes=list(notes),
        coverage=list(coverage),
        coverage_y=coord(height - 6),
        table=_series.table(title, _("År"), list(years), list(series)),
    )
    for value, label in zip(axis.ticks, tick_labels, strict=True):
        y = coord(sy(value))
        chart.lines.append(Line(coord(left), y, coord(left + plot_w), y, GRID, "0.8"))
        chart.texts.append(Text(coord(left - 6), coord(sy(value) + 4), label, "11", "end", MUTED))
        chart.y_ticks.append(Tick(y, label))
    base = coord(top + plot_h)
    chart.lines.append(Line(coord(left), base, coord(left + plot_w), base, INK, "1"))
    for year in years:
        chart.texts.append(
            Text(coord(sx(year)), coord(top + plot_h + 16), str(year), "11", "middle")
        )
        chart.x_ticks.append(Tick(coord(sx(year)), str(year)))
    if unit:
        chart.texts.append(Text(coord(left - 6), "14", unit, "11", "end", MUTED))
    _draw_series(chart, drawn, end_labels, sx, sy)
    for index, note in enumerate(notes):
        note_y = height - 6 - 14 * (lines_below - 1 - index)
        chart.texts.append(Text("8", coord(note_y), note, "9.5", fill=MUTED))
    return chart
