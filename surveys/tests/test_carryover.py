"""Issue 20.3: last year's stable answers carried over, confirmed with one click; scope 3
categories set to "not relevant" together; soft warnings when saving."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from partners.models import Organisation
from surveys import selectors, services
from surveys.models import Answer, Response, ResponseEvent, SurveyRound
from surveys.rules import AnswerData
from surveys.tests.helpers import fill_and_submit, save, valid_answers
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}

# Last year's answers of organisation A: the carried ones and two that must not carry over.
LAST_YEAR = {
    "consolidation_approach": AnswerData(choice="financial_control"),
    "geographic_scope": AnswerData(choice="sweden"),
    "base_year": AnswerData(raw="2019"),
    "base_scope1": AnswerData(raw="1200,5"),
    "target_rate_pct": AnswerData(raw="7"),
    "gwp_set": AnswerData(choice="ar6"),
    "ef_sources": AnswerData(choice="naturvardsverket,defra"),
    "calc_tool": AnswerData(raw="Excel", comment="Samma som förra året"),
    "verified": AnswerData(choice="yes"),  # this year's figures: not carried over
}
CARRIED = {
    "consolidation_approach",
    "geographic_scope",
    "base_year",
    "base_scope1",
    "target_rate_pct",
    "gwp_set",
    "ef_sources",
    "calc_tool",
}


def _round(year: int, office: object) -> SurveyRound:
    return services.create_round(
        year=year,
        opens_on=date(year, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[year - 1],
        by=office,
    )


def _url(name: str, survey_round: SurveyRound, organisation: Organisation) -> str:
    return reverse(f"surveys:{name}", args=[survey_round.pk, organisation.pk])


@pytest.fixture
def rounds(world: World) -> tuple[SurveyRound, SurveyRound]:
    """2025 (A approved with LAST_YEAR's answers) and the open 2026 round."""
    last = _round(2025, world.office)
    answers = valid_answers(last) | LAST_YEAR
    save(last, world.org_a, world.contact_a, answers)
    state = selectors.get_form_state(last, world.org_a)
    response = services.submit_response(state=state, by=world.contact_a, today=date(2025, 2, 1))
    services.approve_response(response=response, by=world.office)
    return last, _round(2026, world.office)


def _stored(survey_round: SurveyRound, organisation: Organisation) -> dict[str, Answer]:
    return {
        a.field_name: a
        for a in Answer.objects.filter(
            response__round=survey_round, response__organisation=organisation
        )
    }


def test_first_view_by_a_contact_fills_in_last_years_stable_answers_marked(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    page = client_for(world.contact_a2).get(_url("response_form", this, world.org_a))
    assert page.status_code == 200
    stored = _stored(this, world.org_a)
    assert set(stored) == CARRIED
    assert {a.carried_from_year for a in stored.values()} == {2025}
    assert stored["base_scope1"].raw == "1200,5"
    assert str(stored["base_scope1"].value) == "1200.500"
    assert stored["ef_sources"].choice == "naturvardsverket,defra"
    assert stored["calc_tool"].comment == ""  # last year's comment explained last year
    response = Response.objects.get(round=this, organisation=world.org_a)
    assert response.state == Response.State.NOT_STARTED  # nobody has worked on it yet
    html = page.content.decode()
    # The boundary section (shown first) says where its two answers come from.
    assert "2 svar här är ifyllda från er godkända enkät 2025" in html
    panel = html[html.index('data-testid="carried-panel"') :]
    assert 'name="csrfmiddlewaretoken"' in panel[: panel.index("</form>")]  # it can post
    assert 'value="financial_control" checked' in html


def test_carry_over_runs_once_and_never_replaces_an_answer(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    save(this, world.org_a, world.contact_a, {"base_year": AnswerData(raw="2020")})
    client = client_for(world.contact_a)
    client.get(_url("response_form", this, world.org_a))
    stored = _stored(this, world.org_a)
    assert stored["base_year"].raw == "2020"
    assert stored["base_year"].carried_from_year is None
    assert stored["gwp_set"].carried_from_year == 2025
    # A carried answer cleared by the partner does not come back on the next view.
    save(this, world.org_a, world.contact_a, {"gwp_set": AnswerData()})
    client.get(_url("response_form", this, world.org_a))
    assert _stored(this, world.org_a)["gwp_set"].choice == ""
    assert ResponseEvent.objects.filter(kind=ResponseEvent.Kind.CARRIED_OVER).count() == 1


def test_only_an_approved_response_is_carried_over(world: World) -> None:
    approved_2024 = _round(2024, world.office)
    save(approved_2024, world.org_a, world.contact_a, valid_answers(approved_2024))
    state = selectors.get_form_state(approved_2024, world.org_a)
    response = services.submit_response(state=state, by=world.contact_a, today=date(2024, 2, 1))
    services.approve_response(response=response, by=world.office)
    submitted_2025 = _round(2025, world.office)
    save(submitted_2025, world.org_a, world.contact_a, valid_answers(submitted_2025) | LAST_YEAR)
    state = selectors.get_form_state(submitted_2025, world.org_a)
    services.submit_response(state=state, by=world.contact_a, today=date(2025, 2, 1))
    this = _round(2026, world.office)
    client_for(world.contact_a).get(_url("response_form", this, world.org_a))
    stored = _stored(this, world.org_a)
    # From 2024 (approved): operational control, not 2025's unapproved financial control.
    assert stored["consolidation_approach"].choice == "operational_control"
    assert stored["consolidation_approach"].carried_from_year == 2024


def test_viewers_who_may_not_edit_carry_nothing_over(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    assert client_for(world.office).get(_url("response_form", this, world.org_a)).status_code == 200
    assert client_for(world.contact_b).get(
        _url("response_form", this, world.org_a)
    ).status_code in {403, 404}
    assert not Response.objects.filter(round=this, organisation=world.org_a).exists()


def test_looking_at_the_form_outside_the_round_creates_no_response(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    """A contact's view creates the response only for an organisation the round expects, while
    the round is open: a paused organisation's, or a closed round's, page creates nothing (it
    would put the organisation on the office's tracker and in "remind all")."""
    _last, this = rounds
    client = client_for(world.contact_a)
    Organisation.objects.filter(pk=world.org_a.pk).update(status=Organisation.Status.PAUSED)
    assert client.get(_url("response_form", this, world.org_a)).status_code == 200
    assert not Response.objects.filter(round=this, organisation=world.org_a).exists()
    Organisation.objects.filter(pk=world.org_a.pk).update(status=Organisation.Status.ACTIVE)
    SurveyRound.objects.filter(pk=this.pk).update(closes_on=date(2026, 3, 31))  # in the past
    assert client.get(_url("response_form", this, world.org_a)).status_code == 200
    assert not Response.objects.filter(round=this, organisation=world.org_a).exists()


def test_one_click_confirms_a_sections_carried_answers_and_a_change_clears_the_mark(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    client = client_for(world.contact_a2)
    client.get(_url("response_form", this, world.org_a))
    answer = client.post(_url("carried_confirm", this, world.org_a), {"section": "boundary"})
    assert answer.status_code == 302
    stored = _stored(this, world.org_a)
    assert {n for n, a in stored.items() if a.carried_from_year is None} == {
        "consolidation_approach",
        "geographic_scope",
    }
    response = Response.objects.get(round=this, organisation=world.org_a)
    assert response.state == Response.State.DRAFT
    assert response.last_edited_by == world.contact_a2
    # Changing a carried answer makes it this year's own answer too.
    state = selectors.get_form_state(this, world.org_a)
    client.post(
        _url("response_form", this, world.org_a),
        {
            "section": "target",
            "target_rate_pct": "10",
            "target_rate_pct__version": state.versions["target_rate_pct"],
        },
        **JSON,
    )
    changed = _stored(this, world.org_a)["target_rate_pct"]
    assert (changed.raw, changed.carried_from_year) == ("10", None)
    # Saving a carried answer unchanged (autosave posts the whole section) keeps the mark.
    client.post(
        _url("response_form", this, world.org_a),
        {
            "section": "method",
            "calc_tool": "Excel",
            "calc_tool__version": "1",
            "calc_tool__comment": "",
        },
        **JSON,
    )
    assert _stored(this, world.org_a)["calc_tool"].carried_from_year == 2025


def test_unconfirmed_carried_answers_block_submitting_until_confirmed_on_the_check_page(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    client = client_for(world.contact_a)
    client.get(_url("response_form", this, world.org_a))
    rest = {k: v for k, v in valid_answers(this).items() if k not in CARRIED}
    save(this, world.org_a, world.contact_a, rest)
    check = client.get(_url("response_submit", this, world.org_a)).content.decode()
    assert "3 svar är ifyllda från förra året och inte bekräftade" in check  # the method section
    assert "1 svar är ifyllt från förra året och inte bekräftat" in check  # own target
    assert client.post(_url("response_submit", this, world.org_a)).status_code == 400
    client.post(_url("carried_confirm", this, world.org_a), {"back": "submit"})
    assert not Answer.objects.filter(carried_from_year__isnull=False).exists()
    assert client.post(_url("response_submit", this, world.org_a)).status_code == 302
    response = Response.objects.get(round=this, organisation=world.org_a)
    assert response.state == Response.State.SUBMITTED


def test_another_organisations_contact_cannot_confirm_or_mark_categories(
    world: World, rounds: tuple[SurveyRound, SurveyRound]
) -> None:
    _last, this = rounds
    client_for(world.contact_a).get(_url("response_form", this, world.org_a))
    attacker = client_for(world.contact_b)
    for name, data in (
        ("carried_confirm", {"section": ""}),
        ("scope3_not_relevant", {"category": ["scope3_c1__2025"], "scope3_c1__2025__version": "0"}),
    ):
        assert attacker.post(_url(name, this, world.org_a), data).status_code in {403, 404}
        # Nor through their own organisation's URL with A's field names: B has no response.
        attacker.post(_url(name, this, world.org_b), data)
    assert Answer.objects.filter(carried_from_year=2025).count() == len(CARRIED)
    assert not Answer.objects.filter(
        field_name="scope3_c1__2025", response__organisation=world.org_a
    ).exists()
    # The office reviews; it does not answer for the partner.
    office = client_for(world.office)
    assert office.post(_url("carried_confirm", this, world.org_a), {}).status_code == 403


def test_scope3_categories_set_not_relevant_together(
    world: World, baseline_round: SurveyRound
) -> None:
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {
            "scope3_c1__2023": AnswerData(raw="55", choice="calculated"),
            "scope3_c2__2023": AnswerData(choice="not_calculated", comment="Kommer 2025"),
        },
    )
    client = client_for(world.contact_a)
    page = client.get(_url("response_form", baseline_round, world.org_a) + "?section=scope3")
    html = page.content.decode()
    # Offered: every category without a value (29 of 30); the unanswered ones ticked.
    assert html.count('name="category"') == 29
    bulk = html[html.index('data-testid="scope3-bulk"') :]
    assert 'name="csrfmiddlewaretoken"' in bulk[: bulk.index("</form>")]
    assert 'value="scope3_c1__2023" id=' not in html
    state = selectors.get_form_state(baseline_round, world.org_a)
    chosen = ["scope3_c2__2023", "scope3_c3__2023", "scope3_c1__2023"]
    data: dict[str, object] = {"category": chosen}
    data |= {f"{n}__version": state.versions.get(n, 0) for n in chosen}
    assert (
        client.post(_url("scope3_not_relevant", baseline_round, world.org_a), data).status_code
        == 302
    )
    stored = _stored(baseline_round, world.org_a)
    assert (stored["scope3_c2__2023"].choice, stored["scope3_c2__2023"].comment) == (
        "not_relevant",
        "Kommer 2025",
    )
    assert stored["scope3_c3__2023"].choice == "not_relevant"
    # The calculated category keeps its value (it was not offered; posting it changes nothing).
    assert (stored["scope3_c1__2023"].raw, stored["scope3_c1__2023"].choice) == ("55", "calculated")


def test_scope3_together_does_not_overwrite_a_colleagues_newer_status(
    world: World, baseline_round: SurveyRound
) -> None:
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {"scope3_c4__2022": AnswerData(choice="not_calculated")},
    )
    loaded = selectors.get_form_state(baseline_round, world.org_a).versions["scope3_c4__2022"]
    save(
        baseline_round,
        world.org_a,
        world.contact_a2,
        {"scope3_c4__2022": AnswerData(choice="included_elsewhere")},
    )
    client_for(world.contact_a).post(
        _url("scope3_not_relevant", baseline_round, world.org_a),
        {"category": ["scope3_c4__2022"], "scope3_c4__2022__version": str(loaded)},
    )
    assert _stored(baseline_round, world.org_a)["scope3_c4__2022"].choice == "included_elsewhere"


def test_every_scope3_category_has_a_help_text_with_an_example(baseline_round: SurveyRound) -> None:
    questions = baseline_round.questions.filter(key__startswith="scope3_c")
    assert questions.count() == 15
    for question in questions:
        assert "t.ex." in question.help_sv, question.key
        assert "e.g." in question.help_en, question.key


def test_autosave_returns_the_soft_warning_of_a_saved_field(world: World) -> None:
    last = _round(2025, world.office)
    fill_and_submit(last, world.org_a, world.contact_a)  # scope 1 2024: 100 t
    this = _round(2026, world.office)
    client = client_for(world.contact_a)
    url = _url("response_form", this, world.org_a)
    answer = client.post(url, {"section": "scope1", "scope1_total__2025": "160"}, **JSON)
    # 100 → 160 t is +60 %, over the ±50 % warning: said at once, beside the field.
    warnings = answer.json()["warnings"]
    assert "+60 %" in warnings["scope1_total__2025"]
    assert "(100)" in warnings["scope1_total__2025"]
    explained = client.post(
        url,
        {
            "section": "scope1",
            "scope1_total__2025": "160",
            "scope1_total__2025__version": "1",
            "scope1_total__2025__comment": "Ny panna",
        },
        **JSON,
    )
    assert explained.json()["warnings"] == {}
    # And beside the field on the page itself, after a plain save (the form without script).
    page = client.post(
        url,
        {
            "section": "scope1",
            "scope1_total__2025": "170",
            "scope1_total__2025__version": "2",
        },
        follow=True,
    ).content.decode()
    assert re.search(
        r'data-warning-for="scope1_total__2025"><strong>Varning:</strong> Värdet har ändrats med '
        r"\+70 %",
        page,
    )
