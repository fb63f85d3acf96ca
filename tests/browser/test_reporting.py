"""Annual reports in the browser: the office prepares, builds and publishes the 2025 reports;
a partner contact downloads its own organisation's report and cannot open another's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reporting.models import ReportJob
from reporting.tests.conftest import private_storage  # noqa: F401  # autouse: own private storage
from reporting.tests.factories import seed_report_data
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_builds_and_publishes_and_a_partner_downloads_its_own_report(
    world: World, login, live_server, page: Page
) -> None:
    seed_report_data(world.org_a, world.org_b)
    page = login("kansli")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Årliga rapporter")
    assert blocking_violations(page) == []
    page.get_by_label("År", exact=True).fill("2025")
    page.get_by_label("Titel", exact=True).fill("Klimatfärdplanen 2025")
    page.get_by_role("button", name="Skapa rapportår").click()
    expect(page.get_by_test_id("message")).to_contain_text("Rapportåret är skapat")

    page.get_by_role("link", name="Redigera berättelse och urval").click()
    page.get_by_label("Berättelsen (svenska)").fill("Året då **tolv tak** fick solceller.")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("message")).to_contain_text("sparade")

    page.get_by_role("button", name="Frys årets siffror").click()
    expect(page.get_by_test_id("message")).to_contain_text("Årets siffror är frysta")
    page.get_by_role("button", name="Bygg partnerskapets rapport (Svenska)").click()
    expect(page.get_by_test_id("message")).to_contain_text("Rapporten är klar")
    page.get_by_role("button", name="Bygg alla organisationers rapporter (Svenska)").click()
    # The progress page: n of N done (the embedded default builds them in-process); the seed
    # has four partner organisations.
    expect(page.get_by_role("status").filter(has_text="av")).to_contain_text("4 av 4 klara")
    expect(page.get_by_text("Inga misslyckade rapporter.")).to_be_visible()
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Tillbaka till rapportåret").click()
    # The office previews a draft before publishing.
    with page.expect_download() as preview:
        page.get_by_role("link", name="PDF för partnerskapet (Svenska)").click()
    assert preview.value.suggested_filename.endswith("-partnerskapet-sv.pdf")
    assert blocking_violations(page) == []
    # Publishing asks first, saying who will see what (issue 17).
    page.get_by_role("link", name="Publicera rapporterna…").click()
    expect(page.get_by_test_id("publish-audience")).to_contain_text("strategiska gruppen")
    assert blocking_violations(page) == []
    page.get_by_label("Jag har läst vilka som får se rapporterna och vill publicera dem.").check()
    page.get_by_role("button", name="Publicera rapporterna").click()
    expect(page.get_by_test_id("message")).to_contain_text("Rapporterna är publicerade")

    page.context.clear_cookies()
    page = login("anna_a")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("link", name="PDF för Alfa Energi AB (Svenska)")).to_be_visible()
    expect(page.get_by_role("link", name="PDF för Beta Bygg AB (Svenska)")).to_have_count(0)
    assert blocking_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF för Alfa Energi AB (Svenska)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    other = ReportJob.objects.get(organisation=world.org_b, language="sv")
    response = page.request.get(f"{live_server.url}/reports/jobs/{other.pk}/pdf/")
    assert response.status == 403


def test_progress_page_refreshes_itself_and_offers_a_retry(
    world: World, login, live_server, page: Page
) -> None:
    from reporting import services
    from reporting.models import ReportBatch, ReportYear

    seed_report_data(world.org_a, world.org_b)
    report_year = ReportYear.objects.create(year=2025)
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    batch = ReportBatch.objects.create(report_year=report_year, snapshot=snapshot, language="sv")
    jobs = [
        ReportJob.objects.create(
            report_year=report_year,
            snapshot=snapshot,
            kind="organisation",
            organisation=org,
            language="sv",
        )
        for org in (world.org_a, world.org_b)
    ]
    batch.jobs.add(*jobs)
    page = login("kansli")
    page.goto(f"{live_server.url}/reports/batches/{batch.pk}/")
    status = page.get_by_role("status").filter(has_text="av")
    expect(status).to_contain_text("0 av 2 klara")
    # Workers finish one report and fail the other: the page updates without a reload.
    services.build_report(job_id=jobs[0].pk)
    ReportJob.objects.filter(pk=jobs[1].pk).update(
        status=ReportJob.Status.FAILED, error="ValueError: trasig"
    )
    expect(status).to_contain_text("1 av 2 klara")
    expect(page.get_by_text("Beta Bygg AB: ValueError: trasig")).to_be_visible()
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Försök igen").click()
    expect(page.get_by_test_id("message")).to_contain_text("Rapporten är klar")
    expect(status).to_contain_text("2 av 2 klara")
