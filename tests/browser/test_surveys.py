"""Journey: a partner contact fills in a section (autosave), submits; the office approves."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from surveys import services
from surveys.models import Answer, Response
from surveys.tests.helpers import save, valid_answers
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page: Page) -> None:
    # Park the pointer away from the navbar: a hover transition on its buttons (where the last
    # click left the mouse) would otherwise be measured mid-fade as a contrast failure.
    page.mouse.move(5, 700)
    page.wait_for_timeout(250)
    assert blocking_violations(page) == []


def test_partner_fills_in_autosaves_submits_and_office_approves(
    world: World, login, live_server
) -> None:
    survey_round = services.create_round(
        year=2024,
        opens_on=date(2024, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2022, 2023],
        by=world.office,
    )
    answers = valid_answers(survey_round)
    del answers["scope1_total__2022"], answers["scope1_total__2023"]
    save(survey_round, world.org_a, world.contact_a2, answers)  # a colleague did the rest

    page = login("anna_a")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Enkät").click()
    page.get_by_role("link", name="Fyll i").first.click()
    page.get_by_role("link", name="Scope 1", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Scope 1")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Scope 1, totalt (2022) (t CO2e) (obligatorisk)").fill("120,5")
    page.get_by_label("Scope 1, totalt (2023) (t CO2e) (obligatorisk)").fill("110")
    page.get_by_label("Scope 1, totalt (2023) (t CO2e) (obligatorisk)").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Utkastet sparades")
    assert Answer.objects.get(field_name="scope1_total__2022").raw == "120,5"

    page.reload()
    expect(page.get_by_label("Scope 1, totalt (2022) (t CO2e) (obligatorisk)")).to_have_value(
        "120,5"
    )
    page.get_by_role("link", name="Granska och skicka in").click()
    expect(page.get_by_text("Inga fel hittades")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(page.get_by_text("Svaret är inskickat och låst.")).to_be_visible()
    assert Response.objects.get().state == Response.State.SUBMITTED

    page.get_by_role("button", name="Logga ut").click()
    page = login("kansli")
    page.goto(f"{live_server.url}/surveys/rounds/{survey_round.pk}/")
    row = page.locator(f'tr[data-organisation="{world.org_a.pk}"]')
    expect(row).to_contain_text("Inskickad")
    assert_accessible(page)
    row.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_text("Svaret är godkänt.")).to_be_visible()
    expect(page.locator(f'tr[data-organisation="{world.org_a.pk}"]')).to_contain_text("Godkänd")
    assert Response.objects.get().state == Response.State.APPROVED
    page.goto(f"{live_server.url}/surveys/followup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av indikatorer")
    assert_accessible(page)
