"""Diverging stacked bars for 5-point Likert items, centred on the neutral category, with the
percentages written in (survey-and-ghg.md §5: show the distribution, never only a mean)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from charts import series as _series
from charts.model import INK, MUTED, WHITE, Chart, Line, Marker, Rect, Table, Text
from charts.palette import LIKERT
from charts.scale import coord, shorten, text_width
from klimatfardplan.numbers import for_people


@dataclass
class LikertRow:
    label: str
    shares: list[float | None]  # percent per category 1..5; None: suppressed (fewer than 3)
    n: int = 0
    marker: int | None = None  # the organisation's own answer (1..5), drawn as a triangle
    notes: list[str] = field(default_factory=list)


ROW_H = 34
LABEL_W = 210


def _wrap(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return (
        [lines[0], shorten(lines[1] + (" …" if len(lines) > 2 else ""), limit + 2)]
        if len(lines) > 1
        else (lines or [""])
    )


def _shares(row: LikertRow) -> str:
    if any(share is None for share in row.shares):
        return _("visas inte (färre än 3 svar)")
    return ", ".join(f"{i + 1}: {for_people(s, 0)} %" for i, s in enumerate(row.shares))


def _table(title: str, rows: Sequence[LikertRow], scale_labels: Sequence[str]) -> Table:
    return Table(
        caption=title,
        head=[_("Påstående"), *(f"{i + 1} {label}" for i, label in enumerate(scale_labels)), "n"],
        rows=[[r.label, *(for_people(s, 0) for s in r.shares), str(r.n)] for r in rows],
    )


def _row(chart: Chart, row: LikertRow, y: float, bar_left: float, bar_right: float) -> None:
    centre, half = (bar_left + bar_right) / 2, (bar_right - bar_left) / 2
    for line_no, line in enumerate(_wrap(row.label, 36)):
        chart.texts.append(Text(coord(LABEL_W), coord(y + 13 + line_no * 12), line, "10", "end"))
    chart.texts.append(Text(coord(bar_right + 6), coord(y + 17), f"n={row.n}", "9", fill=MUTED))
    if any(share is None for share in row.shares):
        chart.texts.append(Text(coord(centre), coord(y + 17), "–", "10", "middle", MUTED))
        return
    shares = [float(s or 0) for s in row.shares]
    x = centre - (shares[0] + shares[1] + shares[2] / 2) / 100 * half
    for category, share in enumerate(shares):
        w = share / 100 * half
        look = LIKERT[category]
        if w > 0:
            box = (coord(x), coord(y + 4), coord(w), "18")
            chart.rects.append(
                Rect(*box, fill=look.colour, stroke=INK, stroke_width="0.5", css="kf-bar")
            )
            if look.pattern:
                chart.rects.append(Rect(*box, fill=f"url(#{chart.slug}-{look.pattern})"))
            if share >= 9:
                # A white box behind the figure keeps it legible over hatching and dark fills.
                chart.rects.append(
                    Rect(coord(x + w / 2 - 13), coord(y + 7), "26", "12", WHITE, opacity="0.9")
                )
                chart.texts.append(
                    Text(
                        coord(x + w / 2), coord(y + 17), f"{for_people(share, 0)} %", "9", "middle"
                    )
                )
        if row.marker == category + 1:
            mx = x + w / 2
            d = f"M{coord(mx)},{coord(y + 24)} L{coord(mx + 5)},{coord(y + 32)} L{coord(mx - 5)},{coord(y + 32)} Z"
            chart.markers.append(Marker("path", d=d, fill=INK))
        x += w


def likert_chart(
    *,
    slug: str,
    title: str,
    rows: Sequence[LikertRow],
    scale_labels: Sequence[str],
    marker_label: str = "",
    width: int = 640,
) -> Chart:
    if not rows:
        return _series.empty("likert", slug, title, width)
    bar_left, bar_right, top = LABEL_W + 10, width - 50, 10
    chart = Chart(
        kind="likert",
        slug=slug,
        title=title,
        description=" ".join([f"{title}.", *(f"{r.label} (n={r.n}): {_shares(r)}." for r in rows)]),
        width=coord(width),
        table=_table(title, rows, scale_labels),
    )
    centre = coord((bar_left + bar_right) / 2)
    chart.lines.append(
        Line(centre, coord(top - 4), centre, coord(top + ROW_H * len(rows)), INK, "0.8")
    )
    for index, row in enumerate(rows):
        _row(chart, row, top + index * ROW_H, bar_left, bar_right)
    legend_y = top + ROW_H * len(rows) + 18.0
    x = 20.0
    for category, label in enumerate(scale_labels):
        look, text = LIKERT[category], f"{category + 1} {label}"
        box = (coord(x), coord(legend_y - 10), "14", "12")
        chart.rects.append(Rect(*box, fill=look.colour, stroke=INK, stroke_width="0.5"))
        if look.pattern:
            chart.rects.append(Rect(*box, fill=f"url(#{chart.slug}-{look.pattern})"))
        chart.texts.append(Text(coord(x + 18), coord(legend_y), text, "9"))
        x += 18 + text_width(text, 9) + 16
        if x > width - 120 and category < len(scale_labels) - 1:
            x, legend_y = 20.0, legend_y + 16
    if marker_label:
        legend_y += 18
        d = f"M26,{coord(legend_y - 9)} L31,{coord(legend_y)} L21,{coord(legend_y)} Z"
        chart.markers.append(Marker("path", d=d, fill=INK))
        chart.texts.append(Text("38", coord(legend_y), marker_label, "9"))
    chart.height = coord(legend_y + 12)
    return chart
