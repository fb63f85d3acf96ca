"""Each role's home page in Chromium, in Swedish and English, at 1366 and 390 px (issue 20.1):
no serious or critical axe finding, no sideways scrolling, and the role's blocks are there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.test_home import scenario  # noqa: F401 (the small scenario, as a fixture)
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKS = {
    "anna_a": ["home-survey", "home-commitments", "home-activities", "home-meetings"],
    "kansli": ["home-round", "home-waiting", "home-onboarding", "home-failed-mail"],
    "strateg": ["headline-partners", "headline-activities", "home-emissions-path"],
}


@pytest.mark.parametrize("username", list(BLOCKS))
def test_each_home_is_accessible_and_fits_in_both_languages_and_widths(
    world: World,
    scenario: dict[str, object],  # noqa: F811
    login,
    live_server,
    username: str,
) -> None:
    page = login(username)
    for language, switch in (("sv", None), ("en", ("Språk", "Byt språk"))):
        if switch is not None:
            label, button = switch
            page.get_by_label(label).select_option(language)
            page.get_by_role("button", name=button).click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/")
            for testid in BLOCKS[username]:
                expect(page.get_by_test_id(testid).first).to_be_visible()
            assert blocking_violations(page) == [], (language, width)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (language, width, scroll)
