"""Server-side SVG charts: well-formed, escaped, and readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # parses our own SVG output, not untrusted input

from django.utils import translation

from charts import build
from charts.render import svg as render_svg
from reporting import charts
from reporting.narrative import render_markdown

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own SVG output, not untrusted input


def texts(svg: str) -> list[str]:
    return [node.text or "" for node in parse(svg).iter(f"{SVG}text")]


def test_line_chart_names_each_series_and_differs_by_dash_and_marker() -> None:
    with translation.override("sv"):
        svg = render_svg(
            charts.emissions_chart(
                [{"year": 2022, "e": 1000.0, "p": 1000.0}, {"year": 2023, "e": 900.0, "p": 800.0}],
                [("Utsläpp", "e", 0), ("20 %-banan", "p", 1)],  # style 1: dashed "8 4", squares
                slug="e",
                title="Utsläpp",
            )
        )
    root = parse(svg)
    assert "Utsläpp: 900" in texts(svg)
    assert "20 %-banan: 800" in texts(svg)
    dashes = [p.get("stroke-dasharray") for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert dashes == [None, "8 4"]
    assert len(list(root.iter(f"{SVG}rect"))) == 2  # the square markers of the path
    assert root.find(f"{SVG}title").text == "Utsläpp"


def test_numbers_follow_the_language() -> None:
    with translation.override("sv"):
        assert charts.number(12345.6, 1) == "12\u00a0345,6"
    with translation.override("en"):
        assert charts.number(12345.6, 1) == "12,345.6"
    assert charts.number(None) == "–"


def test_likert_chart_hatches_and_labels_the_categories() -> None:
    svg = render_svg(
        charts.enabling_chart(
            [
                charts.LikertRow("Vi samarbetar", [10.0, 20.0, 30.0, 20.0, 20.0], n=10, marker=4),
                charts.LikertRow("För få svar", [None] * 5, n=2),
            ],
            slug="l",
            title="Förutsättningsmålet",
            scale=["Inte alls", "Liten", "Delvis", "Stor", "Helt"],
            marker_label="Ert svar",
        )
    )
    root = parse(svg)
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    patterns = {f"url(#{p.get('id')})" for p in root.iter(f"{SVG}pattern")}
    hatched = {fill for fill in fills if fill and fill.startswith("url(#")}
    # Patterns, not only colour, and each drawn from this chart's own definitions (ids unique per
    # chart, so two charts on one page or in one PDF never share an id).
    assert any(f.endswith("-kf-hatch-dense)") for f in hatched)
    assert any(f.endswith("-kf-hatch-light)") for f in hatched)
    assert hatched <= patterns
    labels = texts(svg)
    assert "20 %" in labels
    assert "30 %" in labels
    assert "Ert svar" in labels
    assert "–" in labels  # the suppressed question shows no bars
    assert "n=2" in labels


def test_chart_text_is_escaped() -> None:
    svg = render_svg(
        build.bar_chart(
            slug="b",
            title="<b>t</b>",
            categories=['<script>alert("x")</script> AB'],
            series=[build.Series("n", {'<script>alert("x")</script> AB': 3})],
        )
    )
    assert "<script>" not in svg
    assert parse(svg) is not None
    assert '<script>alert("x")</script> AB' in texts(svg)


def test_markdown_keeps_structure_and_drops_everything_active() -> None:
    html = render_markdown(
        "# Rubrik\n\n**fet** [länk](https://example.org) [js](javascript:alert(1))\n\n"
        '<img src="http://x/y.png"><style>p{}</style><p style="color:red" onclick="x()">p</p>'
    )
    assert "<strong>fet</strong>" in html
    assert 'href="https://example.org"' in html
    for forbidden in ("javascript:", "<img", "<style", "style=", "onclick", "<h1"):
        assert forbidden not in html
    assert render_markdown("   ") == ""
