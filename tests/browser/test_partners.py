"""Partners in the browser: the office registers a partner, and a partner contact edits its
commitments (a draft first, then a confirmation refused with 4 challenges and accepted with 5).
Every page on the way is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partners.models import CommitmentSet, Organisation
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_registers_a_partner(world: World, login) -> None:
    page = login("kansli")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Partner", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Partner")).to_be_visible()
    assert blocking_violations(page) == []

    page.get_by_role("link", name="Registrera partner").click()
    page.locator("#id_name").fill("Gamma Energi AB")
    page.locator("#id_organisation_number").fill("556036-0794")  # wrong check digit
    page.get_by_role("combobox", name="Typ").select_option("company")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("fel kontrollsiffra")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Gamma Energi AB")
    assert blocking_violations(page) == []

    page.locator("#id_organisation_number").fill("556036-0793")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1, name="Gamma Energi AB")).to_be_visible()
    expect(page.get_by_test_id("onboarding")).to_contain_text("återstår")
    assert blocking_violations(page) == []
    assert Organisation.objects.filter(organisation_number="556036-0793").exists()

    page.get_by_role("link", name="Lägg till kontaktperson").click()
    page.locator("#id_first_name").fill("Greta")
    page.locator("#id_last_name").fill("Gammasson")
    page.locator("#id_email").fill("greta@gamma.example")
    page.get_by_label("Huvudkontakt").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("contacts")).to_contain_text("greta@gamma.example")


def test_partner_contact_edits_its_commitments(world: World, login) -> None:
    page = login("anna_a")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Min organisation"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Alfa Energi AB")).to_be_visible()
    assert blocking_violations(page) == []

    page.get_by_role("link", name="Ändra åtaganden").click()
    for number in (1, 3, 9, 12):
        page.locator(".kf-commitment-row").nth(number - 1).locator(
            "input[type=checkbox]"
        ).first.check()
    page.get_by_label("Vad planerar ni för utmaning 9?").fill("Energieffektivisera våra kontor")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Bekräfta åtagandena").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("minst 5 klimatutmaningar")
    expect(page.get_by_label("Vad planerar ni för utmaning 9?")).to_have_value(
        "Energieffektivisera våra kontor"
    )
    assert blocking_violations(page) == []

    page.locator(".kf-commitment-row").nth(20).locator("input[type=checkbox]").first.check()
    page.get_by_role("button", name="Bekräfta åtagandena").click()
    expect(page.get_by_test_id("commitments")).to_contain_text("Energieffektivisera våra kontor")
    commitment_set = CommitmentSet.objects.get(organisation=world.org_a)
    assert commitment_set.status == CommitmentSet.Status.CONFIRMED
    assert sorted(commitment_set.commitments.values_list("challenge__number", flat=True)) == [
        1,
        3,
        9,
        12,
        21,
    ]
