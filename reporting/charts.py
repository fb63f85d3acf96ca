"""The report PDFs' charts, built from a snapshot's figures with the one chart component
(:mod:`charts`): vector in the PDF, no JavaScript, no fetching, the same drawing as on the pages
and in the SVG/PNG downloads. The templates include ``components/chart/chart.svg``.

Each scope is its own line (scope 1 and scope 2 are never added across partners); Likert items
are diverging stacked bars with the percentages written in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from charts import build
from charts.model import Chart
from klimatfardplan.numbers import for_people

LikertRow = build.LikertRow


def number(value: float | None, decimals: int = 0) -> str:
    """A number the way the report's language writes it (sv: 1 234,5; en: 1,234.5)."""
    return for_people(value, decimals)


def emissions_chart(
    points: Sequence[dict[str, Any]],
    series: Sequence[tuple[str, str, int]],
    *,
    slug: str,
    title: str = "",
) -> Chart:
    """``series``: (label, key in ``points``, style index of :data:`charts.palette.STYLES`)."""
    return build.line_chart(
        slug=slug,
        title=title or _("Utsläpp mot 20 %-banan"),
        unit=_("ton CO2e"),
        series=[
            build.Series(label, {p["year"]: p.get(key) for p in points}, style)
            for label, key, style in series
        ],
    )


def enabling_chart(
    rows: Sequence[build.LikertRow],
    *,
    slug: str,
    title: str,
    scale: list[str],
    marker_label: str = "",
) -> Chart:
    return build.likert_chart(
        slug=slug, title=title, rows=rows, scale_labels=scale, marker_label=marker_label
    )


def challenges_chart(per_challenge: Sequence[tuple[str, float]], *, slug: str, title: str) -> Chart:
    """Organisations per climate challenge: one bar each, in the order given."""
    labels = [label for label, _value in per_challenge]
    return build.bar_chart(
        slug=slug,
        title=title,
        categories=labels,
        series=[build.Series(_("Organisationer"), dict(per_challenge))],
    )
