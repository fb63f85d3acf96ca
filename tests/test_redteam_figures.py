"""Red-team of the published emissions figures (issue 16), by the office's climate strategist.

Every scenario is built here as a long-format file, fed through the office's import
(``surveys.importing.import_long(..., approve=True)``), and every expected number is computed by
hand in the test's docstring. Base year 2022, reference rate 20 %, scope 2 method market-based,
suppression under 3 organisations (the defaults). A baseline round (reporting year 2023) covers
2022 and 2023; later rounds cover their reporting year only.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from partners.models import Organisation
from partners.tests.factories import OrganisationFactory, organisation_number
from surveys import figures, importing
from surveys.figures import Figure

pytestmark = pytest.mark.django_db

HEADER = (
    "organisation;organisation_number;state;section;key;field;year;challenge;unit;value;choice;"
    "text;not_reported;comment"
)
_counter = iter(range(900, 10_000))


@pytest.fixture(autouse=True)
def _reference(reference_data: None) -> None:
    """Only the scenario's organisations are partners."""


def _row(
    org: Organisation, key: str, field: str, year: int, value: Any = "", choice: str = ""
) -> str:
    return (
        f"{org.name};{org.organisation_number};approved;x;{key};{field};{year};;;"
        f"{value};{choice};;false;"
    )


def org(name: str, **kw: Any) -> Organisation:
    return OrganisationFactory.create(
        name=name, organisation_number=organisation_number(next(_counter)), **kw
    )


def response_rows(
    o: Organisation,
    reporting_year: int,
    years: dict[int, dict[str, Any]],
    *,
    geography: str = "umea",
    consolidation: str = "operational_control",
    once: dict[str, Any] | None = None,
    choices: dict[str, str] | None = None,
    scope3: dict[int, dict[int, tuple[Any, str]]] | None = None,
    likert: str = "4",
) -> list[str]:
    """One organisation's response: ``years`` = data year → {"s1", "s2l", "s2m"} (a missing
    key is not reported); ``scope3`` = data year → category → (value, status), the other
    categories "not_relevant"; ``once`` numeric, ``choices`` choice answers of the response."""
    rows = [
        _row(
            o,
            "consolidation_approach",
            "consolidation_approach",
            reporting_year,
            choice=consolidation,
        ),
        _row(o, "geographic_scope", "geographic_scope", reporting_year, choice=geography),
        _row(o, "gwp_set", "gwp_set", reporting_year, choice="ar6"),
        _row(o, "ef_sources", "ef_sources", reporting_year, choice="naturvardsverket"),
    ]
    once = {"base_year": 2022} | (once or {})
    for key, value in once.items():
        rows.append(_row(o, key, key, reporting_year, value=value))
    for key, choice in (choices or {}).items():
        rows.append(_row(o, key, key, reporting_year, choice=choice))
    for n in range(1, 9):
        rows.append(_row(o, f"enabling_{n}", f"enabling_{n}", reporting_year, choice=likert))
    for year, data in years.items():
        for short, key in (
            ("s1", "scope1_total"),
            ("s2l", "scope2_location"),
            ("s2m", "scope2_market"),
        ):
            if short in data:
                rows.append(_row(o, key, f"{key}__{year}", year, value=data[short]))
        categories = (scope3 or {}).get(year, {})
        for c in range(1, 16):
            value, status = categories.get(c, ("", "not_relevant"))
            rows.append(_row(o, f"scope3_c{c}", f"scope3_c{c}__{year}", year, value, status))
    return rows


def load(reporting_year: int, data_years: list[int], *rows: list[str]) -> Any:
    content = "\n".join([HEADER, *[r for block in rows for r in block]]).encode()
    survey_round, _created = importing.ensure_round(
        reporting_year=reporting_year, years=data_years, by=None
    )
    result = importing.import_long(survey_round, content, approve=True, by=None)
    assert result.applied, [e.message for e in result.errors]
    return survey_round


def fig(year: int, key: str) -> Figure:
    return next(f for f in figures.partnership_figures(year) if f.key == key)


# --- None vs 0, location-only scope 2 ----------------------------------------------------------


def test_missing_scope2_market_is_neither_zero_nor_counted_in_n() -> None:
    """A 2022/2023: S1 100/90, S2L 80/70, S2M 120/100; B: S1 50/40, S2L 60/50, no S2M (only
    location-based); C: S1 10/10, S2L 30/30, S2M 0/0 (an explicit zero); D: S1 200/180, no
    S2L, S2M 250/200.
    scope2_market_sum 2023 = 100 + 0 + 200 = 300, n = 3 (A, C, D) of 4.
    scope2_location_sum 2023 = 70 + 50 + 30 = 150, n = 3 (A, B, C) of 4.
    scope2_market_panel_change 2023 = 300 / (120 + 0 + 250) − 1 = 300 / 370 − 1 = −0.189189.
    median_partner_change (S1 + S2M) over A, C, D: A 190/220 − 1 = −0.136364; C 10/10 − 1 = 0;
    D 380/450 − 1 = −0.155556 → median −0.136364, n = 3 (B not in: no market-based S2)."""
    a, b, c, d = org("Alfa AB"), org("Beta AB"), org("Ceta AB"), org("Delta AB")
    load(
        2023,
        [2022, 2023],
        response_rows(
            a,
            2023,
            {2022: {"s1": 100, "s2l": 80, "s2m": 120}, 2023: {"s1": 90, "s2l": 70, "s2m": 100}},
        ),
        response_rows(b, 2023, {2022: {"s1": 50, "s2l": 60}, 2023: {"s1": 40, "s2l": 50}}),
        response_rows(
            c, 2023, {2022: {"s1": 10, "s2l": 30, "s2m": 0}, 2023: {"s1": 10, "s2l": 30, "s2m": 0}}
        ),
        response_rows(d, 2023, {2022: {"s1": 200, "s2m": 250}, 2023: {"s1": 180, "s2m": 200}}),
    )
    market = fig(2023, "scope2_market_sum")
    assert (market.value, market.n, market.n_partners) == (300, 3, 4)
    location = fig(2023, "scope2_location_sum")
    assert (location.value, location.n) == (150, 3)
    change = fig(2023, "scope2_market_panel_change")
    assert change.value == pytest.approx(300 / 370 - 1)
    assert change.n == 3
    median = fig(2023, "median_partner_change")
    assert median.value == pytest.approx(190 / 220 - 1)
    assert median.n == 3
    beta = figures.organisation_figures(b.pk, 2023)
    assert beta is not None
    assert beta.scope2_market is None
    assert beta.total is None  # never S1 + 0: the period's method (market) is not reported
    assert beta.check("partnership_path") is None


