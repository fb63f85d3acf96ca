"""Scenario tests of the partnership's figures (issue 16.9).

Each scenario is a long-format file in ``tests/scenarios/`` fed through the office's import
(``surveys.importing.import_long`` with ``approve=True``), and every expected number is the
hand computation written out in ``docs/figures.md`` (section "Worked scenarios").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from partners.models import Organisation
from partners.tests.factories import OrganisationFactory
from surveys import figures, importing
from surveys.figures import Figure
from tests.fixtures import client_for

SCENARIOS = Path(__file__).parent / "scenarios"


def _organisations(path: Path, kinds: dict[str, str]) -> dict[str, Organisation]:
    """The file's organisations by name, created (as active partners) where missing."""
    found: dict[str, Organisation] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            name, number = row["organisation"], row["organisation_number"]
            if name in found:
                continue
            existing = Organisation.objects.filter(organisation_number=number).first()
            found[name] = existing or OrganisationFactory.create(
                name=name,
                organisation_number=number,
                kind=kinds.get(name, Organisation.Kind.COMPANY),
            )
    return found


def load(
    *names: str, kinds: dict[str, str] | None = None, by: Any = None
) -> dict[str, Organisation]:
    """Create the scenario's organisations and import each file (one round per file)."""
    organisations: dict[str, Organisation] = {}
    for name in names:
        path = SCENARIOS / name
        organisations |= _organisations(path, kinds or {})
        content = path.read_bytes()
        years = importing.file_years(content)
        survey_round, _created = importing.ensure_round(
            reporting_year=max(years), years=years, by=by
        )
        result = importing.import_long(survey_round, content, approve=True, by=by)
        assert result.applied, [e.message for e in result.errors]
    return organisations


def fig(year: int, key: str) -> Figure:
    return next(f for f in figures.partnership_figures(year) if f.key == key)


def approx(value: float | None, expected: float, places: int = 6) -> bool:
    return value is not None and round(value, places) == round(expected, places)


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(reference_data: None) -> None:
    """Only the scenario's organisations are partners (n_partners counts them)."""


# --- scenario 1: a subsidiary inside its parent's report ---------------------------------------


def test_subsidiary_inside_parents_report_is_left_out_in_base_year_and_reporting_year() -> None:
    load("subsidiary_2024.csv")
    for year, scope1, location, market in ((2022, 1700, 310, 800), (2023, 1520, 270, 680)):
        s1 = fig(year, "scope1_sum")
        assert s1.value == scope1
        assert (s1.n, s1.n_partners, s1.left_out_included) == (3, 4, 1)
        assert fig(year, "scope2_location_sum").value == location
        assert fig(year, "scope2_market_sum").value == market
    change = fig(2023, "scope1_panel_change")
    assert approx(change.value, 1520 / 1700 - 1)  # −10.59 %
    assert (change.n, change.left_out_included) == (3, 1)
    assert "1 utelämnade: ingår i annan partners redovisning" in change.note


