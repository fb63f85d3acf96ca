"""Import: preview, every bad row named, all-or-nothing, idempotent; CSV and XLSX alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import importing
from partners.models import (
    CommitmentChange,
    CommitmentSet,
    ContactPerson,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "partners-import.csv"


def _state() -> tuple[object, ...]:
    return (
        list(Organisation.objects.order_by("pk").values_list()),
        list(ContactPerson.objects.order_by("pk").values_list("email", "first_name", "user_id")),
        list(Membership.objects.order_by("pk").values_list()),
        list(
            CommitmentSet.objects.order_by("pk").values_list("organisation_id", "status", "version")
        ),
        CommitmentChange.objects.count(),
        OrganisationStatusChange.objects.count(),
    )


def _xlsx(csv_bytes: bytes) -> bytes:
    from openpyxl import Workbook

    rows = importing.read_rows(csv_bytes, "x.csv")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(importing.COLUMNS)
    for row in rows:
        sheet.append([row.get(c, "") for c in importing.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_example_file_previews_then_imports(world):
    content = EXAMPLE.read_bytes()
    before = _state()
    plan = importing.plan_import(content, "partners-import.csv")
    assert plan.ok, plan.errors
    assert plan.count("create") == 3
    assert _state() == before  # a preview writes nothing
    importing.apply_import(content, "partners-import.csv", by=world.office)
    energy = Organisation.objects.get(organisation_number="556677-8899")
    assert energy.status == "active"
    assert sorted(energy.contacts.values_list("email", flat=True)) == [
        "anna@energi.example.org",
        "bo@energi.example.org",
    ]
    main = Membership.objects.get(contact__email="anna@energi.example.org")
    assert (main.is_main_contact, main.is_survey_submitter) == (True, True)
    energy_set = CommitmentSet.objects.get(organisation=energy)
    assert energy_set.status == "confirmed"
    assert sorted(energy_set.commitments.values_list("challenge__number", flat=True)) == [
        1,
        3,
        9,
        11,
        12,
    ]
    kommun_set = CommitmentSet.objects.get(organisation__name="Exempelkommunen")
    assert kommun_set.status == "draft"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(world, fmt):
    content = EXAMPLE.read_bytes()
    if fmt == "xlsx":
        content = _xlsx(content)
    name = f"partners.{fmt}"
    importing.apply_import(content, name, by=world.office)
    after_first = _state()
    plan = importing.plan_import(content, name)
    assert plan.count("unchanged") == 3
    assert plan.count("create") == plan.count("update") == 0
    importing.apply_import(content, name, by=world.office)
    assert _state() == after_first


def test_changed_row_is_previewed_as_update(world):
    content = EXAMPLE.read_bytes()
    importing.apply_import(content, "p.csv", by=world.office)
    changed = content.decode("utf-8").replace(";120;", ";150;").encode()
    plan = importing.plan_import(changed, "p.csv")
    energy = next(o for o in plan.organisations if o.number == "556677-8899")
    assert energy.action == "update"
    assert energy.changes == {"employees": (120, 150)}


BROKEN = (
    "organisation_number;name;kind;contact_first_name;contact_last_name;contact_email;period;challenges;commitment_status\n"
    "556677-8899;Bra AB;company;Anna;A;anna@bra.example;2023–2025;1,2,3,4,5;confirmed\n"
    "556677-8898;Fel nummer AB;company;;;;;;\n"
    "212000-2445;Fel typ;kommunalt;;;;;;\n"
    "802001-2343;Fel epost;organisation;Dan;D;dan(at)example;;;\n"
    "556036-0793;För få;company;;;;2023–2025;1,2,3;confirmed\n"
    "556036-0793;För få;company;;;;2023–2025;1,2,99;draft\n"
)


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    before = _state()
    plan = importing.apply_import(BROKEN.encode(), "broken.csv", by=world.office)
    assert _state() == before
    errors = {e.row: e.message for e in plan.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "kontrollsiffra" in errors[3]
    assert "okänd typ 'kommunalt'" in errors[4]
    assert "dan(at)example" in errors[5]
    assert "minst 5 utmaningar" in errors[6]
    assert "okänd klimatutmaning '99'" in errors[7]


def test_import_views_preview_and_confirm(world):
    client = client_for(world.office)
    upload = SimpleUploadedFile("partners-import.csv", EXAMPLE.read_bytes(), "text/csv")
    response = client.post(reverse("partners:import_upload"), {"file": upload})
    assert response.status_code == 302
    preview = client.get(reverse("partners:import_preview"))
    html = preview.content.decode()
    assert "3 organisationer skapas" in html
    assert not Organisation.objects.filter(name="Exempelkommunen").exists()
    response = client.post(reverse("partners:import_preview"))
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Exempelkommunen").exists()


def test_import_view_shows_bad_rows_and_imports_nothing(world):
    client = client_for(world.office)
    upload = SimpleUploadedFile("broken.csv", BROKEN.encode(), "text/csv")
    client.post(reverse("partners:import_upload"), {"file": upload})
    before = _state()
    response = client.post(reverse("partners:import_preview"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Inget har importerats" in html
    assert "Rad 4:" in html
    assert _state() == before


def test_import_rejects_other_file_types_and_non_office(world):
    client = client_for(world.office)
    response = client.post(
        reverse("partners:import_upload"),
        {"file": SimpleUploadedFile("partners.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert "csv eller .xlsx" in response.content.decode()
    response = client_for(world.contact_a).post(
        reverse("partners:import_upload"),
        {"file": SimpleUploadedFile("p.csv", EXAMPLE.read_bytes(), "text/csv")},
    )
    assert response.status_code == 403


def test_export_neutralises_formulas():
    content = importing.to_csv(["a"], [["=HYPERLINK(1)"], ["Vanlig"]]).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content
    assert "Vanlig" in content
