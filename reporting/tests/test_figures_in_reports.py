"""Reports say exactly this (issue 16, point 10): the PDFs show the scenario's figures, each with
its scopes, scope 2 method, panel and coverage next to it, read back from the PDF text.

The scenario (``factories.SCENARIO``, imported through the office's import and approved; base
year 2022, the 20 % path, scope 2 market-based for path checks; 4 partners, all reporting):

=====  ========  ===========  ============  ==========================================
org    year      scope 1      scope 2 LB    scope 2 MB
=====  ========  ===========  ============  ==========================================
A      2022/25   4000 / 2500  500 / 500     1000 / 1000  (own target −10 %/yr from 2022)
B      2022/25   1000 / 800   300 / 200     600 / 400
C      2022/25   200 / 200    50 / 50       100 / 100    (inside A's report: left out)
D      2022/25   500 / 250    100 / 100     200 / 100
=====  ========  ===========  ============  ==========================================

Partnership, 2025 (n = 3 of 4: C left out as included elsewhere):

* scope 1 = 2500 + 800 + 250 = **3 550** t; scope 2 location = 500 + 200 + 100 = **800** t;
  scope 2 market = 1000 + 400 + 100 = **1 500** t. Never added together: S1 + S2 across
  partners would be 5 050 (market) or 4 350 (location), and counting C 3 750 for scope 1.
* panel 2022–2025 = A, B, D: scope 1 3550 / (4000 + 1000 + 500) − 1 = 3550 / 5500 − 1 =
  **−35,5 %**; scope 2 location 800 / 900 − 1 = **−11,1 %**; market 1500 / 1800 − 1 =
  **−16,7 %**.
* own S1 + S2 (market) change: A 3500 / 5000 − 1 = −30 %, B 1200 / 1600 − 1 = −25 %,
  D 350 / 700 − 1 = −50 %: median **−30,0 %**. On the path (base × 0.8³ = base × 0.512):
  A 3500 > 2560, B 1200 > 819.2, D 350 ≤ 358.4: **33,3 %** (1 of 3).
* own target: A only, of the 4 responses: **25,0 %**. Key figures: **4** approved responses
  ("svar"), **3** in the panel.

Alfa Energi AB, 2025: scope 1 2 500, scope 2 500 (location) / 1 000 (market), scope 3 = 1200
(cat. 1) + 50 (cat. 6) = 1 250, total 1 + 2 + 3 (market) = 2500 + 1000 + 1250 = **4 750**.
Path checks on scope 1 + 2 (market), base 5 000:

* 20 % path: target 5000 × 0.8³ = 2 560; gap 3500 − 2560 = 940 t = 940 / 2560 = 36,7 %; off
  the path; average rate 1 − (3500 / 5000)^(1/3) = 11,2 %/yr; required rate with the budget
  5000 × 0.8 / 0.2 = 20 000 and 4600 + 4000 + 3500 = 12 100 used: 3500 / (3500 + 7900) =
  30,7 %/yr.
* own target (−10 %/yr): target 5000 × 0.9³ = 3 645; gap −145 t = −4,0 %; on the path; required
  with 5000 × 0.9 / 0.1 = 45 000: 3500 / (3500 + 32 900) = 9,6 %/yr.
"""

from __future__ import annotations

import re

import pytest

from reporting.models import ReportYear
from reporting.tests.factories import Seeded
from reporting.tests.test_pdf import build, pdf_text, read
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def _row(text: str, label: str, *cells: str) -> bool:
    """Does the PDF have a table row starting at ``label`` whose next cells (in order, each
    within a short distance of the one before) are ``cells``?"""
    pattern = re.escape(label) + "".join(r".{0,160}?" + re.escape(cell) for cell in cells)
    return re.search(pattern, text) is not None