# --- scope 3 statuses ------------------------------------------------------------------------


def test_scope3_value_with_status_included_elsewhere_is_not_summed() -> None:
    """Evert AB 2023: cat. 1 = 1000 t "calculated"; cat. 4 = 300 t with status "Ingår i annan
    kategori" (the transport is already inside cat. 1's 1000 t); cat. 6 "relevant but not
    calculated"; the rest "not relevant".
    By hand: scope 3 = Σ calculated = 1000 (not 1300: cat. 4 is inside cat. 1);
    total (1+2+3, market) = 100 + 50 + 1000 = 1150; cat. 4's status stays "included_elsewhere";
    scope3_c4_reporting (organisations that calculated cat. 4) does not count Evert.

    (Changed by h17: the form and the import now refuse a value with a status other than
    "calculated" — test_scope3_value_with_another_status_is_refused_by_the_import — so the stale
    pair is written straight into the approved answer, as answers stored before that rule.)"""
    from surveys.models import Answer

    evert = org("Evert AB")
    load(
        2023,
        [2022, 2023],
        response_rows(
            evert,
            2023,
            {2022: {"s1": 110, "s2l": 40, "s2m": 60}, 2023: {"s1": 100, "s2l": 40, "s2m": 50}},
            scope3={
                year: {
                    1: (1000, "calculated"),
                    4: ("", "included_elsewhere"),
                    6: ("", "not_calculated"),
                }
                for year in (2022, 2023)
            },
        ),
    )
    Answer.objects.filter(response__organisation=evert, question__key="scope3_c4").update(
        value=Decimal(300)
    )
    found = figures.organisation_figures(evert.pk, 2023)
    assert found is not None
    statuses = {c.number: c.status for c in found.scope3_categories}
    assert statuses[6] == "not_calculated"
    assert statuses[5] == "not_relevant"
    assert statuses[4] == "included_elsewhere"
    assert found.scope3 == 1000
    assert found.total == 1150
    assert fig(2023, "scope3_c4_reporting").value == 0


def test_scope3_value_with_status_not_relevant_is_not_summed() -> None:
    """Fabian AB 2023: cat. 1 = 500 "calculated", cat. 2 = 80 t but status "Inte relevant"
    (a stale number left behind when the status was changed). By hand: scope 3 = 500,
    total = 20 + 30 + 500 = 550; cat. 2 stays "not_relevant". (Stale value written into the
    stored answer, as in the test above.)"""
    from surveys.models import Answer

    fabian = org("Fabian AB")
    load(
        2023,
        [2022, 2023],
        response_rows(
            fabian,
            2023,
            {2022: {"s1": 20, "s2m": 30}, 2023: {"s1": 20, "s2m": 30}},
            scope3={
                year: {1: (500, "calculated"), 2: ("", "not_relevant")} for year in (2022, 2023)
            },
        ),
    )
    Answer.objects.filter(response__organisation=fabian, question__key="scope3_c2").update(
        value=Decimal(80)
    )
    found = figures.organisation_figures(fabian.pk, 2023)
    assert found is not None
    assert {c.number: c.status for c in found.scope3_categories}[2] == "not_relevant"
    assert (found.scope3, found.total) == (500, 550)


def test_scope3_value_with_another_status_is_refused_by_the_import() -> None:
    """Gustav AB's file gives cat. 4 = 300 t with status "Ingår i annan kategori": a hard
    error naming the row, nothing imported (the same rule blocks submitting the form)."""
    from surveys.models import Answer

    gustav = org("Gustav AB")
    rows = response_rows(
        gustav,
        2023,
        {2023: {"s1": 10, "s2m": 10}},
        scope3={2023: {1: (100, "calculated"), 4: (300, "included_elsewhere")}},
    )
    content = "\n".join([HEADER, *rows]).encode()
    survey_round, _created = importing.ensure_round(reporting_year=2023, years=[2023], by=None)
    result = importing.import_long(survey_round, content, approve=True, by=None)
    assert not result.applied
    assert any("Beräknad" in e.message and "scope3_c4" in e.message for e in result.errors)
    assert not Answer.objects.filter(response__organisation=gustav).exists()


# --- overlaps ----------------------------------------------------------------------------------