def test_the_offices_group_relation_removes_the_overlap_in_every_year(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from partners import services as partner_services
    from partners.models import GroupRelation

    orgs = load("subsidiary_no_answer_2024.csv")
    assert fig(2022, "scope1_sum").value == 1900  # nobody said anything yet: counted twice
    with django_capture_on_commit_callbacks() as callbacks:
        partner_services.add_group_relation(
            from_organisation=orgs["Kommunbolaget AB"],
            to_organisation=orgs["Kommunen"],
            kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF,
            by=None,
        )
    assert callbacks, "the figures' recompute is scheduled"
    assert fig(2022, "scope1_sum").value == 1700
    assert fig(2023, "scope1_sum").value == 1520
    assert fig(2023, "scope1_sum").left_out_included == 1


def test_a_group_relation_holds_only_in_its_years() -> None:
    """Kommunbolaget sold in 2023: inside Kommunen's report up to 2022 only. By hand:
    2022 = 1000 + 300 + 400 = 1700 (Kommunbolaget's 200 left out);
    2023 = 900 + 190 + 240 + 380 = 1710 (the relation has ended: everyone counts)."""
    from partners import services as partner_services
    from partners.models import GroupRelation

    orgs = load("subsidiary_no_answer_2024.csv")
    partner_services.add_group_relation(
        from_organisation=orgs["Kommunbolaget AB"],
        to_organisation=orgs["Kommunen"],
        kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF,
        to_year=2022,
        by=None,
    )
    assert fig(2022, "scope1_sum").value == 1700
    assert fig(2022, "scope1_sum").left_out_included == 1
    assert fig(2023, "scope1_sum").value == 1710
    assert fig(2023, "scope1_sum").left_out_included == 0
    # The office corrects it: bought in 2023 instead. Same relation, new years.
    partner_services.add_group_relation(
        from_organisation=orgs["Kommunbolaget AB"],
        to_organisation=orgs["Kommunen"],
        kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF,
        from_year=2023,
        by=None,
    )
    assert GroupRelation.objects.count() == 1
    assert fig(2022, "scope1_sum").value == 1900
    assert fig(2023, "scope1_sum").value == 900 + 240 + 380


# --- scenario 2: an energy company whose scope 1 is the others' scope 2 -------------------------


def test_energy_companys_scope1_is_never_added_to_the_others_scope2() -> None:
    load("energy_2024.csv")
    assert fig(2022, "scope1_sum").value == 150_150
    assert fig(2023, "scope1_sum").value == 140_130
    assert fig(2022, "scope2_market_sum").value == 3_500
    assert fig(2023, "scope2_market_sum").value == 3_000
    assert fig(2023, "scope2_location_sum").value == 1_400
    # No published tonnes figure covers scope 1 and scope 2 together.
    summed = [f for f in figures.partnership_figures(2023) if f.unit == "t CO2e"]
    assert summed
    assert all("+" not in f.scopes for f in summed)
    median = fig(2023, "median_partner_change")
    assert approx(median.value, -0.1)
    assert (median.n, median.scopes, median.scope2_method) == (3, "1+2", "market")
    assert approx(fig(2023, "on_path_share").value, 1 / 3)


# --- scenario 3: a partner joining in year 2 ----------------------------------------------------


def test_a_joiner_adds_to_the_years_sum_but_not_to_the_panel_change() -> None:
    load("joiner_2024.csv", "joiner_2025.csv")
    total = fig(2024, "scope1_sum")
    assert (total.value, total.n, total.n_partners) == (5_500, 4, 4)
    change = fig(2024, "scope1_panel_change")
    assert approx(change.value, 500 / 600 - 1)  # −16.67 %, the joiner's 5,000 t is not a rise
    assert change.n == 3
    assert approx(fig(2024, "scope2_market_panel_change").value, 50 / 60 - 1)
    assert approx(fig(2023, "scope1_panel_change").value, 550 / 600 - 1)
    assert fig(2024, "responses").value == 4


# --- scenario 4: boundary changes ---------------------------------------------------------------


def test_boundary_change_with_recalculated_base_is_compared_against_it() -> None:
    orgs = load("boundary_2024.csv", "boundary_2025.csv")
    change = fig(2024, "scope2_market_panel_change")
    assert approx(change.value, 1285 / 1500 - 1)  # −14.33 %, not +78.5 %
    assert (change.n, change.left_out_not_comparable) == (3, 1)
    assert "1 utelämnade: ändrad avgränsning utan omräknat basår" in change.note
    assert approx(fig(2024, "scope1_panel_change").value, 168 / 190 - 1)
    pilen = figures.organisation_figures(orgs["Pilen AB"].pk, 2024)
    assert pilen is not None
    assert pilen.comparable
    check = pilen.check("partnership_path")
    assert check is not None
    assert approx(check.base_value, 1130)
    assert approx(check.target or 0, 723.2)
    assert approx(check.gap or 0, 241.8)
    assert approx(check.average_rate or 0, 0.075888, 5)
    assert approx(check.required_rate or 0, 965 / 4190)
    assert not check.on_path
    quist = figures.organisation_figures(orgs["Quist AB"].pk, 2024)
    assert quist is not None
    assert not quist.comparable
    assert quist.check("partnership_path") is None


def test_office_sees_the_flag_and_can_declare_the_organisation_comparable(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from accounts.tests.factories import UserFactory
    from surveys import selectors, services
    from surveys.models import SurveyRound

    orgs = load("boundary_2024.csv", "boundary_2025.csv")
    survey_round = SurveyRound.objects.get(reporting_year=2024)
    rows = {r["organisation"].name: r for r in selectors.boundary_review(survey_round)}
    assert set(rows) == {"Pilen AB", "Quist AB"}
    assert rows["Quist AB"]["comparable"] is False
    assert rows["Pilen AB"]["recalculated"] == {
        "scope1_total": 130.0,
        "scope2_market": 1000.0,
    }
    office = UserFactory(username="kansli_fig", is_office_staff=True)
    page = client_for(office).get(survey_round.get_absolute_url()).content.decode()
    review = page.split('id="boundary"')[1].split("</section>")[0]
    assert "Quist AB" in review
    assert "konsolideringsmetod ändrad" in review
    assert "geografisk avgränsning ändrad, basåret omräknat" in review
    assert "<strong>Inte jämförbar</strong>" in review
    with django_capture_on_commit_callbacks() as callbacks:
        services.decide_boundary(
            organisation=orgs["Quist AB"],
            reporting_year=2024,
            comparable=True,
            reason="Finansiell kontroll omfattar samma verksamhet som tidigare.",
            by=office,
        )
    assert callbacks
    change = fig(2024, "scope2_market_panel_change")
    assert approx(change.value, 1785 / 1700 - 1)  # +5.0 % with Quist against its old base
    assert (change.n, change.left_out_not_comparable) == (4, 0)
    with pytest.raises(ValidationError):
        services.decide_boundary(
            organisation=orgs["Quist AB"],
            reporting_year=2024,
            comparable=False,
            reason=" ",
            by=office,
        )


# --- scenario 5: Likert answered by two organisations in a group --------------------------------


def test_likert_cell_of_two_organisations_is_suppressed() -> None:
    company, public = Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY
    load(
        "likert_2024.csv",
        kinds={
            "Lärken AB": company,
            "Linden AB": company,
            "Mården kommunförbund": public,
            "Myran region": public,
            "Mesen myndighet": public,
        },
    )
    frame = figures.likert_by_group(2023, "kind")
    cells = {row["group"]: row for row in frame[frame["key"] == "enabling_1"].to_dict("records")}
    assert cells["company"]["suppressed"]
    assert cells["company"]["n"] is None
    assert cells["company"]["top2"] is None
    assert cells["company"]["pct_5"] is None
    # Secondary suppression (h17): the statement's top-2-box over all five is published, so
    # with the public bodies shown the companies' cell would be (5 × 0.8 − 3 × 2/3) / 2.
    assert cells["public_body"]["suppressed"]
    assert cells["public_body"]["top2"] is None
    # The public bodies' cell as it is computed where it can be shown (no suppressed neighbour).
    from surveys import selectors
    from surveys.figures import compute

    groups = selectors.organisation_groups("kind")
    alone = compute.likert_by_group(
        figures.load_inputs().choices, groups[groups["group"] == public], ["enabling_1"]
    )
    row = alone[alone["year"] == 2023].to_dict("records")[0]
    assert (row["suppressed"], row["n"]) == (False, 3)
    assert approx(row["pct_2"], 1 / 3)
    assert approx(row["top2"], 2 / 3)
    assert row["median"] == 4


# --- scenario 6: a full scope 3 footprint and its own −19 %/year budget -------------------------


def test_full_footprint_with_own_budget_and_the_partnership_path() -> None:
    orgs = load("footprint_2024.csv")
    found = figures.organisation_figures(orgs["Universitetet"].pk, 2023)
    assert found is not None
    assert (found.scope1, found.scope2_location, found.scope2_market) == (45, 400, 650)
    assert found.scope3 == 22_637
    assert (found.total, found.total_scopes) == (23_332, "1+2+3")
    statuses = {c.number: c.status for c in found.scope3_categories}
    assert statuses[1] == "calculated"
    assert statuses[3] == "not_calculated"
    path = found.check("partnership_path")
    assert path is not None
    assert (path.scopes, path.emissions) == ("1+2", 695)
    assert approx(path.target or 0, 582.4)
    assert approx(path.gap or 0, 112.6)
    assert approx(path.gap_pct or 0, 112.6 / 582.4)
    assert approx(path.average_rate or 0, 33 / 728)
    assert approx(path.required_rate or 0, 695 / 2912)
    own = found.check("own_target")
    assert own is not None
    assert (own.scopes, own.rate, own.base_value, own.emissions) == ("1+2+3", 0.19, 23_987, 23_332)
    assert approx(own.target or 0, 19_429.47)
    assert approx(own.gap or 0, 3_902.53)
    assert approx(own.average_rate or 0, 655 / 23_987)
    assert approx(own.required_rate or 0, 23_332 / (23_987 * 0.81 / 0.19))  # 22.82 %
    assert own.on_path is False
    assert "eget mål" in own.label
    assert "20 %-bana" in path.label


def test_an_organisation_exactly_on_the_20_percent_path_needs_exactly_20_percent() -> None:
    orgs = load("footprint_2024.csv")
    found = figures.organisation_figures(orgs["Vägen AB"].pk, 2023)
    assert found is not None
    check = found.check("partnership_path")
    assert check is not None
    assert check.on_path
    assert check.gap == 0
    assert check.required_rate == pytest.approx(0.2, abs=1e-12)
    assert check.average_rate == pytest.approx(0.2, abs=1e-12)


# --- export (point 8b) --------------------------------------------------------------------------


def test_export_figures_writes_the_two_files(tmp_path: Path) -> None:
    orgs = load("footprint_2024.csv")
    call_command("export_figures", "--year", "2023", "--out", str(tmp_path), stdout=io.StringIO())
    partnership = (tmp_path / "partnership.csv").read_text(encoding="utf-8").splitlines()
    assert partnership[0] == "figure;year;value;unit;n;n_partners;note"
    rows = {line.split(";")[0]: line.split(";") for line in partnership[1:]}
    assert rows["scope1_sum"][:6] == ["scope1_sum", "2023", "535.000", "t CO2e", "3", "3"]
    assert rows["on_path_share"][2] == "0.333333"
    assert rows["scope3_c1_median"][2] == ""  # one organisation: suppressed
    organisations = (tmp_path / "organisations.csv").read_text(encoding="utf-8").splitlines()
    assert organisations[0] == (
        "organisation_number;year;scopes;emissions;path_target;gap;on_path;average_rate;"
        "required_rate;comparable"
    )
    number = orgs["Universitetet"].organisation_number
    mine = [line for line in organisations if line.startswith(number)]
    assert mine == [
        f"{number};2023;1+2;695.000;582.400;112.600;false;0.045330;0.238668;true",
        f"{number};2023;1+2+3;23332.000;19429.470;3902.530;false;0.027306;0.228163;true",
    ]


# --- properties (hypothesis, pure frames) -------------------------------------------------------

tonnes = st.integers(min_value=0, max_value=10_000_000).map(lambda t: t / 1000)


def _inputs(
    organisations: dict[int, dict[int, float]],
    inside: dict[int, int] | None = None,
    joiners: dict[int, float] | None = None,
) -> figures.Inputs:
    """Organisation id → {year: scope 1} (scope 2 market a tenth of it), each organisation in a
    baseline round covering 2022 and 2023; ``joiners`` report 2023 only (a later round)."""
    values, responses = [], []
    for organisation_id, years in organisations.items():
        for year, value in years.items():
            values.append((organisation_id, year, "scope1_total", value))
            values.append((organisation_id, year, "scope2_market", value / 10))
            responses.append((organisation_id, 2023, year))
    for organisation_id, value in (joiners or {}).items():
        values.append((organisation_id, 2023, "scope1_total", value))
        values.append((organisation_id, 2023, "scope2_market", value / 10))
        responses.append((organisation_id, 2023, 2023))
    choices = [
        (organisation_id, 2023, "included_in_partner", str(parent))
        for organisation_id, parent in (inside or {}).items()
    ]
    return figures.Inputs(
        values=pd.DataFrame(values, columns=["organisation_id", "year", "key", "value"]),
        choices=pd.DataFrame(choices, columns=["organisation_id", "year", "key", "choice"]),
        responses=pd.DataFrame(responses, columns=["organisation_id", "reporting_year", "year"]),
        relations=pd.DataFrame(columns=["organisation_id", "included_in", "from_year", "to_year"]),
        decisions=pd.DataFrame(columns=["organisation_id", "reporting_year", "comparable"]),
        n_partners={2022: len(organisations), 2023: len(organisations) + len(joiners or {})},
        min_group=1,
    )


panels = st.dictionaries(
    st.integers(min_value=1, max_value=40),
    st.fixed_dictionaries({2022: tonnes, 2023: tonnes}),
    min_size=1,
    max_size=12,
)


def _key(inputs: figures.Inputs, key: str, year: int) -> Figure:
    return next(f for f in figures.partnership_figures(year, inputs) if f.key == key)


@settings(max_examples=60, deadline=None)
@given(panels, st.data())
def test_removing_overlaps_never_raises_a_sum(
    organisations: dict[int, dict[int, float]], data: st.DataObject
) -> None:
    ids = sorted(organisations)
    children = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    inside = {child: data.draw(st.sampled_from(ids)) for child in children}
    inside = {c: p for c, p in inside.items() if c != p}
    for key in ("scope1_sum", "scope2_market_sum"):
        for year in (2022, 2023):
            plain = _key(_inputs(organisations), key, year)
            deduplicated = _key(_inputs(organisations, inside), key, year)
            assert (deduplicated.value or 0) <= (plain.value or 0) + 1e-9
            assert deduplicated.left_out_included == len(inside)


@settings(max_examples=60, deadline=None)
@given(panels, st.dictionaries(st.integers(min_value=100, max_value=120), tonnes, min_size=1))
def test_a_year2_joiner_never_changes_a_panel_change(
    organisations: dict[int, dict[int, float]], joiners: dict[int, float]
) -> None:
    for key in ("scope1_panel_change", "scope2_market_panel_change", "median_partner_change",
                "on_path_share"):  # fmt: skip
        before = _key(_inputs(organisations), key, 2023)
        after = _key(_inputs(organisations, joiners=joiners), key, 2023)
        assert (after.value, after.n) == (before.value, before.n)


@settings(max_examples=60, deadline=None)
@given(panels, st.data())
def test_every_sum_is_the_sum_of_the_organisations_it_says_it_includes(
    organisations: dict[int, dict[int, float]], data: st.DataObject
) -> None:
    ids = sorted(organisations)
    children = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    inside = {c: ids[0] for c in children if c != ids[0]}
    inputs = _inputs(organisations, inside)
    for year in (2022, 2023):
        for key, attribute in (("scope1_sum", "scope1"), ("scope2_market_sum", "scope2_market")):
            figure = _key(inputs, key, year)
            own = [figures.organisation_figures(o, year, inputs) for o in ids]
            counted = [o for o in own if o is not None and o.included_in is None]
            assert figure.n == len(counted)
            assert figure.left_out_included == len(own) - len(counted)
            assert figure.value == pytest.approx(sum(getattr(o, attribute) for o in counted))
