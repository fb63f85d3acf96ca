"""The geometry of a chart as plain dataclasses: what ``components/chart/chart.svg`` draws.

All coordinates and lengths are strings from :func:`charts.scale.coord` (never localised);
all text is plain text (the template escapes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

INK = "#1f2933"
MUTED = "#52606d"
GRID = "#cbd2d9"
WHITE = "#ffffff"


@dataclass(frozen=True)
class Line:
    x1: str
    y1: str
    x2: str
    y2: str
    stroke: str = GRID
    width: str = "1"


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    fill: str
    stroke: str = ""
    stroke_width: str = "0"
    opacity: str = ""
    # "kf-bar" for a value's bar (tests and the PNG script find them by it), "" otherwise.
    css: str = ""


@dataclass(frozen=True)
class Path:
    """A series' line: never filled."""

    d: str
    stroke: str
    width: str = "2.2"
    dash: str = ""


@dataclass(frozen=True)
class Marker:
    """``square``: x, y are the top-left corner; ``circle``: the centre; others: ``d``."""

    shape: str
    x: str = "0"
    y: str = "0"
    size: str = "7"
    fill: str = INK
    stroke: str = ""
    d: str = ""


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str
    size: str = "11"
    anchor: str = "start"
    fill: str = INK
    weight: str = "400"


@dataclass(frozen=True)
class Tick:
    pos: str
    label: str


@dataclass(frozen=True)
class Coverage:
    """How many partners a year's partnership value stands on (written in the template, in the
    language it is rendered in)."""

    year: int
    n: int
    total: int


@dataclass(frozen=True)
class Table:
    """The chart's data as a table (the accessible twin): first cell of each row is its header."""

    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    kind: str  # "lines", "bars" or "likert"
    slug: str  # unique on a page: ids of <title>/<desc>; the download's file name
    title: str
    description: str  # <desc>: the alt text, read by screen readers and put in the PDF
    width: str = "640"
    height: str = "60"
    empty: bool = False
    empty_text: str = ""
    lines: list[Line] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    coverage_y: str = "0"
    table: Table | None = None