def test_subsidiary_of_a_parent_that_has_not_reported_is_not_left_out() -> None:
    """Dotter AB answers "our figures are inside Moder AB's report", but Moder AB has no
    approved response (it never answered): nothing of Dotter's is in the partnership's figures
    twice, so leaving Dotter out loses its emissions and the note "1 utelämnade: ingår i annan
    partners redovisning" points at a report that is not there.
    Others: Gran AB S1 300, Tall AB S1 400, Ek AB 100 (2023); Dotter 200.
    By hand: scope1_sum 2023 = 300 + 400 + 100 + 200 = 1000, n = 4 of 5, left out 0."""
    moder, dotter = org("Moder AB"), org("Dotter AB")
    gran, tall, ek = org("Gran AB"), org("Tall AB"), org("Ek AB")
    load(
        2023,
        [2022, 2023],
        response_rows(dotter, 2023, {2022: {"s1": 210}, 2023: {"s1": 200}},
                      choices={"included_in_partner": moder.organisation_number}),
        response_rows(gran, 2023, {2022: {"s1": 300}, 2023: {"s1": 300}}),
        response_rows(tall, 2023, {2022: {"s1": 400}, 2023: {"s1": 400}}),
        response_rows(ek, 2023, {2022: {"s1": 100}, 2023: {"s1": 100}}),
    )  # fmt: skip
    total = fig(2023, "scope1_sum")
    assert total.left_out_included == 0
    assert (total.value, total.n) == (1000, 4)


def test_parent_that_sold_its_subsidiary_after_the_base_year_is_not_a_like_for_like_cut() -> None:
    """Koncern AB's 2022 and 2023 figures include Bolaget AB (Bolaget's baseline answer says
    "inside Koncern's report"). Bolaget is sold at the turn of 2024 and reports on its own; its
    2024 response no longer says it is included. Emissions did not change anywhere.
    Koncern S1: 1000 (2022, incl. Bolaget's 200), 1000 (2023), 2024: 800 (without Bolaget).
    Bolaget: 200 / 200 / 200. Ask AB 300 / 300 / 300, Björk AB 400 / 400 / 400.
    By hand: scope1_sum 2022 = 1000 + 300 + 400 = 1700 (Bolaget left out), 2024 =
    800 + 200 + 300 + 400 = 1700 (n 4): the partnership's emissions are unchanged.
    Like for like (GHG Protocol: recalculate the base for a divestment, survey-and-ghg.md §1.4,
    §3.3.5), scope1_panel_change 2024 must not report Koncern's divestment as a cut: naively
    (800 + 300 + 400) / (1000 + 300 + 400) − 1 = 1500 / 1700 − 1 = −11.8 % (Koncern −20 %, "on
    the 20 % path"). Expected: Koncern left out as not comparable (then n = 2 → suppressed) or
    compared against a base without Bolaget (1500 / 1500 − 1 = 0 %); either way not −11.8 %,
    and Koncern is not shown as on the path because it sold a company."""
    koncern, bolaget = org("Koncern AB"), org("Bolaget AB")
    ask, bjork = org("Ask AB"), org("Björk AB")
    load(
        2023,
        [2022, 2023],
        response_rows(koncern, 2023, {2022: {"s1": 1000, "s2m": 0}, 2023: {"s1": 1000, "s2m": 0}}),
        response_rows(bolaget, 2023, {2022: {"s1": 200, "s2m": 0}, 2023: {"s1": 200, "s2m": 0}},
                      choices={"included_in_partner": koncern.organisation_number}),
        response_rows(ask, 2023, {2022: {"s1": 300, "s2m": 0}, 2023: {"s1": 300, "s2m": 0}}),
        response_rows(bjork, 2023, {2022: {"s1": 400, "s2m": 0}, 2023: {"s1": 400, "s2m": 0}}),
    )  # fmt: skip
    load(
        2024,
        [2024],
        response_rows(koncern, 2024, {2024: {"s1": 800, "s2m": 0}}),
        response_rows(bolaget, 2024, {2024: {"s1": 200, "s2m": 0}}),
        response_rows(ask, 2024, {2024: {"s1": 300, "s2m": 0}}),
        response_rows(bjork, 2024, {2024: {"s1": 400, "s2m": 0}}),
    )
    assert fig(2022, "scope1_sum").value == 1700
    assert fig(2024, "scope1_sum").value == 1700
    change = fig(2024, "scope1_panel_change")
    assert change.value != pytest.approx(1500 / 1700 - 1), "a divestment reported as a cut"
    found = figures.organisation_figures(koncern.pk, 2024)
    assert found is not None
    path = found.check("partnership_path")
    assert path is None or not path.on_path


# --- who is a partner --------------------------------------------------------------------------


def test_n_partners_of_an_earlier_year_does_not_count_later_joiners() -> None:
    """Three partners in the baseline (2022, 2023): Aspen, Björken, Cypressen (all report);
    Joinern AB and Jolle AB join in 2024 and answer only the 2024 round.
    By hand: scope1_sum 2023: n = 3 of 3 partners (the joiners were not partners and were not
    asked); 2024: n = 5 of 5. (expected_frame's own docstring: "the responding ones for earlier
    rounds".)"""
    old = [org(name) for name in ("Aspen AB", "Björken AB", "Cypressen AB")]
    load(
        2023,
        [2022, 2023],
        *[response_rows(o, 2023, {2022: {"s1": 100}, 2023: {"s1": 90}}) for o in old],
    )
    new = [org(name) for name in ("Joinern AB", "Jolle AB")]
    load(2024, [2024], *[response_rows(o, 2024, {2024: {"s1": 80}}) for o in old + new])
    assert fig(2024, "scope1_sum").n_partners == 5
    earlier = fig(2023, "scope1_sum")
    assert (earlier.n, earlier.n_partners) == (3, 3)
    assert "3 av 3 partner" in earlier.note


