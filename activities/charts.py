"""The dashboard's counts as bar charts (issue 20), with the one chart component (:mod:`charts`).
Each chart's table stays on the page, one click away."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from charts import build
from charts.model import Chart

WIDTH = 360  # a card of the dashboard's grid: narrow, so the labels stay legible when scaled


def _bars(slug: str, title: str, rows: Sequence[Sequence[Any]]) -> Chart:
    """``rows``: (value, label, count) triples or (label, count) pairs, as the selector gives."""
    labels = [str(row[1] if len(row) == 3 else row[0]) for row in rows]
    counts = dict(zip(labels, (row[-1] for row in rows), strict=True))
    return build.bar_chart(
        slug=slug,
        title=title,
        categories=labels,
        series=[build.Series(_("Antal"), counts)],
        width=WIDTH,
    )


def dashboard_charts(data: Any) -> dict[str, Chart]:
    """``data``: the dashboard selector's result (``by_lifecycle``, ``by_signal``, ``by_kind``,
    ``by_focus_area``)."""
    return {
        "lifecycle": _bars("by-lifecycle-chart", _("Aktiviteter per status"), data.by_lifecycle),
        "signal": _bars("by-signal-chart", _("Aktiviteter per uppföljning"), data.by_signal),
        "kind": _bars("by-kind-chart", _("Aktiviteter per typ"), data.by_kind),
        "focus_area": _bars(
            "by-focus-area-chart", _("Aktiviteter per fokusområde"), data.by_focus_area
        ),
    }
