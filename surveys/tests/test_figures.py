"""The figures' pages, services and safeguards (issue 16; the arithmetic itself is proven by
the hand-computed scenarios in tests/test_figures_scenarios.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys import services
from surveys.models import (
    BoundaryDecision,
    Indicator,
    IndicatorValue,
    ManualIndicatorValue,
    Response,
    SurveyRound,
)
from surveys.questionnaire import DEFAULT_INDICATORS
from surveys.rules import AnswerData
from surveys.tests.helpers import save, valid_answers
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _approve_both(world: World, survey_round: SurveyRound, capture: object) -> None:
    """A: S1 100 both years, S2 market 40; B: S1 300 in 2022 and 200 in 2023, S2 market 40."""
    from surveys import selectors

    for organisation, user, scope1 in (
        (world.org_a, world.contact_a, {2022: "100", 2023: "100"}),
        (world.org_b, world.contact_b, {2022: "300", 2023: "200"}),
    ):
        answers = valid_answers(survey_round)
        for year, value in scope1.items():
            answers[f"scope1_total__{year}"] = AnswerData(raw=value, comment="ok")
        save(survey_round, organisation, user, answers)
        state = selectors.get_form_state(survey_round, organisation)
        response = services.submit_response(state=state, by=user)
        with capture(execute=True):  # type: ignore[operator]
            services.approve_response(response=response, by=world.office)


def test_fresh_install_has_the_indicators(reference_data: None) -> None:
    assert Indicator.objects.count() == len(DEFAULT_INDICATORS)
    headline = Indicator.objects.get(key="emissions_s1s2")
    assert headline.unit == "%"
    assert "20 %-banan" in headline.name_sv


def test_organisation_page_for_the_office_and_the_organisation_only(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    _approve_both(world, baseline_round, django_capture_on_commit_callbacks)
    url = reverse("surveys:organisation_figures", args=[world.org_b.pk])
    page = client_for(world.office).get(url).content.decode()
    # B 2023: S1 200 + S2 market 40 = 240 against 0.8 × (300 + 40) = 272: on the path.
    assert "Scope 1 + 2 (marknadsbaserad) mot partnerskapets 20 %-bana från 2022" in page
    assert "Totalt, scope 1 + 2 (marknadsbaserad), utan scope 3" in page
    assert "272" in page
    assert "Ja, på eller under banan" in page
    assert client_for(world.contact_b).get(url).status_code == 200
    assert client_for(world.contact_a).get(url).status_code in {403, 404}
    assert client_for(world.strategic).get(url).status_code in {403, 404}


def test_followup_page_shows_labelled_partnership_figures_and_own_figures(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    _approve_both(world, baseline_round, django_capture_on_commit_callbacks)
    page = client_for(world.contact_a).get(reverse("surveys:followup")).content.decode()
    assert "Partnerskapets siffror 2023" in page
    assert "Scope 1, summa för partnerna" in page
    assert "undertryckt: färre än 3 organisationer" in page  # two organisations only
    assert "Utsläpp 2023" in page  # A's own figures
    likert = page.split('id="likert-groups-title"')[1].split("</section>")[0]
    assert "Per typ av organisation" in likert
    assert "Visas inte (färre än 3)" in likert  # two companies answered: suppressed
    assert "100 %" not in likert
    assert "organisations.csv" not in page  # the download is the office's
    office = client_for(world.office).get(reverse("surveys:followup")).content.decode()
    assert reverse("surveys:figures_export", args=[2023, "organisations"]) in office
    assert reverse("surveys:organisation_figures", args=[world.org_b.pk]) in office


def test_figures_download_is_the_offices_and_never_localised(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    _approve_both(world, baseline_round, django_capture_on_commit_callbacks)
    url = reverse("surveys:figures_export", args=[2023, "organisations"])
    response = client_for(world.office).get(url)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8").splitlines()
    b = world.org_b.organisation_number
    # B: 240 t against 0.8 × 340 = 272: gap −32, average rate 1 − 240/340 = 0.294118; budget
    # 340 × 0.8 / 0.2 = 1360, 1120 left after 2023: required 240 / (240 + 1120) = 0.176471.
    assert f"{b};2023;1+2;240.000;272.000;-32.000;true;0.294118;0.176471;true" in lines
    assert client_for(world.contact_b).get(url).status_code == 403
    missing = reverse("surveys:figures_export", args=[2023, "secrets"])
    assert client_for(world.office).get(missing).status_code == 404


def test_boundary_decision_needs_a_reason_and_recomputes(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    url = reverse("surveys:boundary_decide", args=[baseline_round.pk, world.org_a.pk])
    client = client_for(world.office)
    client.post(url, {"comparable": "yes", "reason": ""})
    assert not BoundaryDecision.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        client.post(url, {"comparable": "yes", "reason": "Samma verksamhet."})
    decision = BoundaryDecision.objects.get()
    assert (decision.comparable, decision.reason, decision.decided_by) == (
        True,
        "Samma verksamhet.",
        world.office,
    )
    assert callbacks
    assert (
        client_for(world.contact_a).post(url, {"comparable": "no", "reason": "x"}).status_code
        == 403
    )


def test_reopening_an_approved_response_takes_it_out_of_the_figures(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    services.create_default_indicators()
    _approve_both(world, baseline_round, django_capture_on_commit_callbacks)
    assert IndicatorValue.objects.filter(organisation=world.org_a).exists()
    response = Response.objects.get(organisation=world.org_a)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.reopen_response(response=response, reason="Fel i scope 2", by=world.office)
    assert not IndicatorValue.objects.filter(organisation=world.org_a).exists()
    assert IndicatorValue.objects.filter(organisation=world.org_b).exists()


@pytest.mark.parametrize(
    ("value", "note", "field"),
    [
        ("-500000", "NEDB", "value"),
        ("1000000000000", "NEDB", "value"),
        ("2500000", "", "source_note"),
    ],
)
def test_implausible_manual_values_are_refused_with_a_clear_error(
    world: World, value: str, note: str, field: str
) -> None:
    services.create_default_indicators()
    territorial = Indicator.objects.get(key="umea_territorial")
    with pytest.raises(ValidationError) as raised:
        services.set_manual_value(
            indicator=territorial,
            year=2022,
            value=Decimal(value),
            source_note=note,
            by=world.office,
        )
    assert field in raised.value.message_dict
    assert not ManualIndicatorValue.objects.exists()
    page = client_for(world.office).post(
        reverse("surveys:manual_value_save"),
        {"indicator": territorial.pk, "year": 2022, "value": value, "source_note": note},
        follow=True,
    )
    assert not ManualIndicatorValue.objects.exists()
    assert "Värdet är sparat" not in page.content.decode()


def test_large_manual_value_is_accepted_with_a_source_note(world: World) -> None:
    services.create_default_indicators()
    territorial = Indicator.objects.get(key="umea_territorial")
    services.set_manual_value(
        indicator=territorial,
        year=2022,
        value=Decimal("2500000"),
        source_note="Summa för länet, NEDB 2024",
        by=world.office,
    )
    assert ManualIndicatorValue.objects.get().value == Decimal("2500000")


def test_an_organisations_value_above_one_megatonne_asks_for_a_comment(
    world: World, baseline_round: SurveyRound
) -> None:
    from surveys import selectors

    answers = valid_answers(baseline_round)
    answers["scope1_total__2022"] = AnswerData(raw="1500000")
    answers["scope1_total__2023"] = AnswerData(raw="1400000", comment="Stålverk, ton CO2e.")
    save(baseline_round, world.org_a, world.contact_a, answers)
    problems = services.response_problems(selectors.get_form_state(baseline_round, world.org_a))
    large = [p for p in problems if "1 miljon ton" in p.message]
    assert [(p.field_name, p.hard) for p in large] == [("scope1_total__2022", False)]
