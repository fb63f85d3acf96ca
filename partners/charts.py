"""The commitment matrix's chart (issue 20): its coverage per focus area, with the one chart
component (:mod:`charts`). The table of the same figures is on the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from charts import build
from charts.model import Chart


def focus_area_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """``rows``: the matrix's ``focus_area_rows`` (focus_area, commitments, organisations)."""
    names = [str(row["focus_area"].name) for row in rows]
    return build.bar_chart(
        slug="focus-areas",
        title=_("Åtaganden och organisationer per fokusområde"),
        categories=names,
        category_label=_("Fokusområde"),
        series=[
            build.Series(
                _("Åtaganden"), {n: r["commitments"] for n, r in zip(names, rows, strict=True)}, 0
            ),
            build.Series(
                _("Organisationer"),
                {n: r["organisations"] for n, r in zip(names, rows, strict=True)},
                1,
            ),
        ],
    )
