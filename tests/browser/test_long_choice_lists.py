"""The pages issue 19 changed last, in Chromium as the office sees them (the only role that
opens them), in Swedish and English at 1366 and 390 px: no serious or critical axe finding, no
sideways scrolling. The long lists are drawn by the one lean choice widget
(klimatfardplan/choices.py); choosing from it works as from Django's own select."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from activities.tests.factories import MeetingFactory
from partners.models import GroupRelation
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_changed_office_pages_are_accessible_and_fit_in_both_languages_and_widths(
    world: World, login, live_server
) -> None:
    meeting = MeetingFactory(title="Nätverksträff om resor")
    meeting.invited_organisations.set([world.org_a, world.org_b])
    urls = [
        reverse("activities:meeting_create"),
        reverse("activities:meeting_update", args=[meeting.pk]),
        reverse("activities:meeting_attendance", args=[meeting.pk]),
        reverse("partners:organisation_detail", args=[world.org_a.pk]),
        reverse("audit:retention_review"),
        reverse("spaces:space_list"),
    ]
    page = login("kansli")
    for language, switch in (("sv", None), ("en", ("Språk", "Byt språk"))):
        if switch is not None:
            label, button = switch
            page.get_by_label(label).select_option(language)
            page.get_by_role("button", name=button).click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                response = page.goto(f"{live_server.url}{url}")
                assert response is not None
                assert response.status == 200, (url, language)
                assert blocking_violations(page) == [], (url, language, width)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (url, language, width, scroll)


def test_the_office_adds_a_group_relation_by_choosing_from_the_long_list(
    world: World, login, live_server
) -> None:
    page = login("kansli")
    page.goto(f"{live_server.url}{reverse('partners:organisation_detail', args=[world.org_a.pk])}")
    relation = page.get_by_role("combobox", name="Relaterad organisation")
    # Every other organisation is an option, the page's own is not.
    assert world.org_b.name in relation.inner_text()
    assert world.org_a.name not in relation.inner_text()
    relation.select_option(label=world.org_b.name)
    page.get_by_role("button", name="Lägg till relation").click()
    expect(page.get_by_test_id("relations")).to_contain_text(world.org_b.name)
    assert GroupRelation.objects.filter(
        from_organisation=world.org_a, to_organisation=world.org_b
    ).exists()
