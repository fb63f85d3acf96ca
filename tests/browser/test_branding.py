"""The office gives the partnership its look (issue 20, point 5) and previews the narrative
(point 6) in the browser: the header takes the colour and logo at once, a hostile SVG is
refused with a reason, and both pages pass axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from playwright.sync_api import Page, expect

from reporting.tests.conftest import private_storage  # noqa: F401  # autouse: own private storage
from reporting.tests.factories import seed_report_data
from roadmap.models import PartnershipBranding
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60" width="120" height="60">'
    b'<rect width="120" height="60" rx="8" fill="#0b5394"/><circle cx="30" cy="30" r="18" '
    b'fill="#ffd966"/></svg>'
)
HOSTILE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5"/></svg>'


@pytest.fixture(autouse=True)
def logo_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = FileSystemStorage(location=tmp_path / "logo", base_url=None)
    monkeypatch.setattr(PartnershipBranding._meta.get_field("logo"), "storage", storage)


def test_office_sets_the_partnerships_colour_and_logo(
    world: World, login, live_server, page: Page, tmp_path: Path
) -> None:
    (tmp_path / "logo.svg").write_bytes(LOGO)
    (tmp_path / "evil.svg").write_bytes(HOSTILE)
    page = login("kansli")
    page.goto(f"{live_server.url}/roadmap/")
    page.get_by_role("link", name="Logotyp och färg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerskapets logotyp och färg")
    assert blocking_violations(page) == []

    page.get_by_label("Accentfärg").fill("#66cc99")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Närmaste mörkare nyans som räcker är")).to_be_visible()
    page.get_by_label("Accentfärg").fill("#7a2e8e")
    page.get_by_label("Ny logotyp").set_input_files(tmp_path / "evil.svg")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("attribut som inte är tillåtna")).to_be_visible()
    assert not PartnershipBranding.objects.exists()

    page.get_by_label("Accentfärg").fill("#7a2e8e")
    page.get_by_label("Ny logotyp").set_input_files(tmp_path / "logo.svg")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("message")).to_contain_text("Logotypen och färgen är sparade")
    expect(page.locator(".kf-navbar")).to_have_css("background-color", "rgb(122, 46, 142)")
    expect(page.get_by_alt_text("Partnerskapets nuvarande logotyp")).to_be_visible()
    assert blocking_violations(page) == []

    # Everyone signed in sees the same header.
    page.get_by_role("button", name="Logga ut").click()
    partner = login("anna_a")
    expect(partner.locator(".kf-navbar")).to_have_css("background-color", "rgb(122, 46, 142)")


def test_office_previews_the_narrative_before_saving(
    world: World, login, live_server, page: Page
) -> None:
    seed_report_data(world.org_a, world.org_b)
    page = login("kansli")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("År", exact=True).fill("2025")
    page.get_by_role("button", name="Skapa rapportår").click()
    page.get_by_role("link", name="Redigera berättelse och urval").click()
    page.get_by_label("Berättelsen (svenska)").fill("Vi satte **tjugo** laddplatser.")
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.get_by_test_id("narrative-preview")
    expect(preview.locator("strong")).to_have_text("tjugo")
    expect(page.get_by_label("Berättelsen (svenska)")).to_have_value(
        "Vi satte **tjugo** laddplatser."
    )
    assert blocking_violations(page) == []