def test_a_partner_that_left_still_counts_in_the_year_it_reported() -> None:
    """Four partners report the baseline; Lämnar AB then leaves (status "left").
    By hand: 2023 scope1_sum = 100 + 200 + 300 + 400 = 1000, n = 4 of 4 (it was a partner and
    reported for 2023)."""
    orgs = [org(n) for n in ("Ett AB", "Två AB", "Tre AB", "Lämnar AB")]
    load(
        2023,
        [2022, 2023],
        *[
            response_rows(o, 2023, {2022: {"s1": s}, 2023: {"s1": s}})
            for o, s in zip(orgs, (100, 200, 300, 400), strict=True)
        ],
    )
    Organisation.objects.filter(pk=orgs[3].pk).update(status=Organisation.Status.LEFT)
    total = fig(2023, "scope1_sum")
    assert (total.value, total.n, total.n_partners) == (1000, 4, 4)


# --- path checks -------------------------------------------------------------------------------


def test_path_checks_on_and_above_the_path_over_two_rounds() -> None:
    """Exakt AB: S1 + S2M = 500 + 500 = 1000 (2022), 400 + 400 = 800 (2023), 320 + 320 = 640
    (2024) — exactly on the 20 % path. Target 2024 = 1000 × 0.8² = 640, gap 0, on the path,
    CAGR 1 − (640/1000)^(1/2) = 0.2; B = 1000 × 0.8 / 0.2 = 4000, used 800 + 640 = 1440,
    remaining 2560, required = 640 / (640 + 2560) = 0.200.
    Över AB: 1000 (600 + 400), 900 (540 + 360), 810 (486 + 324). Target 640, gap 170 t,
    170 / 640 = 26.5625 %, off; CAGR = 1 − (810/1000)^(1/2) = 1 − 0.9 = 0.1; used 900 + 810 =
    1710, remaining 2290, required = 810 / (810 + 2290) = 810 / 3100 = 0.261290."""
    exakt, over = org("Exakt AB"), org("Över AB")
    load(
        2023,
        [2022, 2023],
        response_rows(exakt, 2023, {2022: {"s1": 500, "s2m": 500}, 2023: {"s1": 400, "s2m": 400}}),
        response_rows(over, 2023, {2022: {"s1": 600, "s2m": 400}, 2023: {"s1": 540, "s2m": 360}}),
    )
    load(
        2024,
        [2024],
        response_rows(exakt, 2024, {2024: {"s1": 320, "s2m": 320}}),
        response_rows(over, 2024, {2024: {"s1": 486, "s2m": 324}}),
    )
    on = figures.organisation_figures(exakt.pk, 2024).check("partnership_path")
    assert on.target == pytest.approx(640)
    assert on.on_path
    assert on.gap == pytest.approx(0, abs=1e-9)
    assert on.average_rate == pytest.approx(0.2)
    assert on.required_rate == pytest.approx(0.2)
    off = figures.organisation_figures(over.pk, 2024).check("partnership_path")
    assert (off.emissions, off.on_path) == (810, False)
    assert off.gap == pytest.approx(170)
    assert off.gap_pct == pytest.approx(170 / 640)
    assert off.average_rate == pytest.approx(0.1)
    assert off.required_rate == pytest.approx(810 / 3100)


def test_exactly_on_the_path_is_not_written_as_a_negative_gap_in_the_export() -> None:
    """Exakt AB as above, 2024: gap = 640 − 1000 × 0.8² = 0 t. The export must say 0.000, not
    "-0.000" (a float remainder of 1.1e-13 t printed with its sign reads as "under the path")."""
    exakt = org("Exakt AB")
    load(
        2023,
        [2022, 2023],
        response_rows(exakt, 2023, {2022: {"s1": 500, "s2m": 500}, 2023: {"s1": 400, "s2m": 400}}),
    )
    load(2024, [2024], response_rows(exakt, 2024, {2024: {"s1": 320, "s2m": 320}}))
    rows = figures.organisations_csv(2024).splitlines()
    mine = [r.split(";") for r in rows[1:] if r.startswith(exakt.organisation_number)]
    assert mine[0][2:7] == ["1+2", "640.000", "640.000", "0.000", "true"]


def test_own_target_with_a_base_year_before_2022_is_checked_against_its_base_values() -> None:
    """Gamla AB: own target −10 %/yr from 2019 on scope 1 + 2, base year 2019 with base-year
    values S1 1000, S2 market 1000 (the questionnaire's base_scope1 / base_scope2_market).
    2023: S1 800 + S2M 700 = 1500.
    By hand: target 2023 = 2000 × 0.9⁴ = 1312.2; gap = 187.8 t (14.3 %); off the path;
    CAGR = 1 − (1500/2000)^(1/4) = 0.069395. The check is shown (labelled "eget mål"), not
    silently dropped because 2019 is not a survey year."""
    gamla = org("Gamla AB")
    load(
        2023,
        [2022, 2023],
        response_rows(
            gamla,
            2023,
            {2022: {"s1": 900, "s2m": 800}, 2023: {"s1": 800, "s2m": 700}},
            once={"base_year": 2019, "base_scope1": 1000, "base_scope2_market": 1000,
                  "target_rate_pct": 10, "target_base_year": 2019},
            choices={"target_scopes": "s1,s2"},
        ),
    )  # fmt: skip
    own = figures.organisation_figures(gamla.pk, 2023).check("own_target")
    assert own is not None, "own target from 2019 silently dropped"
    assert own.target == pytest.approx(1312.2)
    assert own.gap == pytest.approx(187.8)
    assert own.average_rate == pytest.approx(1 - 0.75**0.25)


# --- boundary, reopen, manual values -----------------------------------------------------------