def test_partnership_report_states_each_figure_with_its_scopes_method_and_coverage(
    world: World, report_year: ReportYear
) -> None:
    text, _pages = pdf_text(read(build(world, report_year, "partnership", "sv")))
    rows = [
        # label, value, scopes, scope 2 method, who is in
        ("Scope 1, summa för partnerna", "3 550 t", "Scope 1 –", "3 av 4 partner"),
        ("Scope 2 platsbaserad, summa", "800 t", "Scope 2 platsbaserad", "3 av 4 partner"),
        ("Scope 2 marknadsbaserad, summa", "1 500 t", "Scope 2 marknadsbaserad", "3 av 4 partner"),
        ("Scope 1, förändring", "-35,5 %", "Scope 1 –", "panel 2022–2025: 3 av 4 partner"),
        (
            "Scope 2 platsbaserad, förändring",
            "-11,1 %",
            "Scope 2 platsbaserad",
            "panel 2022–2025: 3 av 4 partner",
        ),
        (
            "Scope 2 marknadsbaserad, förändring",
            "-16,7 %",
            "Scope 2 marknadsbaserad",
            "panel 2022–2025: 3 av 4 partner",
        ),
        (
            "Medianpartnerns förändring",
            "-30,0 %",
            "Scope 1 + 2 marknadsbaserad",
            "panel 2022–2025: 3 av 4 partner",
        ),
        (
            "Andel av panelen på eller under 20 %-banan",
            "33,3 %",
            "Scope 1 + 2 marknadsbaserad",
            "panel 2022–2025: 3 av 4 partner",
        ),
        ("Andel med eget minskningsmål", "25,0 %", "4 av 4 partner"),
    ]
    for label, *cells in rows:
        assert _row(text, label, *cells), label
    # The overlap is named where it was left out.
    assert "1 utelämnade: ingår i annan partners redovisning" in text
    # "svar" counts responses, "panel" the panel.
    assert "4 godkända svar på enkäten" in text
    assert "3 partner i den jämförbara panelen" in text
    # Each scope's sums over the years, with the organisations in each (2022: 5500, 900, 1800).
    assert "2022 5 500 (3/4) 900 (3/4) 1 800 (3/4)" in text
    assert "2025 3 550 (3/4) 800 (3/4) 1 500 (3/4)" in text
    # Never scope 1 + 2 across partners, and the subsidiary never counted twice.
    for wrong in ("5 050", "4 350", "7 300", "6 400", "3 750"):
        assert wrong not in text, wrong


def test_organisation_report_states_its_scopes_total_and_path_checks(
    world: World, report_year: ReportYear
) -> None:
    text, _pages = pdf_text(read(build(world, report_year, "organisation", "sv", world.org_a)))
    for label, value in (
        ("Scope 1", "2 500"),
        ("Scope 2 platsbaserad", "500"),
        ("Scope 2 marknadsbaserad", "1 000"),
        ("Scope 3, summan av era beräknade kategorier", "1 250"),
        ("Totalt, Scope 1 + 2 + 3 (scope 2 marknadsbaserad)", "4 750"),
    ):
        assert f"{label} {value} " in text, label
    assert _row(
        text,
        "Scope 1 + 2 (marknadsbaserad) mot partnerskapets 20 %-bana från 2022",
        "3 500 t",
        "2 560 t",
        "940 t (36,7 %)",
        "Nej, över",
        "11,2 %/",
        "30,7 %/",
    )
    assert _row(
        text,
        "Scope 1 + 2 (marknadsbaserad) mot ert eget mål (−10 %/år från 2022)",
        "3 500 t",
        "3 645 t",
        "-145 t (-4,0 %)",
        "Ja, på eller under",
        "11,2 %/",
        "9,6 %/",
    )
    assert _row(text, "6. Tjänsteresor", "Beräknad", "50")
    assert _row(text, "2. Kapitalvaror", "Inte besvarad")


def test_subsidiary_report_says_it_is_counted_in_another_report(
    world: World, report_year: ReportYear, seeded: Seeded
) -> None:
    text, _pages = pdf_text(read(build(world, report_year, "organisation", "sv", seeded.org_c)))
    assert "Totalt, Scope 1 + 2 (scope 2 marknadsbaserad) 300" in text  # 200 + 100
    assert "Era siffror ingår i en annan partners redovisning" in text
    assert "Alfa Energi AB" not in text  # an organisation's report names no other organisation


def test_a_year_without_approved_answers_says_so(world: World) -> None:
    report_year = ReportYear.objects.create(year=2025, title="Tomt år")
    text, _pages = pdf_text(read(build(world, report_year, "partnership", "sv")))
    assert "Inga godkända utsläppsuppgifter finns för året." in text
    org_text, _pages = pdf_text(read(build(world, report_year, "organisation", "sv", world.org_a)))
    assert "Inga godkända utsläppsuppgifter för 2025." in org_text
