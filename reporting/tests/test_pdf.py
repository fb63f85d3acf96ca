"""The PDFs themselves: figures, names and page counts read back with pypdf, PNG previews with
pdftoppm, bundled fonts only, HarfBuzz subsetting, and hostile content rendered safely."""

from __future__ import annotations

import io
import logging
import re
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting import documents, pdf, services
from reporting.models import ReportJob, ReportYear
from reporting.tests.factories import ENABLING_QUESTION, TARGET_INDICATOR, Seeded
from tests.fixtures import World

pytestmark = pytest.mark.django_db

PREVIEWS = Path(settings.BASE_DIR) / "var" / "report-previews"


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text), len(reader.pages)


def build(
    world: World, report_year: ReportYear, kind: str, language: str, organisation=None
) -> ReportJob:
    if report_year.snapshot_id is None:
        services.take_snapshot(report_year=report_year, by=world.office)
    job = services.request_report(
        report_year=report_year,
        kind=kind,
        language=language,
        organisation=organisation,
        by=world.office,
    )
    services.build_report(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def read(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_partnership_report_shows_the_years_figures(world: World, report_year: ReportYear) -> None:
    job = build(world, report_year, "partnership", "sv")
    data = read(job)
    assert data.startswith(b"%PDF-")
    text, pages = pdf_text(data)
    assert pages == job.pages
    assert 3 <= pages <= 8
    for expected in [
        "Klimatfärdplanen 2025",  # cover
        "Året då tolv tak fick solceller",  # narrative (Markdown rendered)
        "Samarbetet bär frukt",
        "Fler partner ska sätta egna mål",
        # The chart names each scope's line at its last point: never scope 1 + 2 summed.
        "Scope 1: 3 550",
        "Scope 2 marknad: 1 500",
        TARGET_INDICATOR,
        "Målet inte nått",  # 60 % against a target of 75 %
        ENABLING_QUESTION,
        "10 åtaganden",
        "Solceller på taken",
        "Tolv tak har solceller",
        "Partnerskapsdag 2025",
    ]:
        assert expected in text, expected
    # Aggregates only: no organisation is named, nor an activity not shared with all partners.
    for hidden in ["Alfa Energi AB", "Beta Bygg AB", "Gamma Gods AB", "Hemlig utredning"]:
        assert hidden not in text


def test_english_variant_uses_the_english_narrative_and_names(
    world: World, report_year: ReportYear
) -> None:
    text, _ = pdf_text(read(build(world, report_year, "partnership", "en")))
    assert "The year twelve roofs got solar panels" in text
    assert "We work with other partners on climate" in text
    assert "3,550" in text  # English number format


def test_organisation_report_shows_only_its_own_organisation(
    world: World, report_year: ReportYear, seeded: Seeded
) -> None:
    job = build(world, report_year, "organisation", "sv", world.org_a)
    text, pages = pdf_text(read(job))
    assert pages == job.pages
    assert pages >= 3
    for expected in [
        "Alfa Energi AB",
        "Scope 1 + 2 (marknadsbaserad): 3 500",  # its own S1 + S2 against …
        "20 %-banan: 2 560",  # … the 20 % path from 5 000 t in 2022 …
        "mot ert eget mål (−10 %/år från 2022) 3 500 t 3 645 t",  # … and its own target
        "1. ",  # its commitments, numbered by challenge
        "Plan för utmaning 5",
        "Cykelpendling vintertid",
        "Ni deltog i 2 av 2 genomförda möten",
        "5 Instämmer helt",  # its own enabling-goal answer beside the distribution
        "Vad partnerskapet åstadkom tillsammans",
    ]:
        assert expected in text, expected
    for other in [
        "Beta Bygg AB",
        "Gamma Gods AB",
        "Delta Data AB",
        "Hemlig utredning",
        "Plan för utmaning 6",
    ]:
        assert other not in text


def test_xlsx_holds_the_data_behind_the_report(world: World, report_year: ReportYear) -> None:
    job = build(world, report_year, "partnership", "sv")
    with job.data_xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert "Utsläpp" in workbook.sheetnames
    rows = list(workbook["Utsläpp"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Nyckel", "Mått", "År", "Värde")
    # Each scope's sum on its own row with its coverage (factories.SCENARIO: A + B + D).
    assert ("scope1_sum", 2025, 3550, "1", 3, 4) in [r[:1] + r[2:4] + r[5:6] + r[7:9] for r in rows]
    sums = [(r[2], r[3]) for r in rows if r[0] == "scope2_market_sum"]
    assert sums[-4:] == [(2022, 1800), (2023, 1800), (2024, 1650), (2025, 1500)]


def test_first_page_of_each_report_becomes_a_png(
    world: World, report_year: ReportYear, tmp_path: Path
) -> None:
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    jobs = {
        "partnership-sv": build(world, report_year, "partnership", "sv"),
        "organisation-sv": build(world, report_year, "organisation", "sv", world.org_a),
    }
    for name, job in jobs.items():
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(read(job))
        for page in (1, 2):
            target = PREVIEWS / f"{name}-page{page}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(source),
                    str(target),
                ],
                check=True,
                timeout=60,
            )
            png = target.with_suffix(".png")
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert png.stat().st_size > 5_000  # a page with content, not a blank sheet


def test_fonts_are_bundled_and_nothing_is_fetched(world: World, report_year: ReportYear) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    html = documents.render_html(report_year.snapshot.data, kind="partnership", language="sv")
    fetcher = pdf.make_url_fetcher()
    reader = PdfReader(io.BytesIO(pdf.render_html_to_pdf(html, url_fetcher=fetcher)))
    assert fetcher.blocked == []
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    assert all("Source-Sans-3" in name for name in fonts), fonts


def test_weasyprint_subsets_fonts_with_harfbuzz() -> None:
    """Without Debian's libharfbuzz-subset0 WeasyPrint silently falls back to fontTools (~50 %
    slower): the README, the Dockerfile and .ci/run install it; this test notices when not."""
    assert pdf.harfbuzz_subsetting_available(), (
        "WeasyPrint found no HarfBuzz subsetting: install libharfbuzz-subset0 (Debian)."
    )


class CountingServer:
    """A local TCP listener that counts connection attempts (none may arrive)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    server = CountingServer()
    yield server
    server.close()


def hostile(port: int) -> str:
    return (
        f'<script>alert("x")</script><img src="http://127.0.0.1:{port}/pixel.png">'
        f'<link rel="stylesheet" href="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        f'<style>@import url("http://127.0.0.1:{port}/a.css"); body {{ background: url("file:///etc/passwd"); }}</style>'
        f'<p style="background: url(http://127.0.0.1:{port}/b.png)">text</p>'
        f'<iframe src="file:///etc/passwd"></iframe>'
    )


def test_hostile_narrative_and_names_render_safely(
    world: World,
    report_year: ReportYear,
    listener: CountingServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    report_year.story_sv = "Berättelse\n\n" + hostile(listener.port)
    report_year.conclusions_sv = (
        f"![bild](http://127.0.0.1:{listener.port}/md.png) [länk](javascript:alert(1))"
    )
    report_year.save()
    world.org_a.name = f'Ond AB <img src="http://127.0.0.1:{listener.port}/org.png"><link href="file:///etc/passwd">'
    world.org_a.save()
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    story = snapshot.data["narrative"]["sv"]["story"]
    for element in ("<script", "<img", "<link", "<style", "<iframe", "style="):
        assert element not in story
    assert "javascript:" not in snapshot.data["narrative"]["sv"]["conclusions"]
    jobs = [
        build(world, report_year, "partnership", "sv"),
        build(world, report_year, "organisation", "sv", world.org_a),
    ]
    for job in jobs:
        text, _ = pdf_text(read(job))
        assert "root:x:0:0" not in text
        reader = PdfReader(io.BytesIO(read(job)))
        assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    # The organisation's hostile name is printed as text, escaped, not interpreted.
    org_text, _ = pdf_text(read(jobs[1]))
    assert "Ond AB <img src=" in org_text
    assert listener.connections == 0


def test_fetcher_blocks_network_and_files_outside_static_and_media(
    listener: CountingServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Defence in depth: even unsanitised HTML reaching WeasyPrint cannot fetch or read files."""
    html = (
        "<html><body><h1>Rapport</h1>"
        + hostile(listener.port)
        + f'<img src="file://{settings.BASE_DIR}/klimatfardplan/settings.py">'
        + f'<img src="file://{settings.STATIC_ROOT}/../../klimatfardplan/settings.py">'
        + "</body></html>"
    )
    fetcher = pdf.make_url_fetcher()
    with caplog.at_level(logging.WARNING, logger="reporting.pdf"):
        data = pdf.render_html_to_pdf(html, url_fetcher=fetcher)
    text, _ = pdf_text(data)
    assert "Rapport" in text
    assert "root:x:0:0" not in text
    blocked = " ".join(fetcher.blocked)
    assert f"http://127.0.0.1:{listener.port}/pixel.png" in blocked
    assert "file:///etc/passwd" in blocked
    assert "settings.py" in blocked
    assert "PDF rendering blocked a resource" in caplog.text
    assert listener.connections == 0


def test_office_choices_leave_sections_out(world: World, report_year: ReportYear) -> None:
    report_year.include_emissions = False
    report_year.include_meetings = False
    report_year.save()
    text, _ = pdf_text(read(build(world, report_year, "partnership", "sv")))
    assert "Partnernas utsläpp" not in text
    assert "Partnerskapsdag 2025" not in text
    assert "Solceller på taken" in text  # activities stay included


def test_xlsx_never_holds_a_live_formula(world: World, report_year: ReportYear) -> None:
    from activities.models import Activity

    Activity.objects.filter(title="Solceller på taken").update(
        title='=HYPERLINK("http://x.example")'
    )
    job = build(world, report_year, "partnership", "sv")
    with job.data_xlsx.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    titles = [row[0].value for row in workbook["Aktiviteter"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x.example")' in titles
    assert all(row[0].data_type != "f" for row in workbook["Aktiviteter"].iter_rows(min_row=2))
