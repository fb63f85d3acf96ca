"""GDPR (issue 7, GDPR-1/2/3): export a person, erase them without trace, retention review."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from audit import gdpr
from audit.context import acting_as
from audit.models import RetentionSettings
from outbox import services as outbox
from partners.models import ContactPerson, Organisation, OrganisationStatusChange
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

FIRST = "Sentinelfirstqz"
LAST = "Sentinellastqz"
EMAIL = "sentinel.person.qz@example.org"
PHONE = "070-5550199"
USERNAME = "sentinel_login_qz"
SENTINELS = [FIRST, LAST, EMAIL, PHONE, USERNAME, f"{FIRST} {LAST}"]


def _seed(world: World) -> ContactPerson:
    """A person with sentinel values in every personal field, and traces of them everywhere."""
    user = UserFactory(username=USERNAME, first_name=FIRST, last_name=LAST, email=EMAIL)
    with acting_as(world.office):
        contact = ContactPersonFactory(
            first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE, user=user
        )
        MembershipFactory(contact=contact, organisation=world.org_a, is_survey_submitter=True)
        contact.title = "Miljöchef"
        contact.save()
    with acting_as(user):  # the person edits their organisation: audit entries name them as actor
        world.org_a.city = "Nordmaling"
        world.org_a.save()
    outbox.queue_email(to=[EMAIL], subject=f"Hej {FIRST} {LAST}", body=f"Ring {PHONE}")
    # Login logs: a failure and a success.
    Client().post(reverse("login"), {"username": USERNAME, "password": "fel"})
    logged_in = Client()
    logged_in.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
    assert AccessLog.objects.filter(username=USERNAME).exists()
    # A generated file that names the person (a report job's PDF, an uploaded declaration).
    from reporting import services as reporting
    from reporting.models import ReportJob

    report_year = reporting.create_report_year(year=2031, by=world.office)
    job = ReportJob.objects.create(
        report_year=report_year,
        snapshot=reporting.take_snapshot(report_year=report_year, by=world.office),
        kind=ReportJob.Kind.ORGANISATION,
        organisation=world.org_a,
        language="sv",
        status=ReportJob.Status.DONE,
    )
    job.file.save("rapport.pdf", ContentFile(_pdf_naming(f"Kontakt: {FIRST} {LAST}")), save=True)
    job.error = f"Mottagare {EMAIL} saknades"
    job.save()
    return contact


def _pdf_naming(text: str) -> bytes:
    from reporting.pdf import render_html_to_pdf

    return render_html_to_pdf(f"<html><body><p>{text}</p></body></html>")


def _database_dump() -> str:
    """The whole test database as text: pg_dump on PostgreSQL, iterdump on SQLite."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        env = {"PGPASSWORD": params["PASSWORD"] or ""}
        dump = subprocess.run(
            [
                "pg_dump",
                "-h",
                params["HOST"] or "127.0.0.1",
                "-p",
                str(params["PORT"] or 5432),
                "-U",
                params["USER"],
                "--data-only",
                "--inserts",
                params["NAME"],
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, **env},
        )
        return dump.stdout
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return "\n".join(raw.iterdump())


def _file_hits() -> list[str]:
    hits = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file():
                text = gdpr.file_text(path)
                hits += [f"{path}: {s}" for s in SENTINELS if s.lower() in text.lower()]
    return hits


