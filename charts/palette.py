"""The charts' accessible palette: every colour has at least 3:1 contrast against the white
background (WCAG 1.4.11), and no two series differ by colour alone, so grey print works."""

from __future__ import annotations

from dataclasses import dataclass

from charts.model import INK, WHITE


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # a line's stroke-dasharray ("" = solid)
    marker: str  # circle, square, triangle, diamond
    pattern: str  # a bar's hatch over its colour ("" = plain); ids in components/chart/_defs.svg


# 0 actual/main, 1 target, 2 the 20 % path, 3 own target / fourth series.
STYLES = (
    Style("#1f5e43", "", "circle", ""),
    Style("#212529", "8 4", "square", "kf-fill-stripes"),
    Style("#6c4a00", "2 3", "triangle", "kf-fill-dots"),
    Style("#3d3d8f", "10 3 2 3", "diamond", "kf-fill-cross"),
)


def style(index: int) -> Style:
    return STYLES[index % len(STYLES)]


@dataclass(frozen=True)
class LikertFill:
    colour: str
    pattern: str


# "Disagree completely" … "agree completely": a dark and a light end on each side, told apart in
# grey by hatching (pattern ids are prefixed with the chart's slug: components/chart/_defs.svg).
LIKERT = (
    LikertFill("#7f2704", ""),
    LikertFill("#e6a173", "kf-hatch-dense"),
    LikertFill("#e0e0e0", ""),
    LikertFill("#9cc9ae", "kf-hatch-light"),
    LikertFill("#1f5e43", "kf-fill-dots"),
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


__all__ = ["INK", "LIKERT", "STYLES", "WHITE", "Style", "contrast", "style"]
