"""Issue 20, point 5: report PDFs a public body can publish. Tagged PDF/UA-1 with the language
set, alternative text on every chart and image, headings never alone at the foot of a page, no
empty sections, and the partnership's logo and accent colour on the cover.

The structure tree and the language are read back from the file with pypdf, as an assistive
technology (or a PDF/UA checker) would read them.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from reporting import documents, pdf, services
from reporting.models import ReportYear
from tests.fixtures import World

# A 2 x 1 PNG: one red and one blue pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGP4z8DAwPAfAAcAAf9+CLHQAAAAAElFTkSuQmCC"
)


def _structure(reader: PdfReader) -> list[DictionaryObject]:
    """Every element of the structure tree, depth first."""
    found: list[DictionaryObject] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/Type") == "/StructElem":
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(_root(reader)["/StructTreeRoot"])
    return found


def _root(reader: PdfReader) -> Any:
    """The document catalogue (pypdf types it as a bare PdfObject)."""
    return reader.trailer["/Root"]


def _build(report_year: ReportYear, world: World, *, language: str, brand: Any = None) -> bytes:
    services.take_snapshot(report_year=report_year, by=world.office)
    built = documents.build_from_data(
        report_year.snapshot.data, kind="partnership", language=language, brand=brand
    )
    return built.pdf


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_report_pdf_is_tagged_pdf_ua_in_the_reports_language(
    world: World, report_year: ReportYear, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        reader = PdfReader(io.BytesIO(_build(report_year, world, language=language)))
    # WeasyPrint reports what PDF/UA misses (no lang, an image without alt) as errors.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    root = _root(reader)
    assert root["/Lang"] == language
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    # The XMP metadata declares the PDF/UA part, which is what a checker looks for first.
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]{0,3}1", xmp), xmp[:500]
    kinds = [str(element["/S"]) for element in _structure(reader)]
    # The document's outline survives as structure: a title, section headings, data tables
    # with header cells, and the charts as figures.
    assert kinds.count("/H1") == 1
    assert kinds.count("/H2") >= 5
    assert {"/Table", "/TH", "/TD"} <= set(kinds)
    assert "/Figure" in kinds


@pytest.mark.django_db
def test_every_figure_in_the_report_has_alternative_text(
    world: World, report_year: ReportYear
) -> None:
    brand = documents.Brand(
        accent="#1f5e43", logo_url="data:image/png;base64," + base64.b64encode(PNG).decode()
    )
    reader = PdfReader(io.BytesIO(_build(report_year, world, language="sv", brand=brand)))
    figures = [e for e in _structure(reader) if str(e["/S"]) == "/Figure"]
    # The seeded year has the sums chart, the enabling chart, the commitments chart and the
    # cover logo: four figures, each with words a screen reader can say.
    assert len(figures) == 4
    alts = [str(figure.get("/Alt", "")) for figure in figures]
    assert all(len(alt.strip()) > 10 for alt in alts), alts
    assert "Umeå klimatfärdplans logotyp" in alts


@pytest.mark.django_db
def test_no_heading_is_left_alone_at_the_foot_of_a_page(
    world: World, report_year: ReportYear
) -> None:
    """On every page, each heading has something of its own section below it on that page."""
    import weasyprint

    services.take_snapshot(report_year=report_year, by=world.office)
    html = documents.render_html(report_year.snapshot.data, kind="partnership", language="sv")
    rendered = weasyprint.HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.make_url_fetcher()
    ).render(**pdf.PDF_OPTIONS)
    headings_checked = 0
    for page in rendered.pages:
        boxes = list(page._page_box.descendants())
        bottoms = [
            box.position_y + box.margin_height()
            for box in boxes
            if box.element_tag not in ("h1", "h2", "h3", "html", "body", None)
            and hasattr(box, "margin_height")
        ]
        for box in boxes:
            if box.element_tag in ("h2", "h3") and box.element is not None:
                heading_bottom = box.position_y + box.margin_height()
                assert any(bottom > heading_bottom + 1 for bottom in bottoms), (
                    f"'{box.element.text_content()}' ends page {rendered.pages.index(page) + 1}"
                )
                headings_checked += 1
    assert headings_checked >= 8


@pytest.mark.django_db
def test_no_section_of_the_report_is_empty(world: World, report_year: ReportYear) -> None:
    """A section says something under its heading, also when the year has no data for it."""
    report_year.conclusions_sv = ""  # an empty narrative section leaves no heading behind
    report_year.save()
    services.take_snapshot(report_year=report_year, by=world.office)
    html = documents.render_html(report_year.snapshot.data, kind="partnership", language="sv")
    sections = re.findall(r"<section[^>]*>(.*?)</section>", html, flags=re.S)
    assert len(sections) >= 6
    for section in sections:
        without_heading = re.sub(r"<h2[^>]*>.*?</h2>", "", section, flags=re.S)
        text = re.sub(r"<[^>]+>|\s+", " ", without_heading).strip()
        assert len(text) > 20, section[:200]
    assert "Slutsatser" not in html


@pytest.mark.django_db
def test_the_cover_carries_the_partnerships_logo_and_accent_colour(
    world: World, report_year: ReportYear
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    brand = documents.Brand(
        accent="#7a2e8e", logo_url="data:image/png;base64," + base64.b64encode(PNG).decode()
    )
    html = documents.render_html(
        report_year.snapshot.data, kind="partnership", language="sv", brand=brand
    )
    assert "--accent: #7a2e8e;" in html
    assert 'class="cover-logo" src="data:image/png;base64,' in html
    # Without a brand the report keeps the default green and shows no logo.
    plain = documents.render_html(report_year.snapshot.data, kind="partnership", language="sv")
    assert "--accent: #1f5e43;" in plain
    assert "cover-logo" not in plain.split("</style>", 1)[1]


@pytest.mark.django_db
def test_an_organisations_report_is_tagged_too(world: World, report_year: ReportYear) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    built = documents.build_from_data(
        report_year.snapshot.data,
        kind="organisation",
        language="en",
        organisation_id=world.org_a.pk,
    )
    reader = PdfReader(io.BytesIO(built.pdf))
    assert _root(reader)["/Lang"] == "en"
    elements = _structure(reader)
    assert [str(e["/S"]) for e in elements].count("/H1") == 1
    figures = [e for e in elements if str(e["/S"]) == "/Figure"]
    assert figures
    assert all(len(str(figure.get("/Alt", "")).strip()) > 10 for figure in figures)