def test_boundary_change_flagged_then_overridden_by_the_office() -> None:
    """Vida AB changes its geographic scope Umeå → Sweden in 2024 without a recalculated base.
    S1: Vida 100/100/300, Ro AB 100/90/80, Sol AB 200/180/160, Is AB 300/270/240.
    By hand: scope1_panel_change 2024 without Vida = (80 + 160 + 240) / (100 + 200 + 300) − 1 =
    480 / 600 − 1 = −0.2, n = 3, 1 left out not comparable. The office decides comparable:
    (300 + 480) / (100 + 600) − 1 = 780 / 700 − 1 = +0.114286, n = 4."""
    from accounts.tests.factories import UserFactory
    from surveys import services

    vida, ro, sol, is_ = org("Vida AB"), org("Ro AB"), org("Sol AB"), org("Is AB")
    s1 = {vida: (100, 100, 300), ro: (100, 90, 80), sol: (200, 180, 160), is_: (300, 270, 240)}
    load(
        2023,
        [2022, 2023],
        *[response_rows(o, 2023, {2022: {"s1": v[0]}, 2023: {"s1": v[1]}}) for o, v in s1.items()],
    )
    load(
        2024,
        [2024],
        *[
            response_rows(
                o, 2024, {2024: {"s1": v[2]}}, geography="sweden" if o == vida else "umea"
            )
            for o, v in s1.items()
        ],
    )
    change = fig(2024, "scope1_panel_change")
    assert change.value == pytest.approx(-0.2)
    assert (change.n, change.left_out_not_comparable) == (3, 1)
    assert not figures.organisation_figures(vida.pk, 2024).comparable
    office = UserFactory(username="kansli_r2", is_office_staff=True)
    services.decide_boundary(
        organisation=vida,
        reporting_year=2024,
        comparable=True,
        reason="Samma verksamhet.",
        by=office,
    )
    change = fig(2024, "scope1_panel_change")
    assert change.value == pytest.approx(780 / 700 - 1)
    assert (change.n, change.left_out_not_comparable) == (4, 0)


def test_reopening_an_approved_response_removes_it_from_the_figures() -> None:
    """Four partners report S1 2023 = 100, 200, 300, 400 (sum 1000, n 4). The office reopens
    the 400 one: sum = 600, n = 3; responses ("svar") = 3."""
    from accounts.tests.factories import UserFactory
    from surveys import services
    from surveys.models import Response

    orgs = [org(n) for n in ("Ett AB", "Två AB", "Tre AB", "Fyra AB")]
    load(
        2023,
        [2022, 2023],
        *[
            response_rows(o, 2023, {2022: {"s1": s}, 2023: {"s1": s}})
            for o, s in zip(orgs, (100, 200, 300, 400), strict=True)
        ],
    )
    assert fig(2023, "scope1_sum").value == 1000
    response = Response.objects.get(organisation=orgs[3])
    office = UserFactory(username="kansli_r2b", is_office_staff=True)
    services.reopen_response(response=response, reason="Fel enhet.", by=office)
    total = fig(2023, "scope1_sum")
    assert (total.value, total.n) == (600, 3)
    assert fig(2023, "responses").value == 3


@pytest.mark.parametrize("value", [Decimal(-500_000), Decimal(10) ** 12])
def test_manual_territorial_value_negative_or_absurd_is_refused(value: Decimal) -> None:
    from accounts.tests.factories import UserFactory
    from surveys import services
    from surveys.models import Indicator, ManualIndicatorValue

    indicator = Indicator.objects.get(key="umea_territorial")
    office = UserFactory(username="kansli_r2c", is_office_staff=True)
    with pytest.raises(ValidationError):
        services.set_manual_value(
            indicator=indicator, year=2023, value=value, source_note="x", by=office
        )
    assert not ManualIndicatorValue.objects.exists()


def test_partnership_csv_is_semicolon_separated_with_decimal_points() -> None:
    """Three partners, S1 2023 = 1234.5, 2000.25, 10 → scope1_sum = 3244.750 t (never
    "3 244,75"); one CSV row per figure, seven columns."""
    import csv

    orgs = [org(n) for n in ("Ett AB", "Två AB", "Tre AB")]
    load(
        2023,
        [2022, 2023],
        *[
            response_rows(o, 2023, {2022: {"s1": s}, 2023: {"s1": s}})
            for o, s in zip(orgs, ("1234.5", "2000.25", "10"), strict=True)
        ],
    )
    text = figures.partnership_csv(2023)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["figure", "year", "value", "unit", "n", "n_partners", "note"]
    assert all(len(r) == 7 for r in rows)
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["scope1_sum"][2:6] == ["3244.750", "t CO2e", "3", "3"]
    assert not any("," in r[2] for r in rows[1:])


# --- own target and boundary changes -----------------------------------------------------------


def test_own_target_check_uses_the_recalculated_base() -> None:
    """Pilen AB (the issue's "+652 % in its own report"): 2022 S1 50 + S2M 300 = 350 on the old
    boundary (Umeå only); in 2024 it reports Sweden-wide, S1 120 + S2M 845 = 965, and gives the
    recalculated 2022 base: S1 130, S2M 1000 = 1130. Own target −10 %/yr from 2022 on
    scope 1 + 2. Others (Ro, Sol, Is) unchanged, to make a round.
    By hand, own target 2024 against the recalculated base: target = 1130 × 0.9² = 915.3;
    gap = 965 − 915.3 = 49.7 t (5.4 %); off the path; CAGR = 1 − (965/1130)^(1/2) = 0.075888.
    (Against the old 350: target 283.5, gap 681.5 t = +240 %, CAGR −66 %: the boundary change
    read as a rise.)"""
    pilen = org("Pilen AB")
    target = {"target_rate_pct": 10, "target_base_year": 2022}
    load(
        2023,
        [2022, 2023],
        response_rows(pilen, 2023, {2022: {"s1": 50, "s2m": 300}, 2023: {"s1": 50, "s2m": 280}},
                      once=target, choices={"target_scopes": "s1,s2"}),
    )  # fmt: skip
    load(
        2024,
        [2024],
        response_rows(
            pilen,
            2024,
            {2024: {"s1": 120, "s2m": 845}},
            geography="sweden",
            once=target | {"base_scope1": 130, "base_scope2_market": 1000},
            choices={"target_scopes": "s1,s2", "base_recalculated": "yes"},
        ),
    )
    found = figures.organisation_figures(pilen.pk, 2024)
    assert found is not None
    assert found.comparable
    assert found.check("partnership_path").base_value == pytest.approx(1130)  # fine
    own = found.check("own_target")
    assert own is not None
    assert own.base_value == pytest.approx(1130)
    assert own.target == pytest.approx(915.3)
    assert own.gap == pytest.approx(49.7)
    assert own.average_rate == pytest.approx(1 - (965 / 1130) ** 0.5)


