"""Issue 20.4: the office reviews a response on one page; the tracker filters by state and
reminds everyone who has not submitted, once each."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from partners.tests.factories import OrganisationFactory
from surveys import selectors, services
from surveys.models import Response, ResponseEvent, SurveyRound
from surveys.rules import AnswerData
from surveys.tests.helpers import save, valid_answers
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _round(year: int, office: Any) -> SurveyRound:
    return services.create_round(
        year=year,
        opens_on=date(year, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[year - 1],
        by=office,
    )


def _submit(survey_round: SurveyRound, world: World, answers: dict[str, AnswerData]) -> Response:
    save(survey_round, world.org_a, world.contact_a, valid_answers(survey_round) | answers)
    state = selectors.get_form_state(survey_round, world.org_a)
    return services.submit_response(state=state, by=world.contact_a, today=date(2026, 2, 1))


@pytest.fixture
def submitted(world: World) -> SurveyRound:
    """A approved in 2025 and submitted in 2026 with changes (hand-computed below)."""
    last = _round(2025, world.office)
    response = _submit(
        last,
        world,
        {
            "scope1_total__2024": AnswerData(raw="100"),
            "scope2_location__2024": AnswerData(raw="10"),
            "scope2_market__2024": AnswerData(raw="40"),
            "geographic_scope": AnswerData(choice="umea"),
            "electricity_mwh__2024": AnswerData(raw="1 000"),
        },
    )
    services.approve_response(response=response, by=world.office)
    this = _round(2026, world.office)
    _submit(
        this,
        world,
        {
            # 100 → 130: +30 t, +30 % (under the ±50 % warning), explained anyway.
            "scope1_total__2025": AnswerData(raw="130", comment="Ny reservpanna"),
            # 10 → 16: +6 t, +60 %: a soft warning that needs a comment (given).
            "scope2_location__2025": AnswerData(raw="16", comment="Ny mätare"),
            # 40 → 30: −10 t, −25 %.
            "scope2_market__2025": AnswerData(raw="30"),
            "geographic_scope": AnswerData(choice="sweden"),
            # 1 000 → 1 000 MWh: unchanged.
            "electricity_mwh__2025": AnswerData(raw="1000"),
        },
    )
    return this


def _url(name: str, survey_round: SurveyRound, organisation: Any) -> str:
    return reverse(f"surveys:{name}", args=[survey_round.pk, organisation.pk])


def _row(html: str, field: str) -> str:
    found = re.search(rf'<tr id="review-field-{field}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, field
    return re.sub(r"\s+", " ", found.group(1))


def test_review_shows_every_answer_with_last_year_and_the_change(
    world: World, submitted: SurveyRound
) -> None:
    page = client_for(world.office).get(_url("response_review", submitted, world.org_a))
    assert page.status_code == 200
    html = page.content.decode()
    scope1 = _row(html, "scope1_total__2025")
    assert "130 t CO2e" in scope1
    assert "100 t CO2e" in scope1
    assert "+30" in scope1
    assert "(+30 %)" in scope1
    assert "Ny reservpanna" in scope1  # the partner's comment, on the row
    market = _row(html, "scope2_market__2025")
    assert "−10" in market
    assert "(−25 %)" in market
    location = _row(html, "scope2_location__2025")
    assert "+6" in location
    assert "(+60 %)" in location
    electricity = _row(html, "electricity_mwh__2025")
    assert "1 000 MWh" in electricity  # grouped (a non-breaking space, normalised by _row)
    assert "Oförändrat" in electricity
    boundary = _row(html, "geographic_scope")
    assert "Sverige" in boundary
    assert "Endast verksamhet i Umeå kommun" in boundary
    assert "Ändrat" in boundary
    # All sections on the one page, and the decision at its end.
    for section in ("boundary", "scope1", "scope3", "method", "enabling"):
        assert f'id="review-{section}"' in html
    assert reverse("surveys:response_approve", args=[submitted.pk, world.org_a.pk]) in html


def test_review_shows_a_warning_inline_where_it_applies(
    world: World, submitted: SurveyRound
) -> None:
    response = Response.objects.get(round=submitted, organisation=world.org_a)
    services.reopen_response(response=response, reason="Kontrollera scope 2", by=world.office)
    # 10 → 16 t without the comment: the ±50 % rule's warning on that row, not elsewhere.
    save(submitted, world.org_a, world.contact_a, {"scope2_location__2025": AnswerData(raw="16")})
    html = (
        client_for(world.office)
        .get(_url("response_review", submitted, world.org_a))
        .content.decode()
    )
    location = _row(html, "scope2_location__2025")
    assert "Varning:" in location
    assert "+60 %" in location
    assert "Varning:" not in _row(html, "scope1_total__2025")
    assert "1 varning" in html


def test_review_page_is_for_the_office_only(world: World, submitted: SurveyRound) -> None:
    url = _url("response_review", submitted, world.org_a)
    for role in ("strategic", "contact_a", "contact_a2", "contact_b"):
        assert client_for(world.users()[role]).get(url).status_code in {403, 404}, role
    assert client_for(None).get(url).status_code == 302


def test_review_query_count_does_not_grow_with_answers(
    world: World, submitted: SurveyRound, django_assert_num_queries: Any
) -> None:
    client = client_for(world.office)
    url = _url("response_review", submitted, world.org_a)
    client.get(url)  # warm-up: session
    # 1 session, 2 user, 3 TOTP device, 4 round (+period, +deadline), 5 organisation,
    # 6 questions, 7 response (+last editor), 8 commitments, 9 answers, 10 last year's values,
    # 11 follow-up settings (the ±50 % rule), 12 earlier answers, 13 events, 14 the menu's
    # organisations, 15 submitted by. No partner names: no "included in" answer here.
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_reopening_from_the_review_mails_the_reason_to_the_submitter(
    world: World, submitted: SurveyRound, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            _url("response_reopen", submitted, world.org_a),
            {"reason": "Scope 2 platsbaserad ser för hög ut."},
        )
    assert answer.status_code == 302
    to_submitter = [m for m in mail.outbox if world.contact_a.email in m.to]
    assert len(to_submitter) == 1
    assert "Scope 2 platsbaserad ser för hög ut." in to_submitter[0].body
    response = Response.objects.get(round=submitted, organisation=world.org_a)
    assert response.state == Response.State.REOPENED


def test_tracker_filters_by_state_and_counts_agree(world: World, submitted: SurveyRound) -> None:
    other = OrganisationFactory(name="Cykelköket", status="active")
    Response.objects.create(round=submitted, organisation=other, state=Response.State.DRAFT)
    client = client_for(world.office)
    url = reverse("surveys:round_detail", args=[submitted.pk])
    page = client.get(url, {"state": "submitted"}).content.decode()
    assert f'data-organisation="{world.org_a.pk}"' in page
    assert f'data-organisation="{other.pk}"' not in page
    assert f'data-organisation="{world.org_b.pk}"' not in page
    drafts = client.get(url, {"state": "draft"}).content.decode()
    assert f'data-organisation="{other.pk}"' in drafts
    assert f'data-organisation="{world.org_a.pk}"' not in drafts
    everything = client.get(url, {"state": "nonsense"}).content.decode()
    assert everything.count("data-organisation=") == 3
    # Each filter link carries its state's badge and count: 1 submitted, 1 draft, 1 not started.
    assert re.search(r"kf-status-submitted[^>]*>Inskickad</span>\s*<strong>1</strong>", page)
    assert re.search(r"kf-status-draft[^>]*>Utkast</span>\s*<strong>1</strong>", page)
    assert re.search(r"kf-status-not_started[^>]*>Ej påbörjad</span>\s*<strong>1</strong>", page)


def test_remind_all_sends_one_reminder_to_each_organisation_not_submitted(
    world: World, submitted: SurveyRound, django_capture_on_commit_callbacks: Any
) -> None:
    drafting = OrganisationFactory(name="Cykelköket", status="active")
    Response.objects.create(round=submitted, organisation=drafting, state=Response.State.DRAFT)
    silent = OrganisationFactory(name="Tyst AB", status="active")  # nobody to write to
    client = client_for(world.office)
    url = reverse("surveys:remind_all", args=[submitted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, follow=True)
    html = answer.content.decode()
    # A has submitted: not reminded. B (not started) is; Cykelköket and Tyst AB have no
    # contact with an e-mail address (the factory's organisations have no members).
    reminded = {e.response.organisation_id for e in ResponseEvent.objects.filter(kind="reminded")}
    assert world.org_a.pk not in reminded
    assert world.org_b.pk in reminded
    assert silent.pk not in reminded
    assert "Påminnelse skickad till 1 organisation som inte har skickat in." in html
    assert "2 organisationer har ingen kontaktperson med e-post." in html
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).content.decode()
    assert len(mail.outbox) == sent  # one reminder each, however often the button is pressed
    assert "Ingen påminnelse skickades." in again
    assert "Påminnelse skickad till" not in again
    assert "1 organisation hade redan fått en påminnelse i dag" in again


def test_remind_all_is_for_the_office_only(world: World, submitted: SurveyRound) -> None:
    url = reverse("surveys:remind_all", args=[submitted.pk])
    for role in ("strategic", "contact_a", "contact_b"):
        assert client_for(world.users()[role]).post(url).status_code in {403, 404}, role
    assert not ResponseEvent.objects.filter(kind="reminded").exists()
    assert not mail.outbox
