"""Browser layer: Playwright's sync API driving Chromium against pytest-django's live server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from accounts import policy
from accounts.models import User
from accounts.tests.factories import PASSWORD
from security.testing import current_token, totp_device

# Serious and critical violations fail the run; minor/moderate are reported by axe but tolerated.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def login(page: Page, live_server) -> Callable[[str], Page]:
    def _login(username: str, password: str = PASSWORD) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        user = User.objects.get(username=username)
        device = totp_device(user) if policy.is_office(user) else None
        page.get_by_role("button", name="Logga in").click()
        if device is not None:  # issue 7: office staff pass the TOTP step with their device
            page.wait_for_url("**/security/2fa/verify/**")
            page.get_by_label("Engångskod").fill(current_token(device))
            page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login


def blocking_violations(page: Page) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA rules) in the page; describe serious and critical findings."""
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING_IMPACTS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            )
    return found
