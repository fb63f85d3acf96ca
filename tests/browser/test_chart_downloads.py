"""Charts in the browser (issue 20): a partner contact takes its emissions chart home from its
organisation's page, as SVG (a link) and as PNG (drawn from the inline SVG by
static/js/chart-download.js); the chart's table is one click away. Checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reporting.tests.factories import seed_report_data
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_a_partner_downloads_its_emissions_chart_as_svg_and_png(
    world: World, login, live_server
) -> None:
    seed_report_data(world.org_a, world.org_b)
    page = login(world.contact_a.username)
    page.goto(f"{live_server.url}/partners/{world.org_a.pk}/")
    figure = page.get_by_test_id(f"chart-pathway-{world.org_a.pk}")
    expect(figure.locator("svg[role=img] title")).to_have_text(
        "Era utsläpp, 20 %-banan och ert eget mål"
    )
    with page.expect_download() as svg_download:
        figure.get_by_role("link", name="Ladda ner SVG").click()
    assert svg_download.value.suggested_filename == f"pathway-{world.org_a.pk}.svg"
    with open(svg_download.value.path(), "rb") as handle:
        assert handle.read().startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    with page.expect_download() as png_download:
        figure.get_by_role("button", name="Ladda ner PNG").click()
    assert png_download.value.suggested_filename == f"pathway-{world.org_a.pk}.png"
    with open(png_download.value.path(), "rb") as handle:
        assert handle.read(8) == PNG_MAGIC
    figure.get_by_text("Visa som tabell").click()
    expect(figure.get_by_role("table")).to_be_visible()
    assert blocking_violations(page) == []