def test_own_target_check_is_not_shown_across_an_unrecalculated_boundary_change() -> None:
    """Vida AB: S1 + S2M 2022 = 100 + 100 (Umeå only), 2024 = 300 + 300 Sweden-wide, no
    recalculated base; own target −10 %/yr from 2022 on scope 1 + 2. The organisation is "not
    comparable" and its page says "jämförs inte mot basåret förrän ni anger omräknade
    basårsvärden…"; by hand there is then no like-for-like own-target check either (600 against
    a 200 t Umeå-only base = +270 % over a target of 162 t would be the boundary, not the
    emissions)."""
    vida = org("Vida AB")
    target = {"target_rate_pct": 10, "target_base_year": 2022}
    load(
        2023,
        [2022, 2023],
        response_rows(vida, 2023, {2022: {"s1": 100, "s2m": 100}, 2023: {"s1": 100, "s2m": 100}},
                      once=target, choices={"target_scopes": "s1,s2"}),
    )  # fmt: skip
    load(
        2024,
        [2024],
        response_rows(vida, 2024, {2024: {"s1": 300, "s2m": 300}}, geography="sweden",
                      once=target, choices={"target_scopes": "s1,s2"}),
    )  # fmt: skip
    found = figures.organisation_figures(vida.pk, 2024)
    assert found is not None
    assert not found.comparable
    assert found.check("partnership_path") is None
    assert found.check("own_target") is None


# --- Likert per group: a suppressed cell must not be recoverable -------------------------------


def test_suppressed_likert_group_cannot_be_recovered_from_the_published_total() -> None:
    """Statement 1, 2023: Lärken AB 4, Linden AB 5 (kind company: 2 organisations, suppressed);
    Mården 2, Myran 4, Mesen 5 (public body: n = 3, top-2-box 2/3). The follow-up page also
    publishes the statement's top-2-box over all 5 organisations: 4/5 = 80 %.
    By hand: company top-2-box = (5 × 0.8 − 3 × 2/3) / 2 = (4 − 2) / 2 = 100 %: the suppressed
    cell ("Visas inte (färre än 3)") is read off by subtraction. With only two groups and one
    suppressed, the other (or the total) must be suppressed too (secondary suppression)."""
    from surveys import indicators
    from surveys.models import IndicatorValue

    company, public = Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY
    answers = {("Lärken AB", company): "4", ("Linden AB", company): "5",
               ("Mården kommunförbund", public): "2", ("Myran region", public): "4",
               ("Mesen myndighet", public): "5"}  # fmt: skip
    load(
        2023,
        [2022, 2023],
        *[
            response_rows(
                org(name, kind=kind), 2023, {2022: {"s1": 10}, 2023: {"s1": 10}}, likert=choice
            )
            for (name, kind), choice in answers.items()
        ],
    )
    indicators.recompute_indicators()
    frame = figures.likert_by_group(2023, "kind")
    cells = {r["group"]: r for r in frame[frame["key"] == "enabling_1"].to_dict("records")}
    assert cells["company"]["suppressed"]
    total = IndicatorValue.objects.get(indicator__key="enabling_1", organisation=None, year=2023)
    public_shown = not cells["public_body"]["suppressed"]
    total_shown = total.value is not None and not total.suppressed
    assert not (public_shown and total_shown), (
        f"company = (5 × {total.value} − 3 × {cells['public_body']['top2']}) / 2 is disclosed"
    )


def test_followup_page_shows_each_scope_alone_with_its_coverage() -> None:
    """Office's follow-up page, 2023, scenario of the None-vs-0 test: scope 1 = 90 + 40 + 10 +
    180 = 320 t (4 / 4), scope 2 market = 300 t (3 / 4), location = 150 t (3 / 4); the cross-
    partner S1 + S2M (620 t) or S1 + S2L (470 t) appears nowhere."""
    import re

    from accounts.tests.factories import UserFactory
    from tests.fixtures import client_for

    a, b, c, d = org("Alfa AB"), org("Beta AB"), org("Ceta AB"), org("Delta AB")
    load(
        2023,
        [2022, 2023],
        response_rows(a, 2023, {2022: {"s1": 100, "s2l": 80, "s2m": 120}, 2023: {"s1": 90, "s2l": 70, "s2m": 100}}),
        response_rows(b, 2023, {2022: {"s1": 50, "s2l": 60}, 2023: {"s1": 40, "s2l": 50}}),
        response_rows(c, 2023, {2022: {"s1": 10, "s2l": 30, "s2m": 0}, 2023: {"s1": 10, "s2l": 30, "s2m": 0}}),
        response_rows(d, 2023, {2022: {"s1": 200, "s2m": 250}, 2023: {"s1": 180, "s2m": 200}}),
    )  # fmt: skip
    office = UserFactory(username="kansli_r2d", is_office_staff=True)
    page = client_for(office).get("/surveys/followup/?year=2023").content.decode()
    rows = {
        key: re.sub(r"<[^>]+>|\s+", " ", body)
        for key, body in re.findall(r'data-figure="([a-z0-9_]+)">(.*?)</tr>', page, re.S)
    }
    assert "320,0 t CO2e" in rows["scope1_sum"]
    assert "4 / 4" in rows["scope1_sum"]
    assert "300,0 t CO2e" in rows["scope2_market_sum"]
    assert "3 / 4" in rows["scope2_market_sum"]
    assert "150,0 t CO2e" in rows["scope2_location_sum"]
    assert "3 / 4" in rows["scope2_location_sum"]
    for wrong in ("620,0 t", "470,0 t", "620 t", "470 t"):
        assert wrong not in page