def test_export_contains_every_seeded_value(world: World) -> None:
    contact = _seed(world)
    response = client_for(world.office).get(reverse("audit:contact_export", args=[contact.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for sentinel in SENTINELS:
        assert sentinel in text, sentinel
    assert data["contact_person"]["email"] == EMAIL
    assert data["user_account"]["username"] == USERNAME
    assert "password" not in data["user_account"]
    assert any(e["by"] == USERNAME for e in data["audit_trail"])
    assert data["login_log"]
    assert data["emails"]
    assert data["emails"][0]["to"] == [EMAIL]
    assert "partners.Membership" in data["related_records"]


# transaction=True: on PostgreSQL pg_dump reads through its own connection, so the seed must be
# committed, not held in the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_in_the_database_dump_or_the_files(world: World) -> None:
    contact = _seed(world)
    session_of_person = Client()
    session_of_person.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
    dump = _database_dump()
    assert all(s in dump for s in (FIRST, EMAIL, PHONE, USERNAME)), (
        "the seed did not reach the dump"
    )
    assert _file_hits(), "the seeded PDF should name the person before erasure"

    response = client_for(world.office).post(
        reverse("audit:contact_erase", args=[contact.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302

    dump = _database_dump()
    leaks = [s for s in SENTINELS if s.lower() in dump.lower()]
    assert leaks == [], f"still in the database: {leaks}"
    assert _file_hits() == []
    # The organisation's data stays; the person is an anonymous former contact without a login.
    contact.refresh_from_db()
    assert contact.full_name == "Raderad kontaktperson"
    assert contact.user is None
    assert Organisation.objects.get(pk=world.org_a.pk).city == "Nordmaling"
    assert session_of_person.get("/").status_code == 302  # their session ended
    assert not AccessAttempt.objects.filter(username=USERNAME).exists()
    from reporting.models import ReportJob

    assert ReportJob.objects.get(report_year__year=2031).status == ReportJob.Status.PENDING


def test_erasure_needs_confirmation_and_the_office(world: World) -> None:
    contact = _seed(world)
    office = client_for(world.office)
    response = office.post(reverse("audit:contact_erase", args=[contact.pk]), {})
    assert response.status_code == 400
    assert ContactPerson.objects.get(pk=contact.pk).email == EMAIL
    denied = client_for(world.contact_a).post(
        reverse("audit:contact_erase", args=[contact.pk]), {"confirm": "on"}
    )
    assert denied.status_code == 403
    assert ContactPerson.objects.get(pk=contact.pk).email == EMAIL


def test_replaying_erasures_after_a_restore_erases_again(world: World) -> None:
    contact = _seed(world)
    gdpr.erase_person(contact=contact, by=world.office)
    # A restored backup brings the person back (same e-mail); the ledger knows the hash only.
    back = ContactPersonFactory(first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE)
    assert gdpr.replay_erasures() == 1
    assert ContactPerson.objects.get(pk=back.pk).email.endswith("@raderad.invalid")
    from audit.models import ErasureRecord

    assert all(EMAIL not in r.subject_hash for r in ErasureRecord.objects.all())


def test_contacts_of_organisations_that_left_are_flagged_after_the_retention_period(
    world: World,
) -> None:
    gone = OrganisationFactory(name="Borta AB", status=Organisation.Status.LEFT)
    OrganisationStatusChange.objects.create(
        organisation=gone,
        status=Organisation.Status.LEFT,
        changed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    recent = OrganisationFactory(name="Nyss AB", status=Organisation.Status.LEFT)
    OrganisationStatusChange.objects.create(
        organisation=recent,
        status=Organisation.Status.LEFT,
        changed_on=timezone.localdate() - dt.timedelta(days=30),
    )
    old_contact = MembershipFactory(organisation=gone).contact
    MembershipFactory(organisation=recent)
    both = MembershipFactory(organisation=gone).contact
    MembershipFactory(organisation=world.org_a, contact=both)  # still at an active partner
    office = client_for(world.office)
    page = office.get(reverse("audit:retention_review"))
    assert page.status_code == 200
    assert [row["contact"] for row in page.context["due"]] == [old_contact]
    # The office shortens the period: the recent one is due too.
    saved = office.post(reverse("audit:retention_review"), {"review_after_days": "10"})
    assert saved.status_code == 302
    assert RetentionSettings.current().review_after_days == 10
    assert len(gdpr.contacts_due_for_review()) == 2
    bad = office.post(reverse("audit:retention_review"), {"review_after_days": "-3"})
    assert bad.status_code == 400
    assert RetentionSettings.current().review_after_days == 10
    assert client_for(world.contact_a).get(reverse("audit:retention_review")).status_code == 403
