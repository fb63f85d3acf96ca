"""The one chart component (issue 20, point 2): geometry in Python, markup in templates.

Every chart parses as XML in Swedish and English, carries a <title> and <desc> for assistive
technology, draws bars as long as their values (checked against figures worked out by hand),
says so when it has no data, and keeps an accessible palette that works in grey print.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # parses our own SVG output, not untrusted input

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from charts import build
from charts.palette import LIKERT, STYLES, contrast
from charts.render import svg as render_svg
from tests.crawl import svg_number_problems

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own SVG output


def _charts() -> list[build.Chart]:
    return [
        build.line_chart(
            slug="lines",
            title="Utsläpp",
            unit="ton CO2e",
            series=[
                build.Series("Utfall", {2022: 1234.5, 2023: 1001.25}),
                build.Series("20 %-banan", {2022: 1234.5, 2023: 987.6}, 2),
            ],
        ),
        build.bar_chart(
            slug="bars",
            title="Per fokusområde",
            categories=["Mobilitet", "Energi"],
            series=[
                build.Series("Åtaganden", {"Mobilitet": 12.5, "Energi": 1500}),
                build.Series("Organisationer", {"Mobilitet": 3, "Energi": None}, 1),
            ],
        ),
        build.likert_chart(
            slug="likert",
            title="Förutsättningar",
            rows=[build.LikertRow("Vi samarbetar", [10.5, 20.25, 30.0, 25.5, 13.75], n=12)],
            scale_labels=list("12345"),
        ),
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_chart_parses_and_names_itself_in_both_languages(language: str) -> None:
    with translation.override(language):
        svgs = [render_svg(chart) for chart in _charts()]
    for svg, slug in zip(svgs, ["lines", "bars", "likert"], strict=True):
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{slug}-title {slug}-desc"
        assert root.find(f"{SVG}title").text
        assert root.find(f"{SVG}desc").text
        assert svg_number_problems(svg) == []


def test_the_description_states_the_figures_in_the_readers_language() -> None:
    with translation.override("sv"):
        desc = parse(render_svg(_charts()[0])).find(f"{SVG}desc").text
    assert desc == (
        "Utsläpp (ton CO2e). Utfall: från 1\u00a0234,5 år 2022 till 1\u00a0001,25 år 2023. "
        "20 %-banan: från 1\u00a0234,5 år 2022 till 987,6 år 2023."
    )
    with translation.override("en"):
        desc = parse(render_svg(_charts()[1])).find(f"{SVG}desc").text
    assert desc is not None
    assert "Mobilitet: 12.5; Energi: 1,500." in desc
    assert "Mobilitet: 3; Energi: –." in desc  # no value is not zero


def test_bar_lengths_match_the_values() -> None:
    """Bars of 3 and 6 on an axis 0–6 (steps of 2): the first is half the second, and the
    second reaches exactly from the 0 tick to the 6 tick."""
    chart = build.bar_chart(
        slug="b",
        title="B",
        categories=["A", "B"],
        series=[build.Series("n", {"A": 3, "B": 6})],
    )
    assert [t.label for t in chart.x_ticks] == ["0", "2", "4", "6"]
    zero, six = float(chart.x_ticks[0].pos), float(chart.x_ticks[-1].pos)
    bars = [r for r in parse(render_svg(chart)).iter(f"{SVG}rect") if r.get("class") == "kf-bar"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[1] == pytest.approx(six - zero, abs=0.2)  # each coordinate rounded to 0.1
    assert widths[0] == pytest.approx((six - zero) / 2, abs=0.2)
    assert {float(r.get("x")) for r in bars} == {zero}
    texts = [t.text for t in parse(render_svg(chart)).iter(f"{SVG}text")]
    assert "3" in texts
    assert "6" in texts  # each value written at its bar's end


def test_likert_segments_are_their_share_of_the_half_width() -> None:
    """10 / 20 / 40 / 20 / 10 %: centred on the neutral category, each segment share × half."""
    chart = build.likert_chart(
        slug="l",
        title="L",
        rows=[build.LikertRow("Q", [10, 20, 40, 20, 10], n=5)],
        scale_labels=list("12345"),
    )
    bars = [r for r in parse(render_svg(chart)).iter(f"{SVG}rect") if r.get("class") == "kf-bar"]
    widths = [float(r.get("width")) for r in bars]
    half = (640 - 50 - 220) / 2  # bar area 220..590
    assert widths == pytest.approx(
        [0.1 * half, 0.2 * half, 0.4 * half, 0.2 * half, 0.1 * half], abs=0.1
    )
    centre = float(bars[2].get("x")) + widths[2] / 2
    assert centre == pytest.approx(220 + half, abs=0.1)


def test_a_chart_without_data_says_so_instead_of_drawing_axes() -> None:
    for chart in (
        build.line_chart(slug="e", title="Utsläpp", series=[build.Series("A", {2022: None})]),
        build.bar_chart(slug="f", title="Bar", categories=["A"], series=[build.Series("n", {})]),
    ):
        assert chart.empty
        with translation.override("sv"):
            svg = render_svg(chart)
            page = render_to_string("components/chart/_figure.html", {"chart": chart})
        root = parse(svg)
        assert list(root.iter(f"{SVG}line")) == []
        assert list(root.iter(f"{SVG}rect")) == []
        assert "Inga uppgifter att visa ännu." in svg
        assert "Inga uppgifter att visa ännu." in page
        assert "<svg" not in page


def test_the_figure_offers_the_table_and_the_downloads() -> None:
    chart = _charts()[1]
    with translation.override("sv"):
        html = render_to_string(
            "components/chart/_figure.html", {"chart": chart, "download_url": "/x.svg"}
        )
    assert "<summary>Visa som tabell" in html
    assert '<th scope="row">Mobilitet</th>' in html
    assert 'href="/x.svg" download="bars.svg"' in html
    assert 'data-chart-png="bars"' in html
    assert 'data-chart="bars"' in html  # the PNG button finds its SVG by it
    linked = render_to_string("components/chart/_figure.html", {"chart": chart, "table_id": "t1"})
    assert 'href="#t1"' in linked
    assert "<details" not in linked


def test_the_palette_contrasts_with_white_and_series_differ_by_more_than_colour() -> None:
    for style in STYLES:
        assert contrast(style.colour, "#ffffff") >= 3
    assert len({s.dash for s in STYLES}) == len(STYLES)
    assert len({s.marker for s in STYLES}) == len(STYLES)
    assert len({s.pattern for s in STYLES}) == len(STYLES)
    # Likert: dark and light ends on each side are told apart by hatching, not only shade.
    assert [f.pattern != "" for f in LIKERT] == [False, True, False, True, True]


def test_chart_text_is_escaped() -> None:
    chart = build.bar_chart(
        slug="x",
        title="<b>t</b>",
        categories=["<script>x</script>"],
        series=[build.Series("n", {"<script>x</script>": 1})],
    )
    svg = render_svg(chart)
    assert "<script>" not in svg
    assert "<script>x</script>" in [t.text for t in parse(svg).iter(f"{SVG}text")]
