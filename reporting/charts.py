"""Server-side SVG charts for the annual reports (vector in the PDF, no JavaScript, no fetching).

Every chart stays readable when printed in grey-scale: series differ by dash pattern and marker
shape, Likert categories by hatching as well as shade, and values are written on the chart.
All text passes through :func:`_text`, which escapes it: labels may carry organisation names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from klimatfardplan.numbers import for_people

INK = "#111111"
MUTED = "#555555"
GRID = "#cccccc"
FONT = 'font-family="Source Sans 3, sans-serif"'


def number(value: float | None, decimals: int = 0) -> str:
    """A number the way the report's language writes it (sv: 1 234,5; en: 1,234.5). The
    coordinates around it are Python-formatted (a decimal point), as SVG requires."""
    return for_people(value, decimals)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 11,
    anchor: str = "start",
    fill: str = INK,
    weight: int = 400,
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
    )


def _svg(width: int, height: int, body: list[str], *, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="kf-chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


# --- line chart ---------------------------------------------------------------------------------

DASHES = ["", "8 4", "2 3", "10 3 2 3"]
MARKERS = ["circle", "square", "triangle", "diamond"]


@dataclass
class Series:
    label: str
    points: list[tuple[int, float | None]]
    dash: str = ""
    marker: str = "circle"
    width: float = 2.2


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} L{x + 4.5:.1f},{y + 3.5:.1f} L{x - 4.5:.1f},{y + 3.5:.1f} Z" fill="{INK}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} L{x + 4.5:.1f},{y:.1f} L{x:.1f},{y + 4.5:.1f} L{x - 4.5:.1f},{y:.1f} Z" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
    if kind == "none":
        return ""
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{INK}"/>'


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * exponent:
            return float(step * exponent)
    return float(10 * exponent)


def line_chart(
    series: Sequence[Series], *, title: str, unit: str, width: int = 640, height: int = 300
) -> str:
    """Lines over years; each series with its own dash and marker, labelled at its end."""
    years = sorted({x for s in series for x, _ in s.points})
    values = [y for s in series for _, y in s.points if y is not None and not math.isnan(y)]
    if not years or not values:
        return _svg(width, 60, [_text(10, 30, title + " – –", fill=MUTED)], title=title)
    left, right, top, bottom = 70, 150, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _nice_max(max(values))

    def sx(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + (year - years[0]) / (years[-1] - years[0]) * plot_w

    def sy(value: float) -> float:
        return top + plot_h - value / y_max * plot_h

    body: list[str] = []
    for i in range(5):
        value = y_max * i / 4
        y = sy(value)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.8"/>'
        )
        body.append(_text(left - 6, y + 4, number(value), size=10, anchor="end", fill=MUTED))
    for year in years:
        body.append(_text(sx(year), top + plot_h + 18, str(year), size=10, anchor="middle"))
    body.append(_text(left - 6, 12, unit, size=10, anchor="end", fill=MUTED))
    label_slots: list[float] = []
    for s in series:
        points = [(x, y) for x, y in s.points if y is not None and not math.isnan(y)]
        if not points:
            continue
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(points)
        )
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        body.append(f'<path d="{path}" fill="none" stroke="{INK}" stroke-width="{s.width}"{dash}/>')
        body.extend(_marker(s.marker, sx(x), sy(y)) for x, y in points)
        # The series is named at its last point (not only in a legend): readable without colour.
        last_x, last_y = points[-1]
        label_y = sy(last_y) + 4
        while any(abs(label_y - used) < 13 for used in label_slots):
            label_y += 13
        label_slots.append(label_y)
        body.append(_text(sx(last_x) + 10, label_y, f"{s.label}: {number(last_y)}", size=10))
    return _svg(width, height, body, title=title)


# --- diverging stacked bars (Likert) ------------------------------------------------------------

# Five categories, from "disagree completely" to "agree completely": shade AND hatch differ.
LIKERT_FILLS = ["#3d3d3d", "url(#kf-hatch-dense)", "#e0e0e0", "url(#kf-hatch-light)", "#8a8a8a"]
_PATTERNS = (
    "<defs>"
    '<pattern id="kf-hatch-dense" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#9a9a9a"/><line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="2"/></pattern>'
    '<pattern id="kf-hatch-light" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">'
    '<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#444" stroke-width="1.2"/></pattern>'
    "</defs>"
)


@dataclass
class LikertRow:
    label: str
    shares: list[float | None]  # percent per category 1..5 (None: suppressed)
    n: int = 0
    marker: int | None = None  # the organisation's own answer (1..5), drawn as a triangle
    notes: list[str] = field(default_factory=list)


def likert_chart(
    rows: Sequence[LikertRow],
    *,
    title: str,
    scale_labels: Sequence[str],
    marker_label: str = "",
    width: int = 640,
) -> str:
    """Diverging stacked bars centred on the neutral category, with percentages written in."""
    label_w, bar_left, bar_right = 210, 220, width - 50
    row_h, top = 34, 10
    centre = (bar_left + bar_right) / 2
    half = (bar_right - bar_left) / 2
    body = [_PATTERNS]
    body.append(
        f'<line x1="{centre:.1f}" y1="{top - 4}" x2="{centre:.1f}" y2="{top + row_h * len(rows)}" stroke="{INK}" stroke-width="0.8"/>'
    )
    for index, row in enumerate(rows):
        y = top + index * row_h
        for line_no, line in enumerate(_wrap(row.label, 36)[:2]):
            body.append(_text(label_w, y + 13 + line_no * 12, line, size=10, anchor="end"))
        body.append(_text(bar_right + 6, y + 17, f"n={row.n}", size=9, fill=MUTED))
        if any(share is None for share in row.shares):
            body.append(_text(centre, y + 17, "–", size=10, anchor="middle", fill=MUTED))
            continue
        shares = [float(s or 0) for s in row.shares]
        x = centre - (shares[0] + shares[1] + shares[2] / 2) / 100 * half
        for category, share in enumerate(shares):
            w = share / 100 * half
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="18" fill="{LIKERT_FILLS[category]}" stroke="{INK}" stroke-width="0.5"/>'
                )
                if share >= 9:
                    # A white box behind the figure keeps it legible over hatching and dark fills.
                    body.append(
                        f'<rect x="{x + w / 2 - 13:.1f}" y="{y + 7}" width="26" height="12" fill="#ffffff" opacity="0.9"/>'
                    )
                    body.append(
                        _text(x + w / 2, y + 17, f"{number(share)} %", size=9, anchor="middle")
                    )
            if row.marker == category + 1:
                mx = x + w / 2
                body.append(
                    f'<path d="M{mx:.1f},{y + 24:.1f} L{mx + 5:.1f},{y + 32:.1f} L{mx - 5:.1f},{y + 32:.1f} Z" fill="{INK}"/>'
                )
            x += w
    legend_y = top + row_h * len(rows) + 18
    x = 20.0
    for category, label in enumerate(scale_labels):
        body.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="14" height="12" fill="{LIKERT_FILLS[category]}" stroke="{INK}" stroke-width="0.5"/>'
        )
        body.append(_text(x + 18, legend_y, f"{category + 1} {label}", size=9))
        x += 18 + 4.8 * len(f"{category + 1} {label}") + 16
        if x > width - 120 and category < len(scale_labels) - 1:
            x, legend_y = 20.0, legend_y + 16
    if marker_label:
        legend_y += 18
        body.append(f'<path d="M26,{legend_y - 9} L31,{legend_y} L21,{legend_y} Z" fill="{INK}"/>')
        body.append(_text(38, legend_y, marker_label, size=9))
    return _svg(width, int(legend_y + 12), body, title=title)


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
    if len(lines) > 2:
        lines = [lines[0], (lines[1] + " …")]
    return lines or [""]


# --- horizontal bar chart -----------------------------------------------------------------------


def bar_chart(
    items: Sequence[tuple[str, float]], *, title: str, width: int = 640, unit: str = ""
) -> str:
    """Horizontal bars, each labelled and with its value written at the end."""
    label_w, row_h, top = 260, 18, 6
    height = top + row_h * max(len(items), 1) + 8
    largest = max((value for _, value in items), default=0) or 1
    plot_w = width - label_w - 70
    body: list[str] = []
    for index, (label, value) in enumerate(items):
        y = top + index * row_h
        short = label if len(label) <= 46 else label[:45].rstrip() + "…"
        body.append(_text(label_w - 8, y + 12, short, size=9.5, anchor="end"))
        w = value / largest * plot_w
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="12" fill="#6b6b6b" stroke="{INK}" stroke-width="0.4"/>'
        )
        body.append(_text(label_w + w + 5, y + 12, f"{number(value)}{unit}", size=9.5))
    return _svg(width, height, body, title=title)
