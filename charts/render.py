"""A chart as a standalone SVG document (downloads, tests): the same template pages include."""

from __future__ import annotations

from django.template.loader import render_to_string

from charts.model import Chart

TEMPLATE = "components/chart/chart.svg"


def svg(chart: Chart) -> str:
    return render_to_string(TEMPLATE, {"chart": chart})
