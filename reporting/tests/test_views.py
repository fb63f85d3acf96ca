"""Pages and downloads: the access policy for every role and every download, headers, the
office's pages, the progress endpoint, the narrative form and query budgets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.tests.factories import OrganisationFactory
from reporting import services
from reporting.models import ReportBatch, ReportJob, ReportYear, Snapshot
from reporting.tests.factories import YEAR
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def done_job(year: ReportYear, snapshot: Snapshot, organisation=None, batch=None) -> ReportJob:
    """A finished job with small stand-in files (the PDF pipeline has its own tests)."""
    job = ReportJob.objects.create(
        report_year=year,
        snapshot=snapshot,
        kind="organisation" if organisation else "partnership",
        organisation=organisation,
        language="sv",
        status=ReportJob.Status.DONE,
    )
    job.file.name = services._store(
        f"{job.base_name()}.pdf", b"%PDF-1.7 test " + str(job.pk).encode()
    )
    job.data_xlsx.name = services._store(f"{job.base_name()}.xlsx", b"PK test")
    job.save()
    if batch is not None:
        batch.jobs.add(job)
    return job


@dataclass
class Reports:
    published: ReportYear
    draft: ReportYear
    partnership: ReportJob
    partnership_draft: ReportJob
    org_a: ReportJob
    org_a_draft: ReportJob
    org_b: ReportJob


@pytest.fixture
def reports(world: World) -> Reports:
    published = ReportYear.objects.create(year=YEAR)
    snapshot = Snapshot.objects.create(report_year=published, data={"organisations": {}})
    draft = ReportYear.objects.create(year=YEAR - 1)
    draft_snapshot = Snapshot.objects.create(report_year=draft, data={"organisations": {}})
    ReportYear.objects.filter(pk=published.pk).update(
        snapshot=snapshot, status=ReportYear.Status.PUBLISHED, published_at=timezone.now()
    )
    ReportYear.objects.filter(pk=draft.pk).update(snapshot=draft_snapshot)
    published.refresh_from_db()
    draft.refresh_from_db()
    return Reports(
        published=published,
        draft=draft,
        partnership=done_job(published, snapshot),
        partnership_draft=done_job(draft, draft_snapshot),
        org_a=done_job(published, snapshot, world.org_a),
        org_a_draft=done_job(draft, draft_snapshot, world.org_a),
        org_b=done_job(published, snapshot, world.org_b),
    )


# Who may download what: 200 allowed, 403 refused, 302 sent to the login page.
MATRIX = {
    #             partnership  partn. draft  org A  org A draft  org B
    "anonymous": (302, 302, 302, 302, 302),
    "inactive": (302, 302, 302, 302, 302),
    "superuser": (200, 200, 200, 200, 200),
    "office": (200, 200, 200, 200, 200),
    "strategic": (200, 403, 403, 403, 403),
    "contact_a": (200, 403, 200, 403, 403),
    "contact_a2": (200, 403, 200, 403, 403),
    "contact_b": (200, 403, 403, 403, 200),
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_every_download_passes_the_policy(
    world: World, reports: Reports, role: str, fmt: str
) -> None:
    client = client_for(world.users()[role])
    jobs = [
        reports.partnership,
        reports.partnership_draft,
        reports.org_a,
        reports.org_a_draft,
        reports.org_b,
    ]
    statuses = tuple(
        client.get(reverse("reporting:download", kwargs={"pk": j.pk, "fmt": fmt})).status_code
        for j in jobs
    )
    assert statuses == MATRIX[role]


def test_download_is_an_attachment_that_is_never_cached(world: World, reports: Reports) -> None:
    response = client_for(world.contact_a).get(
        reverse("reporting:download", kwargs={"pk": reports.org_a.pk, "fmt": "pdf"})
    )
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="klimatfardplan-{YEAR}-organisation-{world.org_a.pk}-sv.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_unknown_format_and_unfinished_jobs_are_not_found(world: World, reports: Reports) -> None:
    office = client_for(world.office)
    assert office.get(f"/reports/jobs/{reports.org_a.pk}/html/").status_code == 404
    ReportJob.objects.filter(pk=reports.org_b.pk).update(status=ReportJob.Status.RUNNING)
    url = reverse("reporting:download", kwargs={"pk": reports.org_b.pk, "fmt": "pdf"})
    assert office.get(url).status_code == 404


def test_report_list_shows_each_role_only_its_reports(
    world: World, reports: Reports, django_assert_num_queries
) -> None:
    client = client_for(world.contact_a)
    client.get(reverse("reporting:report_list"))  # warm-up: session and organisation ids
    # 1 session, 2 user, 3 memberships (policy.organisation_ids), 4 published reports
    # (report years are listed for the office only)
    with django_assert_num_queries(4):
        response = client.get(reverse("reporting:report_list"))
    content = response.content.decode()
    assert response.status_code == 200
    links = {
        reverse("reporting:download", kwargs={"pk": job.pk, "fmt": "pdf"}): job
        for job in [reports.partnership, reports.org_a, reports.org_b, reports.org_a_draft]
    }
    shown = {url for url in links if url in content}
    assert shown == {
        reverse("reporting:download", kwargs={"pk": reports.partnership.pk, "fmt": "pdf"}),
        reverse("reporting:download", kwargs={"pk": reports.org_a.pk, "fmt": "pdf"}),
    }
    assert "Skapa rapportår" not in content


def test_report_list_query_budget_for_the_office(
    world: World, reports: Reports, django_assert_num_queries
) -> None:
    client = client_for(world.office)
    client.get(reverse("reporting:report_list"))
    # 1 session, 2 user, 3 office two-factor device, 4 memberships (navigation), 5 jobs,
    # 6 report years with their snapshots
    with django_assert_num_queries(6):
        response = client.get(reverse("reporting:report_list"))
    assert "Skapa rapportår" in response.content.decode()


@pytest.mark.parametrize("role", ["strategic", "contact_a"])
def test_only_the_office_manages_report_years(world: World, reports: Reports, role: str) -> None:
    client = client_for(world.users()[role])
    year = reports.draft.year
    batch = ReportBatch.objects.create(
        report_year=reports.draft, snapshot=reports.draft.snapshot, language="sv"
    )
    for url in [
        reverse("reporting:report_year_detail", kwargs={"year": year}),
        reverse("reporting:report_year_update", kwargs={"year": year}),
        reverse("reporting:batch_detail", kwargs={"pk": batch.pk}),
        reverse("reporting:batch_status", kwargs={"pk": batch.pk}),
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        reverse("reporting:report_year_create"),
        reverse("reporting:snapshot_take", kwargs={"year": year}),
        reverse("reporting:report_build", kwargs={"year": year}),
        reverse("reporting:batch_create", kwargs={"year": year}),
        reverse("reporting:report_year_publish", kwargs={"year": year}),
        reverse("reporting:job_retry", kwargs={"pk": reports.org_a_draft.pk}),
    ]:
        assert client.post(url, {"language": "sv", "year": 2030}).status_code == 403, url
    reports.draft.refresh_from_db()
    assert not reports.draft.is_published
    assert not ReportYear.objects.filter(year=2030).exists()


def test_office_creates_a_year_and_edits_the_narrative(world: World) -> None:
    client = client_for(world.office)
    response = client.post(reverse("reporting:report_year_create"), {"year": 2026, "title": "Året"})
    report_year = ReportYear.objects.get(year=2026)
    assert response["Location"] == report_year.get_absolute_url()
    url = reverse("reporting:report_year_update", kwargs={"year": 2026})
    page = client.get(url)
    assert page.status_code == 200
    data = {"version": report_year.version, "title": "Året", "story_sv": "Vår berättelse"}
    assert client.post(url, data).status_code == 302
    report_year.refresh_from_db()
    assert report_year.story_sv == "Vår berättelse"
    # A second edit based on the old version is refused; what was typed stays in the form.
    stale = client.post(url, {**data, "story_sv": "Min ändring"})
    assert stale.status_code == 200
    assert "Någon annan har ändrat rapportåret" in stale.content.decode()
    assert "Min ändring" in stale.content.decode()
    report_year.refresh_from_db()
    assert report_year.story_sv == "Vår berättelse"


def test_creating_an_existing_year_says_so(world: World, reports: Reports) -> None:
    client = client_for(world.office)
    response = client.post(reverse("reporting:report_year_create"), {"year": YEAR}, follow=True)
    assert f"Det finns redan ett rapportår för {YEAR}" in response.content.decode()


def test_batch_progress_part_counts_and_lists_failures(world: World, reports: Reports) -> None:
    batch = ReportBatch.objects.create(
        report_year=reports.draft, snapshot=reports.draft.snapshot, language="sv"
    )
    batch.jobs.add(reports.org_a_draft)
    failed = ReportJob.objects.create(
        report_year=reports.draft,
        snapshot=reports.draft.snapshot,
        kind="organisation",
        organisation=world.org_b,
        language="sv",
        status=ReportJob.Status.FAILED,
        error="ValueError: trasig",
    )
    batch.jobs.add(failed)
    client = client_for(world.office)
    part = client.get(reverse("reporting:batch_status", kwargs={"pk": batch.pk}))
    assert part["Cache-Control"].startswith("max-age=0")
    html = part.content.decode()
    assert "1 av 2 klara (0 pågår, 0 väntar)" in html
    assert 'data-poll-busy="false"' in html  # nothing left for a worker: the page stops asking
    assert "Beta Bygg AB: ValueError: trasig" in html
    assert reverse("reporting:job_retry", kwargs={"pk": failed.pk}) in html
    assert f'name="batch" value="{batch.pk}"' in html
    assert "<html" not in html  # only the part
    page = client.get(reverse("reporting:batch_detail", kwargs={"pk": batch.pk})).content.decode()
    assert "1 av 2 klara" in page
    assert reverse("reporting:batch_status", kwargs={"pk": batch.pk}) in page
    assert reverse("reporting:job_retry", kwargs={"pk": failed.pk}) in page
    assert "js/reporting.js" in page


def test_organisation_page_section_lists_its_published_reports(
    world: World, reports: Reports
) -> None:
    from reporting.sections import organisation_reports

    section = organisation_reports(world.org_a, world.contact_a)
    assert section is not None
    assert [job.pk for job in section["context"]["reports"]] == [reports.org_a.pk]
    assert organisation_reports(world.org_a, world.contact_b) is None
    assert organisation_reports(world.org_a, world.strategic) is None


def test_partner_page_shows_the_organisations_published_reports(
    world: World, reports: Reports
) -> None:
    url = reverse("partners:organisation_detail", kwargs={"pk": world.org_a.pk})
    content = client_for(world.contact_a).get(url).content.decode()
    assert "Årliga rapporter" in content
    assert reverse("reporting:download", kwargs={"pk": reports.org_a.pk, "fmt": "pdf"}) in content
    assert (
        reverse("reporting:download", kwargs={"pk": reports.org_a_draft.pk, "fmt": "pdf"})
        not in content
    )


def test_year_page_and_progress_endpoint_query_budgets(
    world: World, reports: Reports, django_assert_num_queries
) -> None:
    batch = ReportBatch.objects.create(
        report_year=reports.draft, snapshot=reports.draft.snapshot, language="sv"
    )
    batch.jobs.add(*ReportJob.objects.filter(snapshot=reports.draft.snapshot))
    batch.jobs.add(
        ReportJob.objects.create(
            report_year=reports.draft,
            snapshot=reports.draft.snapshot,
            kind="organisation",
            organisation=OrganisationFactory(name="Gamma Gods AB"),
            language="sv",
            status=ReportJob.Status.FAILED,
            error="fel",
        )
    )
    client = client_for(world.office)
    status_url = reverse("reporting:batch_status", kwargs={"pk": batch.pk})
    client.get(status_url)
    # 1 session, 2 user, 3 two-factor device, 4 batch, 5 counts by status (one aggregate),
    # 6 failed and stalled jobs with their organisations, 7 a newer batch, 8 memberships (a
    # context processor)
    with django_assert_num_queries(8):
        assert "av 3 klara" in client.get(status_url).content.decode()
    year_url = reverse("reporting:report_year_detail", kwargs={"year": reports.draft.year})
    client.get(year_url)
    # 1 session, 2 user, 3 two-factor device, 4 report year with snapshot, 5 counts by status,
    # 6 failed and stalled jobs, 7 jobs with organisations, 8 batches with progress counts,
    # 9 memberships (navigation)
    with django_assert_num_queries(9):
        assert client.get(year_url).status_code == 200
