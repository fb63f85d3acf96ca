"""Issue 15, point 7: names are plain text. Organisation and contact names refuse control,
bidirectional-override and zero-width characters with a clear field error; letters of any
script, hyphens and accents pass; a data migration reports existing rows that break the rule."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners import importing
from partners.forms import ContactForm, OrganisationForm
from partners.models import ContactPerson, Organisation
from partners.tests.factories import OrganisationFactory, organisation_number
from partners.validators import validate_plain_name
from tests.fixtures import client_for

HIDDEN = {
    "U+0000": "Alfa\x00AB",
    "U+0007": "Alfa\x07AB",
    "U+000A": "Alfa\nAB",
    "U+202A": "Alfa\u202aAB",
    "U+202E": "\u202eBA aflA",  # right-to-left override: shows reversed
    "U+2066": "Alfa\u2066AB",
    "U+2069": "Alfa\u2069AB",
    "U+200B": "Alfa\u200bAB",
    "U+200D": "Alfa\u200dAB",
    "U+2060": "Alfa\u2060AB",
    "U+FEFF": "\ufeffAlfa AB",
}
PLAIN = [
    "Åsa Öberg-Ström",
    "Björkbackens Fastigheter AB",
    "José Núñez d'Ávila",
    "Zoë Müller & Søn",
    "Łukasz Wałęsa",
    "Ævar Þórsson",
    "Ánne-Märta Sámi Giella",
    "Δήμητρα Παπαδοπούλου",
    "Михаил Иванов",
    "محمد علي",
    "佐藤 花子",
    "Vd, Hållbarhetschef (50 %)",
]


@pytest.mark.parametrize(("code", "name"), HIDDEN.items())
def test_hidden_and_control_characters_are_refused_and_named(code, name):
    with pytest.raises(ValidationError) as error:
        validate_plain_name(name)
    assert code in error.value.messages[0]
    assert "osynliga tecken eller styrtecken" in error.value.messages[0]


@pytest.mark.parametrize("name", PLAIN)
def test_letters_of_every_script_hyphens_and_accents_pass(name):
    validate_plain_name(name)


@pytest.mark.django_db
def test_organisation_form_shows_a_field_error_and_keeps_the_rest(world):
    form = OrganisationForm(
        data={
            "name": "Alfa\u202eBA",
            "organisation_number": organisation_number(901),
            "kind": Organisation.Kind.COMPANY,
            "city": "Umeå",
        }
    )
    assert not form.is_valid()
    assert "U+202E" in form.errors["name"][0]
    assert set(form.errors) == {"name"}


@pytest.mark.parametrize("field", ["first_name", "last_name", "title"])
def test_contact_form_refuses_hidden_characters_per_field(field):
    data = {"first_name": "Åsa", "last_name": "Öberg-Ström", "title": "Vd", "email": "a@b.se"}
    data[field] = "Å\u200bsa"
    form = ContactForm(data=data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert "U+200B" in form.errors[field][0]


@pytest.mark.django_db
def test_contact_page_keeps_what_was_typed(world):
    response = client_for(world.contact_a).post(
        reverse("partners:contact_create", args=[world.org_a.pk]),
        {"first_name": "Ny\u2066", "last_name": "Kollega", "email": "ny@alfa.example"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "U+2066" in html
    assert 'value="Kollega"' in html
    assert not ContactPerson.objects.filter(email="ny@alfa.example").exists()


@pytest.mark.django_db
def test_import_names_the_row_and_column(world):
    header = ";".join(importing.COLUMNS)
    row = dict.fromkeys(importing.COLUMNS, "")
    row.update(
        organisation_number=organisation_number(902),
        name="Gamma\u200b AB",
        kind="company",
        contact_first_name="Ida",
        contact_last_name="\u202eNilsson",
        contact_email="ida@gamma.example",
    )
    content = (header + "\n" + ";".join(row[c] for c in importing.COLUMNS) + "\n").encode()
    plan = importing.plan_import(content, "x.csv")
    assert not plan.ok
    [error] = plan.errors
    assert error.row == 2
    assert "name" in error.message
    assert "U+200B" in error.message
    assert "contact_last_name" in error.message
    assert "U+202E" in error.message


@pytest.mark.django_db
def test_data_migration_reports_existing_rows_without_failing(world, capsys):
    bad = OrganisationFactory(name="Delta\u202e AB")  # saved before the rule (no full_clean)
    migration = importlib.import_module("partners.migrations.0008_plain_names")
    migration.report_hidden_characters(apps, None)
    out = capsys.readouterr().out
    assert f"Organisation id={bad.pk} field=name" in out
    assert "U+202E" in out
    assert "Delta" not in out  # ids and code points only: names are personal data
    assert "1 name(s)" in out
