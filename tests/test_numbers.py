"""Locale-proof output (issue 17, point 3): one helper writes numbers; charts draw in every
language; numbers people read follow the language."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from charts.render import svg as render_svg
from klimatfardplan.numbers import for_machines, for_people
from reporting import charts as report_charts
from surveys import charts as survey_charts
from tests.crawl import svg_number_problems

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "value", "places", "expected"),
    [
        ("sv", Decimal("447.600"), None, "447,6"),
        ("en", Decimal("447.600"), None, "447.6"),
        ("sv", 1234567.25, None, f"1{NBSP}234{NBSP}567,25"),
        ("en", 1234567.25, None, "1,234,567.25"),
        ("sv", 1200, None, f"1{NBSP}200"),
        ("en", 12.345, 1, "12.3"),
        ("sv", Decimal("-0.04"), 1, "0,0"),
        ("sv", None, None, "–"),
    ],
)
def test_numbers_people_read_follow_the_language(
    language: str, value: object, places: int | None, expected: str
) -> None:
    with translation.override(language):
        assert for_people(value, places) == expected


@pytest.mark.parametrize("language", ["sv", "en"])
def test_numbers_for_machines_are_never_localised(language: str) -> None:
    with translation.override(language):
        assert for_machines(208.0, 1) == "208.0"
        assert for_machines(1234.5678) == "1234.568"
        assert for_machines(Decimal("1E+3")) == "1000"
        assert for_machines(None) == ""


def _svgs_of_every_chart() -> list[str]:
    """Every chart of the app, with values that a Swedish locale writes with a decimal comma
    and a thousands separator."""
    line = survey_charts.line_chart(
        [
            ("actual", "Utfall", {2022: Decimal("1234.5"), 2023: Decimal("1001.25")}),
            ("target", "Mål", {2023: 990.5, 2030: 617.3}),
            ("path", "20 %-banan", {2022: 1234.5, 2030: 200.75}),
            ("own_target", "Eget", {2025: 800}),
        ]
    )
    item = {
        "indicator": SimpleNamespace(aggregation="emissions"),
        "values": [
            SimpleNamespace(
                year=2022, value=Decimal("447.6"), suppressed=False, details={}, n=3, n_total=4
            ),
            SimpleNamespace(
                year=2023,
                value=Decimal("401.35"),
                suppressed=False,
                details={"path": 358.1},
                n=4,
                n_total=4,
            ),
        ],
        "own_values": [],
        "targets": {2030: Decimal("223.8")},
    }
    pathway = survey_charts.pathway_chart(
        [
            {"year": 2022, "emissions": 1500.5, "path": 1500.5, "own_target": None},
            {"year": 2023, "emissions": 1320.25, "path": 1200.4, "own_target": 1100.0},
        ]
    )
    survey_svgs = [
        render_to_string("components/chart/_figure.html", {"chart": chart})
        for chart in (line, survey_charts.indicator_chart(item), pathway)
    ]
    series = [
        ("A", "a", 0),
        ("B", "b", 1),
    ]
    points = [{"year": 2022, "a": 1234.5, "b": 1000.0}, {"year": 2023, "a": 1100.25, "b": 950.5}]
    likert = [
        report_charts.LikertRow("Fråga", [10.5, 20.25, 30.0, 25.5, 13.75], n=12, marker=4),
        report_charts.LikertRow("Dold", [None] * 5, n=2),
    ]
    report_charts_built = [
        report_charts.emissions_chart(points, series, slug="e", title="Utsläpp"),
        report_charts.enabling_chart(likert, slug="l", title="Likert", scale=list("12345")),
        report_charts.challenges_chart([("Energi", 1234.5), ("Bygg", 0.25)], slug="b", title="Bar"),
    ]
    report_svgs = [render_svg(chart) for chart in report_charts_built]
    row = SimpleNamespace(
        signal="on_track",
        lifecycle="ongoing",
        title="Solceller",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2026, 6, 30),
    )
    gantt = render_to_string(
        "activities/_gantt.html",
        {
            "timeline": {
                "years": [
                    {"x": 12.5, "year": 2025, "label": True},
                    {"x": 95.25, "year": 2026, "label": True},
                ],
                "bars": [{"row": row, "x": 3.75, "y": 22.5, "bar_y": 26.5, "width": 60.125}],
                "height": 48.5,
                "today_x": 40.5,
            }
        },
    )
    return [*survey_svgs, *report_svgs, f"<svg>{gantt}</svg>"]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_chart_draws_in_both_languages(language: str) -> None:
    """Every coordinate parses as a float; a Swedish page wrote y="208,0" and the follow-up
    chart's points scattered."""
    with translation.override(language):
        svgs = _svgs_of_every_chart()
    assert all("<svg" in svg for svg in svgs)
    assert [svg_number_problems(svg) for svg in svgs] == [[] for _ in svgs]


def test_chart_labels_people_read_follow_the_language() -> None:
    rows = [{"year": 2022, "emissions": 1500.0, "path": None, "own_target": None}]
    for language, label in (("sv", f"1{NBSP}500"), ("en", "1,500")):
        with translation.override(language):
            chart = survey_charts.pathway_chart(rows)
            assert chart is not None
            assert label in [t.label for t in chart.y_ticks]
            bar = render_svg(
                report_charts.challenges_chart([("Energi", 1234.5)], slug="b", title="Bar")
            )
            assert f">{label[:1]}" in bar


def test_the_svg_check_catches_a_decimal_comma() -> None:
    """Guards the guard."""
    assert svg_number_problems('<svg><circle cx="64" cy="208,0" r="4"/></svg>') == ['cy="208,0"']
    assert svg_number_problems('<svg><polyline points="64,208,0 70,1"/></svg>') != []


def test_the_survey_chart_axis_labels_stand_where_their_values_are() -> None:
    """A tick labelled "1" must stand at 1, not at 1.5 (quarters of the maximum, rounded)."""
    from surveys.charts import line_chart

    chart = line_chart([("actual", "Scope 1", {2022: 6.0, 2023: 4.2})])
    assert chart is not None
    labels = [t.label for t in chart.y_ticks]
    assert labels == ["0", "2", "4", "6"]
    ys = [float(t.pos) for t in chart.y_ticks]
    steps = {round(b - a, 1) for a, b in itertools.pairwise(ys)}
    assert len(steps) == 1  # evenly spaced: each label is its own value on a linear axis
    big = line_chart([("actual", "Scope 1", {2022: 136_954.9, 2023: 74_831.0})])
    assert big is not None
    assert [t.label for t in big.y_ticks][-1].replace("\u00a0", " ") == "150 000"


def test_a_partnership_chart_says_how_many_partners_each_year_stands_on() -> None:
    """A sum over 29 of 53 partners is not a cut from one over 50 of 53: the caption says so."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from surveys.charts import indicator_chart
    from surveys.models import Indicator, IndicatorValue

    values = [
        IndicatorValue(year=2024, value=136_954.9, n=50, n_total=53, details={}),
        IndicatorValue(year=2025, value=6_264.2, n=29, n_total=53, details={}),
    ]
    item = {
        "indicator": Indicator(aggregation="sum"),
        "values": values,
        "own_values": [],
        "targets": {},
    }
    chart = indicator_chart(item)
    assert chart is not None
    with translation.override("sv"):
        html = render_to_string("components/chart/_figure.html", {"chart": chart})
    assert "2024: 50 av 53" in html
    assert "2025: 29 av 53" in html
    with translation.override("en"):
        html = render_to_string("components/chart/_figure.html", {"chart": chart})
    assert "2025: 29 of 53" in html
