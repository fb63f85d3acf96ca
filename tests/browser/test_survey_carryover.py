"""Journey (issue 20.3/20.4): last year's answers are waiting in this year's form, the partner
confirms them with one click, sees a warning as soon as a large change autosaves, sets the scope
3 categories "not relevant" together and submits; the office reviews on one page and reopens
with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from surveys import selectors, services
from surveys.models import Answer, Response
from surveys.rules import AnswerData
from surveys.tests.helpers import save, valid_answers
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(page: Page) -> None:
    page.mouse.move(5, 700)
    page.wait_for_timeout(250)
    assert blocking_violations(page) == []


def test_carried_over_answers_are_confirmed_and_the_office_reviews_on_one_page(
    world: World, login, live_server
) -> None:
    last = services.create_round(
        year=2025,
        opens_on=date(2025, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2024],
        by=world.office,
    )
    save(
        last,
        world.org_a,
        world.contact_a,
        valid_answers(last) | {"geographic_scope": AnswerData(choice="sweden")},
    )
    state = selectors.get_form_state(last, world.org_a)
    response = services.submit_response(state=state, by=world.contact_a, today=date(2025, 2, 1))
    services.approve_response(response=response, by=world.office)
    this = services.create_round(
        year=2026,
        opens_on=date(2026, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2025],
        by=world.office,
    )
    # A colleague filled in everything but the boundary, base year, method and scope 3.
    rest = {
        k: v
        for k, v in valid_answers(this).items()
        if not k.startswith(("scope3_", "consolidation", "geographic", "base_", "gwp", "ef_"))
    }
    save(this, world.org_a, world.contact_a2, rest)
    Response.objects.filter(round=this).update(carried_over_at=None)

    form = f"{live_server.url}/surveys/rounds/{this.pk}/organisations/{world.org_a.pk}/"
    page = login("anna_a")
    page.goto(form + "?section=boundary")
    expect(page.get_by_test_id("carried-panel")).to_contain_text("2025")
    expect(page.get_by_label("Sverige")).to_be_checked()
    _accessible(page)
    page.get_by_role("button", name="Bekräfta 2 svar").click()
    expect(page.get_by_text("2 svar från förra året är bekräftade.")).to_be_visible()
    expect(page.get_by_test_id("carried-panel")).to_have_count(0)

    # Scope 1 jumps from 100 to 180 t: the warning appears beside the field once autosaved.
    page.goto(form + "?section=scope1")
    page.locator("#f-scope1_total__2025").fill("180")
    page.locator("#f-scope1_total__2025").blur()
    expect(page.locator('[data-warning-for="scope1_total__2025"]')).to_contain_text("+80 %")
    page.locator("#field-scope1_total__2025 summary").click()
    page.get_by_label("Kommentar till Scope 1, totalt (2025)").fill("Ny panna i drift")
    expect(page.locator('[data-warning-for="scope1_total__2025"]')).to_be_empty()
    page.get_by_role("button", name="Spara utkast").click()

    page.goto(form + "?section=scope3")
    page.get_by_role("button", name="Sätt valda till ”Inte relevant”").click()
    expect(page.get_by_text("15 kategorier är satta till ”Inte relevant”.")).to_be_visible()
    scope3 = Answer.objects.filter(response__round=this, field_name__startswith="scope3_c")
    assert {a.choice for a in scope3} == {"not_relevant"}

    page.goto(form + "submit/")
    page.get_by_role("button", name="Bekräfta alla svar från förra året").click()
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(page.get_by_text("Tack! Svaret är inskickat och låst.")).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    office = login("kansli")
    office.goto(f"{live_server.url}/surveys/rounds/{this.pk}/?state=submitted")
    office.get_by_role("link", name=f"Granska – {world.org_a.name}").click()
    row = office.locator("#review-field-scope1_total__2025")
    expect(row).to_contain_text("+80")
    expect(row).to_contain_text("Ny panna i drift")
    _accessible(office)
    office.get_by_label("Skäl till att öppna svaret igen").fill("Stämmer scope 1?")
    office.get_by_role("button", name="Öppna igen och skicka skälet").click()
    expect(office.get_by_text("Svaret är öppnat igen")).to_be_visible()
    assert Response.objects.get(round=this, organisation=world.org_a).state == "reopened"
