"""Activities in the browser: the office creates an activity card with a milestone, a member of
the working group reports its status, and the strategic group opens the dashboard. Every page is
checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Activity, StatusUpdate
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page: Page, label: str):
    """A form field by its label; crispy-forms marks required fields with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def logout(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/accounts/login/**")


def test_activity_journey_office_member_and_strategic_group(
    world: World, login, live_server
) -> None:
    today = timezone.localdate()

    # The office creates the card.
    page = login("kansli")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Aktiviteter", exact=True
    ).click()
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Ny aktivitet").click()
    assert blocking_violations(page) == []
    field(page, "Titel").fill("Cykelpendling året runt")
    field(page, "Typ").select_option("initiative")
    field(page, "Syfte").fill("Fler pendlar med cykel även på vintern.")
    field(page, "Mål").fill("200 nya vintercyklister.")
    field(page, "Startdatum").fill(today.isoformat())
    # First a bad end date: the form says so and keeps what was typed.
    field(page, "Slutdatum").fill((today - dt.timedelta(days=1)).isoformat())
    field(page, "Status").select_option("ongoing")
    field(page, "Klimatutmaningar").select_option(label="1. Underlätta för lokalt hållbart resande")
    field(page, "Organisationer i arbetsgruppen").select_option(label=world.org_a.name)
    field(page, "Leds av").select_option(label=world.org_a.name)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Slutdatum kan inte vara före startdatum.")).to_be_visible()
    expect(field(page, "Titel")).to_have_value("Cykelpendling året runt")
    assert Activity.objects.count() == 0
    field(page, "Slutdatum").fill((today + dt.timedelta(days=200)).isoformat())
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cykelpendling året runt")
    assert blocking_violations(page) == []

    # ...and adds a milestone.
    page.get_by_role("link", name="Lägg till delmål").click()
    field(page, "Delmål").fill("Vinterdäck utdelade")
    field(page, "Datum").fill((today + dt.timedelta(days=30)).isoformat())
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Spara delmål").click()
    expect(page.get_by_test_id("milestones")).to_contain_text("Vinterdäck utdelade")
    activity = Activity.objects.get()
    logout(page)

    # A member of the working group (a contact of A) reports the status.
    page = login("bertil_a")
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    assert blocking_violations(page) == []
    field(page, "Status").select_option("ongoing")
    field(page, "Kommentar").fill("Första leveransen av däck har kommit.")
    page.get_by_role("button", name="Spara statusuppdatering").click()
    expect(page.get_by_test_id("status-log")).to_contain_text(
        "Första leveransen av däck har kommit."
    )
    assert StatusUpdate.objects.get().by.username == "bertil_a"
    logout(page)

    # The strategic group opens the dashboard (read-only) and finds the activity.
    page = login("strateg")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Dashboard", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktiviteternas dashboard")
    expect(page.get_by_test_id("by-lifecycle")).to_contain_text("Pågående")
    page.get_by_text("Tidslinjen som tabell").click()
    expect(page.get_by_test_id("timeline-table")).to_contain_text("Cykelpendling året runt")
    expect(page.get_by_role("link", name="Ny aktivitet")).to_have_count(0)
    assert blocking_violations(page) == []
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Träffar", exact=True
    ).click()
    assert blocking_violations(page) == []