def test_umeas_required_rate_spends_the_budget_from_the_year_it_applies() -> None:
    """The office enters Umeå's carbon budget: 2,000,000 t CO2e from 2020 (FollowUpSettings
    budget_tonnes / budget_from_year), and the territorial emissions 2020 400,000, 2021 390,000,
    2022 380,000, 2023 370,000 t.
    By hand (§3.3.3): B_remaining after 2023 = 2,000,000 − (400,000 + 390,000 + 380,000 +
    370,000) = 460,000; r_req = 370,000 / (370,000 + 460,000) = 0.445783 (44.6 %/yr).
    Subtracting only the years after the partnership's base year 2022 would give
    370,000 / (370,000 + 1,630,000) = 0.185 — "18.5 %/yr", below the 20 % path."""
    from accounts.tests.factories import UserFactory
    from surveys import indicators, selectors, services
    from surveys.models import FollowUpSettings, Indicator, IndicatorValue

    period = selectors.current_period()
    assert period is not None
    FollowUpSettings.objects.update_or_create(
        period=period,
        defaults={"budget_tonnes": Decimal(2_000_000), "budget_from_year": 2020},
    )
    indicator = Indicator.objects.get(key="umea_territorial")
    office = UserFactory(username="kansli_r2e", is_office_staff=True)
    for year, value in ((2020, 400_000), (2021, 390_000), (2022, 380_000), (2023, 370_000)):
        services.set_manual_value(
            indicator=indicator, year=year, value=Decimal(value), source_note="NEDB", by=office
        )
    indicators.recompute_indicators()
    stored = IndicatorValue.objects.get(indicator=indicator, year=2023, organisation=None)
    assert float(stored.details["required_rate"]) == pytest.approx(370 / 830, abs=1e-4)


def test_a_location_only_reporter_is_not_silently_missing_from_organisations_csv() -> None:
    """Beta AB reports 2023 S1 40 and scope 2 location-based 50 only (no market-based; the
    partnership checks market-based). By hand: it has no market-based total and no path check,
    but it reported: organisations.csv (one organisation per row group, "the organisations that
    reported the year") must still list it — e.g. scopes 1+2 with the figures empty — rather
    than drop it so that the file reads as if Beta had not answered. Alfa AB (S1 90 + S2M 100 =
    190) is listed."""
    a, b = org("Alfa AB"), org("Beta AB")
    load(
        2023,
        [2022, 2023],
        response_rows(a, 2023, {2022: {"s1": 100, "s2m": 120}, 2023: {"s1": 90, "s2m": 100}}),
        response_rows(b, 2023, {2022: {"s1": 50, "s2l": 60}, 2023: {"s1": 40, "s2l": 50}}),
    )
    text = figures.organisations_csv(2023)
    assert f"{a.organisation_number};2023;1+2;190.000;" in text
    assert b.organisation_number in text


def test_boundary_change_is_detected_in_a_round_that_also_collects_the_base_year() -> None:
    """The 2024 round collects 2022 and 2024 (the office lets joiners give their base year; the
    import creates such a round from a file with those two years). Vida AB changes its
    geographic scope Umeå → Sweden in its 2024 response, repeats its Umeå-only 2022 figure
    (S1 100) and gives no recalculated base; 2024 S1 = 300 Sweden-wide. Ro, Sol, Is unchanged.
    S1 2022 / 2023 / 2024: Vida 100/100/300, Ro 100/90/80, Sol 200/180/160, Is 300/270/240.
    By hand: the change is detected as in a 2024-only round (reason geographic_scope) and
    listed on the round's review page, so the office can confirm it (then scope1_panel_change
    2024 = (80 + 160 + 240) / 600 − 1 = −0.2, n = 3) or override it. Undetected, the panel
    silently takes Vida's repeated Umeå-only 100 t as the Sweden-wide base: (300 + 480) / 700
    − 1 = +11.4 %, and the office never sees the question."""
    vida, ro, sol, is_ = org("Vida AB"), org("Ro AB"), org("Sol AB"), org("Is AB")
    s1 = {vida: (100, 100, 300), ro: (100, 90, 80), sol: (200, 180, 160), is_: (300, 270, 240)}
    load(
        2023,
        [2022, 2023],
        *[response_rows(o, 2023, {2022: {"s1": v[0]}, 2023: {"s1": v[1]}}) for o, v in s1.items()],
    )
    load(
        2024,
        [2022, 2024],
        *[
            response_rows(
                o,
                2024,
                {2022: {"s1": v[0]}, 2024: {"s1": v[2]}},
                geography="sweden" if o == vida else "umea",
            )
            for o, v in s1.items()
        ],
    )
    from surveys import selectors
    from surveys.models import SurveyRound

    changes = figures.load_inputs().changes
    mine = changes[(changes["organisation_id"] == vida.pk) & (changes["reporting_year"] == 2024)]
    assert not mine.empty, "Vida's boundary change is not detected"
    assert list(mine.iloc[0]["reasons"]) == ["geographic_scope"]
    review = selectors.boundary_review(SurveyRound.objects.get(reporting_year=2024))
    assert [r["organisation"].name for r in review] == ["Vida AB"]


