"""Chart downloads (issue 20): the SVG a partner takes home is the chart of the page or the
report, behind the same rule as the page or the report's own download."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # parses our own SVG output, not untrusted input

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from reporting.models import ReportYear
from reporting.tests.test_pdf import build, pdf_text, read
from surveys.models import Indicator
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314  # our own SVG output
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def figure_alts(pdf: bytes) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree."""
    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]).replace("\u00a0", " "))
            if "/K" in node:
                walk(node["/K"])

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    walk(root["/StructTreeRoot"])
    return found


def test_a_report_chart_downloads_with_the_figures_of_the_pdf(
    world: World, report_year: ReportYear
) -> None:
    job = build(world, report_year, "partnership", "sv")
    pdf, _pages = pdf_text(read(job))
    office = client_for(world.office)
    page = office.get(reverse("charts:report_charts", args=[job.pk]))
    assert page.status_code == 200
    assert [c.slug for c in page.context["charts"]] == [
        "partnership-scopes",
        "enabling",
        "challenges",
    ]
    response = office.get(reverse("charts:report_svg", args=[job.pk, "partnership-scopes"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert f'filename="report-{job.pk}-partnership-scopes.svg"' in response["Content-Disposition"]
    labels = [t.replace("\u00a0", " ") for t in texts(response.content)]
    assert "Scope 1: 3 550" in labels  # the same figure as the PDF's chart
    assert "Scope 1: 3 550" in pdf
    assert office.get(reverse("charts:report_svg", args=[job.pk, "nothing"])).status_code == 404
    # PDF/UA: each chart is a tagged Figure whose alternate text states its figures.
    alts = figure_alts(read(job))
    assert any(a.startswith("Partnernas utsläpp per scope (ton CO2e). Scope 1: från") for a in alts)
    assert len(alts) >= 3  # the scopes, the enabling goal's answers, organisations per challenge


def test_an_organisation_report_chart_is_only_for_who_may_download_the_report(
    world: World, report_year: ReportYear
) -> None:
    job = build(world, report_year, "organisation", "sv", organisation=world.org_a)
    url = reverse("charts:report_svg", args=[job.pk, "organisation-path"])
    assert client_for(world.office).get(url).status_code == 200
    for user in (world.contact_b, world.strategic):
        assert client_for(user).get(url).status_code in (403, 404)


def test_the_pathway_chart_downloads_for_the_organisation_and_the_office_only(
    world: World, report_year: ReportYear
) -> None:
    url = reverse("charts:pathway_svg", args=[world.org_a.pk])
    for user in (world.office, world.contact_a):
        response = client_for(user).get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314  # our own SVG output
        assert root.find(f"{SVG}title").text == "Era utsläpp, 20 %-banan och ert eget mål"
    for user in (world.contact_b, world.strategic):
        assert client_for(user).get(url).status_code == 403


def test_an_indicator_chart_with_an_organisations_values_follows_the_page_rule(
    world: World, report_year: ReportYear
) -> None:
    indicator = Indicator.objects.get(key="enabling_collaboration")
    url = reverse("charts:indicator_svg", args=[indicator.pk])
    assert client_for(world.strategic).get(url).status_code == 200
    own = f"{url}?organisation={world.org_a.pk}"
    assert client_for(world.contact_a).get(own).status_code == 200
    assert client_for(world.contact_b).get(own).status_code == 403
