"""Issue 17, point 2: publishing asks for a confirmation that says who will see what; the
batch builds reports only for the year's partners; an empty year says so in words."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from partners.models import Organisation, OrganisationStatusChange
from partners.services import change_organisation_status, create_organisation
from reporting import documents, pdf, services
from reporting.models import ReportJob, ReportYear, Snapshot
from reporting.tests.test_views import done_job
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


# --- publishing ------------------------------------------------------------------------------


@pytest.fixture
def ready(world: World) -> ReportYear:
    """A draft year whose partnership report and one organisation report are built."""
    year = ReportYear.objects.create(year=2024)
    snapshot = Snapshot.objects.create(report_year=year, data={"organisations": {}})
    ReportYear.objects.filter(pk=year.pk).update(snapshot=snapshot)
    year.refresh_from_db()
    done_job(year, snapshot)
    done_job(year, snapshot, world.org_a)
    return year


def test_publishing_first_shows_who_will_see_what(world: World, ready: ReportYear) -> None:
    client = client_for(world.office)
    detail = client.get(ready.get_absolute_url()).content.decode()
    url = reverse("reporting:report_year_publish", kwargs={"year": ready.year})
    # The year's page links to the confirmation; it holds no one-click publish form.
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    page = client.get(url)
    assert page.status_code == 200
    audience = page.content.decode().split('data-testid="publish-audience"', 1)[1].split("</ul>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", audience))
    assert "Partnerskapets rapport (Svenska) kan hämtas av alla partnerorganisationers" in text
    assert "strategiska gruppen" in text
    assert "1 organisation får sin egen rapport" in text
    assert "bara hämtas av organisationens egna kontaktpersoner" in text
    ready.refresh_from_db()
    assert not ready.is_published  # looking is not publishing


def test_publishing_without_the_box_ticked_publishes_nothing(
    world: World, ready: ReportYear
) -> None:
    client = client_for(world.office)
    url = reverse("reporting:report_year_publish", kwargs={"year": ready.year})
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Kryssa i rutan för att bekräfta publiceringen." in response.content.decode()
    ready.refresh_from_db()
    assert not ready.is_published
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    published = ReportYear.objects.get(pk=ready.pk)
    assert published.is_published
    assert published.published_by == world.office


@pytest.mark.parametrize("role", ["strategic", "contact_a"])
def test_only_the_office_sees_the_publish_confirmation(
    world: World, ready: ReportYear, role: str
) -> None:
    url = reverse("reporting:report_year_publish", kwargs={"year": ready.year})
    assert client_for(world.users()[role]).get(url).status_code == 403


# --- who gets a report for the year ----------------------------------------------------------


def test_build_all_skips_organisations_that_joined_after_the_year(world: World) -> None:
    this_year = timezone.localdate().year
    last_year = this_year - 1
    old = create_organisation(
        by=world.office,
        status_on=dt.date(last_year - 2, 3, 1),
        name="Gammal Partner AB",
        organisation_number="556677-8899",
        kind=Organisation.Kind.COMPANY,
        status=Organisation.Status.ACTIVE,
    )
    # Imported this year, as the partner import does: its history starts today.
    new = create_organisation(
        by=world.office,
        name="Ny Partner AB",
        organisation_number="559988-7766",
        kind=Organisation.Kind.COMPANY,
        status=Organisation.Status.ACTIVE,
    )
    # Left in the middle of last year: still a partner for part of it.
    left = create_organisation(
        by=world.office,
        status_on=dt.date(last_year - 3, 1, 10),
        name="Lämnade AB",
        organisation_number="551122-3348",
        kind=Organisation.Kind.COMPANY,
        status=Organisation.Status.ACTIVE,
    )
    change_organisation_status(
        organisation=left, status="left", changed_on=dt.date(last_year, 6, 30), by=world.office
    )
    assert OrganisationStatusChange.objects.filter(organisation=new).get().changed_on.year == (
        this_year
    )
    report_year = services.create_report_year(year=last_year, by=world.office)
    services.take_snapshot(report_year=report_year, by=world.office)
    batch = services.build_all_organisation_reports(
        report_year=report_year, language="sv", by=world.office
    )
    organisations = set(
        ReportJob.objects.filter(batches=batch).values_list("organisation__name", flat=True)
    )
    assert "Gammal Partner AB" in organisations
    assert "Lämnade AB" in organisations
    assert "Ny Partner AB" not in organisations
    # The same rule counts the partnership's organisations in the report's key figures.
    snapshot = report_year.snapshot
    assert str(new.pk) not in snapshot.data["organisations"]
    assert str(old.pk) in snapshot.data["organisations"]


# --- an empty year ---------------------------------------------------------------------------


def _pdf_text(html: str) -> str:
    reader = PdfReader(io.BytesIO(pdf.render_html_to_pdf(html)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_an_empty_year_says_so_instead_of_zero_activities_and_meetings(world: World) -> None:
    Organisation.objects.filter(pk=world.org_a.pk).update(status=Organisation.Status.ACTIVE)
    report_year = services.create_report_year(year=2019, by=world.office)
    services.take_snapshot(report_year=report_year, by=world.office)
    data = report_year.snapshot.data
    assert data["partnership"]["key_figures"]["activities"] == 0
    assert data["partnership"]["key_figures"]["meetings_held"] == 0
    partnership = _pdf_text(documents.render_html(data, kind="partnership", language="sv"))
    assert "Inga aktiviteter eller möten registrerades under året." in partnership
    assert not re.search(r"\b0 (genomförda )?(aktiviteter|möten)\b", partnership)
    organisation = _pdf_text(
        documents.render_html(
            data, kind="organisation", language="sv", organisation_id=world.org_a.pk
        )
    )
    assert "Inga aktiviteter eller möten registrerades under året." in organisation
    assert "Ni deltog i 0 av 0" not in organisation
