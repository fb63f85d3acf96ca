"""What a chart is built from: named series of values, the same for lines and bars."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from charts.model import Chart, Table, Text
from charts.scale import coord, finite
from klimatfardplan.numbers import for_people


@dataclass(frozen=True)
class Series:
    """``points``: x (a year, or a bar chart's category) → value; None is "no value", not 0.
    ``style``: an index into :data:`charts.palette.STYLES` (dash, marker, colour, hatch)."""

    label: str
    points: Mapping[Any, object]
    style: int = 0

    def value(self, key: Hashable) -> float | None:
        return finite(self.points.get(key))


def table(caption: str, first: str, keys: list[Hashable], series: list[Series]) -> Table:
    return Table(
        caption=caption,
        head=[first, *(s.label for s in series)],
        rows=[[str(key), *(for_people(s.value(key)) for s in series)] for key in keys],
    )


def empty(kind: str, slug: str, title: str, width: int = 640) -> Chart:
    """A chart without data says so (no empty axes): as a page's paragraph and in the SVG."""
    text = _("Inga uppgifter att visa ännu.")
    return Chart(
        kind=kind,
        slug=slug,
        title=title,
        description=text,
        width=coord(width),
        height="48",
        empty=True,
        empty_text=text,
        texts=[Text("8", "28", f"{title}: {text}", size="12")],
    )
