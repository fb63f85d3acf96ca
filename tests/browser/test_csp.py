"""The Content-Security-Policy breaks nothing (issue 7, SEC-2): Chromium opens the main pages
of every app, as the office (TOTP passed through the real form), and reports no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.access_world import build
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_of_every_app_load_without_csp_violations(world: World, login, live_server) -> None:
    samples = build(world)
    violations: list[str] = []
    page: Page = login("kansli")

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    org = samples["org_a"].pk
    paths = [
        "/",
        "/partners/",
        f"/partners/{org}/",
        f"/partners/{org}/edit/",
        "/partners/matrix/",
        "/activities/",
        f"/activities/{samples['activity_a'].pk}/",
        "/activities/dashboard/",
        "/activities/meetings/",
        f"/surveys/rounds/{samples['round'].pk}/",
        f"/surveys/rounds/{samples['round'].pk}/organisations/{org}/",
        "/surveys/followup/",
        "/reports/",
        "/spaces/",
        "/audit/gdpr/",
        "/admin/",
        f"/admin/partners/organisation/{org}/change/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status < 500, path
        page.wait_for_load_state("networkidle")
    assert violations == []