# --- smaller ones (h17) -------------------------------------------------------------------------


def test_manual_value_form_keeps_what_was_typed_with_a_field_error() -> None:
    """The office types −500,000 t for Umeå's territorial emissions 2023 with the source
    "NEDB": refused (negative), and the page comes back with the field error next to the value
    and the typed value, year and source still in the form (a redirect lost them)."""
    from accounts.tests.factories import UserFactory
    from surveys.models import Indicator, ManualIndicatorValue
    from tests.fixtures import client_for

    indicator = Indicator.objects.get(key="umea_territorial")
    office = UserFactory(username="kansli_h17", is_office_staff=True)
    response = client_for(office).post(
        "/surveys/followup/manual/",
        {"indicator": indicator.pk, "year": "2023", "value": "-500000", "source_note": "NEDB"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Värdet kan inte vara negativt." in page
    assert 'value="-500000"' in page
    assert 'value="NEDB"' in page
    assert 'value="2023"' in page
    assert not ManualIndicatorValue.objects.exists()


def test_missing_own_target_check_and_total_say_why() -> None:
    """Vida AB (boundary changed, no recalculated base, own target from 2022): no own-target
    check, and the reason is "not comparable"; Beta AB (S1 40, S2L 50, no market-based): no
    total, and the note names the missing market-based scope 2."""
    vida, beta = org("Vida AB"), org("Beta AB")
    target = {"target_rate_pct": 10, "target_base_year": 2022}
    load(
        2023,
        [2022, 2023],
        response_rows(vida, 2023, {2022: {"s1": 100, "s2m": 100}, 2023: {"s1": 100, "s2m": 100}},
                      once=target, choices={"target_scopes": "s1,s2"}),
        response_rows(beta, 2023, {2022: {"s1": 50, "s2l": 60}, 2023: {"s1": 40, "s2l": 50}}),
    )  # fmt: skip
    load(
        2024,
        [2024],
        response_rows(vida, 2024, {2024: {"s1": 300, "s2m": 300}}, geography="sweden",
                      once=target, choices={"target_scopes": "s1,s2"}),
    )  # fmt: skip
    found = figures.organisation_figures(vida.pk, 2024)
    assert found is not None
    assert found.own_target_missing == "not_comparable"
    assert "omräknade basårsvärden saknas" in found.own_target_note
    beta_found = figures.organisation_figures(beta.pk, 2023)
    assert beta_found is not None
    assert beta_found.total_missing == "no_scope2_method"
    assert "scope 2 marknadsbaserad är inte redovisat" in beta_found.total_note


def test_an_acquired_partner_also_makes_the_parent_not_comparable() -> None:
    """Köpare AB (S1 500 in 2022/2023) buys Målet AB (S1 100, reported on its own in the
    baseline); in 2024 Målet answers "inside Köpare's report" and Köpare reports 600. By hand:
    Köpare's 600 / 500 − 1 = +20 % is the acquisition, not a rise: Köpare has a group change in
    2024 and is left out of the panel as not comparable (with Ask, Björk, Ceder: n = 3)."""
    kopare, malet = org("Köpare AB"), org("Målet AB")
    others = [org(n) for n in ("Ask AB", "Björk AB", "Ceder AB")]
    load(
        2023,
        [2022, 2023],
        response_rows(kopare, 2023, {2022: {"s1": 500}, 2023: {"s1": 500}}),
        response_rows(malet, 2023, {2022: {"s1": 100}, 2023: {"s1": 100}}),
        *[response_rows(o, 2023, {2022: {"s1": 100}, 2023: {"s1": 100}}) for o in others],
    )
    load(
        2024,
        [2024],
        response_rows(kopare, 2024, {2024: {"s1": 600}}),
        response_rows(malet, 2024, {2024: {"s1": 100}},
                      choices={"included_in_partner": kopare.organisation_number}),
        *[response_rows(o, 2024, {2024: {"s1": 90}}) for o in others],
    )  # fmt: skip
    changes = figures.load_inputs().changes
    mine = changes[(changes["organisation_id"] == kopare.pk) & (changes["reporting_year"] == 2024)]
    assert list(mine.iloc[0]["reasons"]) == ["group_change"]
    change = fig(2024, "scope1_panel_change")
    assert change.value == pytest.approx(270 / 300 - 1)
    assert (change.n, change.left_out_not_comparable, change.left_out_included) == (3, 1, 1)


def test_n_partners_follows_the_status_history() -> None:
    """Aspen, Björken, Cypressen report the baseline (2022, 2023). Gammal AB was active from
    2020 and left in June 2024 (history), never answered; Ny AB signed in March 2024 (history),
    is active now and has not answered. By hand: partners 2023 = the three + Gammal (active at
    the end of 2023) = 4; Ny was no partner in 2023. scope1_sum 2023: n = 3 of 4."""
    from datetime import date

    from partners.models import OrganisationStatusChange

    old = [org(name) for name in ("Aspen AB", "Björken AB", "Cypressen AB")]
    gammal = org("Gammal AB", status=Organisation.Status.LEFT)
    ny = org("Ny AB")
    for organisation, changed_on, status in (
        (gammal, date(2020, 1, 1), Organisation.Status.ACTIVE),
        (gammal, date(2024, 6, 1), Organisation.Status.LEFT),
        (ny, date(2024, 3, 1), Organisation.Status.SIGNED),
    ):
        OrganisationStatusChange.objects.create(
            organisation=organisation, changed_on=changed_on, status=status
        )
    load(
        2023,
        [2022, 2023],
        *[response_rows(o, 2023, {2022: {"s1": 100}, 2023: {"s1": 90}}) for o in old],
    )
    total = fig(2023, "scope1_sum")
    assert (total.n, total.n_partners) == (3, 4)
