"""Log in as each role through the real login form, see that role's navigation, switch language,
and check the pages with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_NAV = {
    "root": (["Översikt", "Klimatfärdplanen", "Administration"], []),
    "kansli": (["Översikt", "Klimatfärdplanen", "Administration"], []),
    "strateg": (["Översikt", "Klimatfärdplanen"], ["Administration"]),
    "anna_a": (["Översikt", "Klimatfärdplanen"], ["Administration"]),
}


@pytest.mark.parametrize("username", list(EXPECTED_NAV))
def test_each_role_logs_in_and_sees_its_navigation(world: World, login, username: str) -> None:
    page = login(username)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    visible, hidden = EXPECTED_NAV[username]
    for label in visible:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    assert blocking_violations(page) == []


def test_wrong_password_shows_an_error_in_the_browser(
    world: World, page: Page, live_server
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Användarnamn").fill("kansli")
    page.get_by_label("Lösenord").fill("not-the-password")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    expect(page.get_by_label("Användarnamn")).to_have_value("kansli")


def test_switching_to_english_and_back(world: World, login) -> None:
    page = login("kansli")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option("sv")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password-reset/"])
def test_public_pages_have_no_serious_accessibility_violations(
    world: World, page: Page, live_server, path: str
) -> None:
    page.goto(f"{live_server.url}{path}")
    assert blocking_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/roadmap/", "/accounts/password-change/"])
def test_signed_in_pages_have_no_serious_accessibility_violations(
    world: World, login, path: str, live_server
) -> None:
    page = login("kansli")
    page.goto(f"{live_server.url}{path}")
    assert blocking_violations(page) == []


def test_the_accessibility_check_catches_a_real_violation(page: Page) -> None:
    """Guards the guard: a page with an unlabelled input and an image without alt must fail."""
    page.set_content(
        '<html lang="sv"><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text"></main></body></html>'
    )
    found = " ".join(blocking_violations(page))
    assert "image-alt" in found
    assert "label" in found
