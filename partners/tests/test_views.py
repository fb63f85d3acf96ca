"""Views per role: office, strategic group, contact of A, contact of B. Denied requests leave the
database unchanged; bad input keeps what the user typed and shows a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import services
from partners.models import (
    CommitmentSet,
    ContactPerson,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from partners.tests.factories import commit, pdf_bytes
from roadmap.models import Challenge, PartnershipPeriod
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def _period() -> PartnershipPeriod:
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    return period


def _snapshot() -> tuple[object, ...]:
    return (
        list(Organisation.objects.values_list("pk", "name", "sector", "status", "version")),
        list(Membership.objects.values_list("pk", "is_active", "is_main_contact")),
        list(ContactPerson.objects.values_list("pk", "email", "user_id", "invited_at")),
        list(CommitmentSet.objects.values_list("pk", "status", "version")),
        Declaration.objects.count(),
        GroupRelation.objects.count(),
        OrganisationStatusChange.objects.count(),
        len(mail.outbox),
    )


def _commitment_post(numbers: list[int], *, version: int = 1, confirm: bool) -> dict[str, str]:
    data = {"version": str(version), "confirm" if confirm else "save": "1"}
    for challenge in Challenge.objects.filter(number__in=numbers):
        data[f"adopt_{challenge.pk}"] = "on"
        data[f"plan_{challenge.pk}"] = f"Vi planerar {challenge.number}"
    return data


# --- who sees which page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("office", 200), ("strategic", 200), ("contact_a", 403), ("contact_b", 403)],
)
def test_partner_list_access(world, role, expected):
    response = client_for(getattr(world, role)).get(reverse("partners:organisation_list"))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected", "sees_contacts"),
    [
        ("office", 200, True),
        ("strategic", 200, False),
        ("contact_a", 200, True),
        ("contact_b", 404, False),
    ],
)
def test_partner_page_access(world, role, expected, sees_contacts):
    response = client_for(getattr(world, role)).get(
        reverse("partners:organisation_detail", args=[world.org_a.pk])
    )
    assert response.status_code == expected
    if expected == 200:
        assert ("bertil_a@example.org" in response.content.decode()) is sees_contacts


def test_partner_page_includes_registered_sections(world, monkeypatch):
    from partners import sections

    monkeypatch.setattr(
        sections, "ORGANISATION_SECTIONS", ["partners.tests.test_views.activities_section"]
    )
    response = client_for(world.office).get(
        reverse("partners:organisation_detail", args=[world.org_a.pk])
    )
    assert "Aktiviteter för Alfa Energi AB: 3" in response.content.decode()


def activities_section(organisation, user):
    return {
        "title": "Aktiviteter",
        "template": "partners/tests/_section.html",
        "context": {"count": 3},
    }


def test_my_organisations_redirects_a_single_organisation_contact(world):
    response = client_for(world.contact_a).get(reverse("partners:my_organisations"))
    assert response.status_code == 302
    assert response.url == world.org_a.get_absolute_url()
    assert client_for(world.office).get(reverse("partners:my_organisations")).status_code == 403


# --- create and edit --------------------------------------------------------------------------


def test_office_registers_a_partner(world):
    response = client_for(world.office).post(
        reverse("partners:organisation_create"),
        {
            "name": "Gamma Energi AB",
            "organisation_number": "5560360793",
            "kind": "company",
            "status": "signed",
            "website": "https://gamma.example",
        },
    )
    org = Organisation.objects.get(name="Gamma Energi AB")
    assert response.status_code == 302
    assert org.organisation_number == "556036-0793"
    assert list(org.status_changes.values_list("status", flat=True)) == ["signed"]


@pytest.mark.parametrize(
    ("number", "message"),
    [("556036-0794", "fel kontrollsiffra"), ("12345", "tio siffror"), ("dup", "finns redan")],
)
def test_bad_organisation_number_keeps_typed_values(world, number, message):
    if number == "dup":
        number = world.org_b.organisation_number
    before = _snapshot()
    response = client_for(world.office).post(
        reverse("partners:organisation_create"),
        {
            "name": "Skrivet namn AB",
            "organisation_number": number,
            "kind": "company",
            "status": "prospect",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Skrivet namn AB"' in html
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["strategic", "contact_a", "contact_b"])
def test_only_office_creates_organisations(world, role):
    before = _snapshot()
    response = client_for(getattr(world, role)).post(
        reverse("partners:organisation_create"),
        {
            "name": "X AB",
            "organisation_number": "5560360793",
            "kind": "company",
            "status": "prospect",
        },
    )
    assert response.status_code == 403
    assert _snapshot() == before


def _edit_data(org: Organisation, **changes: str) -> dict[str, str]:
    return {
        "name": org.name,
        "organisation_number": org.organisation_number,
        "kind": org.kind,
        "sector": org.sector,
        "city": org.city,
        "version": str(org.version),
        **changes,
    }


def test_partner_contact_edits_own_organisation(world):
    response = client_for(world.contact_a).post(
        reverse("partners:organisation_update", args=[world.org_a.pk]),
        _edit_data(world.org_a, sector="Förnybar energi"),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.sector == "Förnybar energi"
    assert world.org_a.version == 2


@pytest.mark.parametrize("role", ["strategic", "contact_b"])
def test_others_cannot_edit_organisation_a(world, role):
    before = _snapshot()
    response = client_for(getattr(world, role)).post(
        reverse("partners:organisation_update", args=[world.org_a.pk]),
        _edit_data(world.org_a, sector="Kapat"),
    )
    assert response.status_code in (403, 404)
    assert _snapshot() == before


def test_stale_edit_is_refused_with_message_and_keeps_input(world):
    services.update_organisation(
        organisation=world.org_a, data={"city": "Holmsund"}, expected_version=1, by=world.office
    )
    response = client_for(world.contact_a).post(
        reverse("partners:organisation_update", args=[world.org_a.pk]),
        _edit_data(world.org_a, sector="Min ändring", version="1"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat" in html
    assert 'value="Min ändring"' in html
    world.org_a.refresh_from_db()
    assert world.org_a.sector == "Energi"


def test_office_changes_status_with_date(world):
    before_count = OrganisationStatusChange.objects.count()
    client_for(world.office).post(
        reverse("partners:organisation_status", args=[world.org_a.pk]),
        {"status": "paused", "changed_on": "2025-01-15", "note": "Omorganisation"},
    )
    change = OrganisationStatusChange.objects.latest("pk")
    assert OrganisationStatusChange.objects.count() == before_count + 1
    assert (change.status, change.changed_on) == ("paused", datetime.date(2025, 1, 15))


def test_partner_contact_cannot_change_status(world):
    before = _snapshot()
    response = client_for(world.contact_a).post(
        reverse("partners:organisation_status", args=[world.org_a.pk]),
        {"status": "left", "changed_on": "2025-01-15"},
    )
    assert response.status_code == 403
    assert _snapshot() == before


# --- contacts ---------------------------------------------------------------------------------


def test_partner_contact_adds_a_colleague(world):
    response = client_for(world.contact_a).post(
        reverse("partners:contact_create", args=[world.org_a.pk]),
        {
            "first_name": "Ny",
            "last_name": "Kollega",
            "email": "ny@alfa.example",
            "is_communications": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(contact__email="ny@alfa.example")
    assert membership.organisation == world.org_a
    assert membership.is_communications


def test_malformed_email_keeps_typed_values(world):
    before = _snapshot()
    response = client_for(world.office).post(
        reverse("partners:contact_create", args=[world.org_a.pk]),
        {"first_name": "Maja", "last_name": "Fel", "email": "maja(at)example"},
    )
    html = response.content.decode()
    assert "Ange en giltig e-postadress" in html
    assert 'value="Maja"' in html
    assert 'value="maja(at)example"' in html
    assert _snapshot() == before


def test_contact_b_cannot_touch_contacts_of_a(world):
    membership = Membership.objects.get(contact__user=world.contact_a2)
    client = client_for(world.contact_b)
    before = _snapshot()
    responses = [
        client.post(
            reverse("partners:contact_create", args=[world.org_a.pk]),
            {"first_name": "X", "last_name": "Y", "email": "x@example.org"},
        ),
        client.post(reverse("partners:contact_remove", args=[membership.pk])),
        client.post(reverse("partners:contact_invite", args=[membership.pk])),
        client.post(
            reverse("partners:contact_update", args=[membership.pk]),
            {"first_name": "Hackad", "last_name": "Y", "email": "x@example.org"},
        ),
    ]
    assert {r.status_code for r in responses} == {404}
    assert _snapshot() == before


def test_invite_sends_one_time_link(world, django_capture_on_commit_callbacks):
    membership = services.add_contact(
        organisation=world.org_a,
        data={"first_name": "Olle", "last_name": "Ny", "email": "olle@alfa.example"},
        by=world.office,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(
            reverse("partners:contact_invite", args=[membership.pk])
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["olle@alfa.example"]
    # Links in mails are built on SITE_URL, never on the request's Host header.
    assert f"{settings.SITE_URL}/accounts/reset/" in mail.outbox[-1].body
    membership.contact.refresh_from_db()
    assert membership.contact.user is not None


# --- declarations -----------------------------------------------------------------------------


def _declaration_post(document: SimpleUploadedFile) -> dict[str, object]:
    return {
        "period": str(_period().pk),
        "signed_on": "2023-02-01",
        "signatory_name": "Vera Vd",
        "signatory_title": "Vd",
        "document": document,
    }


def test_office_uploads_declaration_and_owner_downloads_it(world):
    response = client_for(world.office).post(
        reverse("partners:declaration_edit", args=[world.org_a.pk]),
        _declaration_post(SimpleUploadedFile("signed.pdf", pdf_bytes(), "application/pdf")),
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(organisation=world.org_a)
    url = reverse("partners:declaration_download", args=[declaration.pk])
    for role in ("office", "contact_a"):
        download = client_for(getattr(world, role)).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
        assert download["Content-Disposition"].startswith("attachment")
        assert {"private", "no-store"} <= {
            part.strip() for part in download["Cache-Control"].split(",")
        }
    assert client_for(world.contact_b).get(url).status_code == 404
    assert client_for(world.strategic).get(url).status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<html>not a pdf</html>", "inte en PDF"), (b"%PDF-1.7 trunkerad", "går inte att öppna")],
)
def test_non_pdf_upload_is_refused_and_keeps_typed_values(world, content, message):
    before = _snapshot()
    response = client_for(world.office).post(
        reverse("partners:declaration_edit", args=[world.org_a.pk]),
        _declaration_post(SimpleUploadedFile("signed.pdf", content, "application/pdf")),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Vera Vd"' in html
    assert _snapshot() == before


def test_oversized_upload_is_refused(world, settings):
    settings.PARTNERS_DECLARATION_MAX_BYTES = 200
    before = _snapshot()
    response = client_for(world.office).post(
        reverse("partners:declaration_edit", args=[world.org_a.pk]),
        _declaration_post(SimpleUploadedFile("signed.pdf", pdf_bytes(), "application/pdf")),
    )
    assert "för stor" in response.content.decode()
    assert _snapshot() == before


def test_partner_contact_cannot_register_declaration(world):
    before = _snapshot()
    response = client_for(world.contact_a).post(
        reverse("partners:declaration_edit", args=[world.org_a.pk]),
        _declaration_post(SimpleUploadedFile("signed.pdf", pdf_bytes(), "application/pdf")),
    )
    assert response.status_code == 403
    assert _snapshot() == before


# --- commitments ------------------------------------------------------------------------------


def test_partner_contact_saves_draft_then_confirms(world):
    client = client_for(world.contact_a)
    url = reverse("partners:commitments_edit", args=[world.org_a.pk])
    response = client.post(url, _commitment_post([1, 2], confirm=False))
    assert response.status_code == 302
    commitment_set = CommitmentSet.objects.get(organisation=world.org_a)
    assert commitment_set.status == "draft"
    response = client.post(url, _commitment_post([1, 2, 3, 4, 5], version=2, confirm=True))
    assert response.status_code == 302
    commitment_set.refresh_from_db()
    assert commitment_set.status == "confirmed"
    assert commitment_set.commitments.count() == 5


def test_confirming_four_challenges_shows_message_and_keeps_ticks(world):
    before = _snapshot()
    response = client_for(world.contact_a).post(
        reverse("partners:commitments_edit", args=[world.org_a.pk]),
        _commitment_post([1, 2, 3, 4], confirm=True),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "minst 5 klimatutmaningar" in html
    assert "Vi planerar 4" in html
    assert html.count("checked") == 4
    # Only the (empty) set row may have been created; no commitments, still a draft.
    assert not CommitmentSet.objects.filter(
        organisation=world.org_a, commitments__isnull=False
    ).exists()
    assert _snapshot()[0] == before[0]


def test_partner_contact_cannot_change_commitments_in_closed_period(world):
    period = _period()
    period.is_open = False
    period.save()
    before = _snapshot()
    response = client_for(world.contact_a).post(
        reverse("partners:commitments_edit", args=[world.org_a.pk]),
        _commitment_post([1, 2, 3, 4, 5], confirm=True),
    )
    assert response.status_code == 403
    assert _snapshot() == before
    # The office may still correct it.
    response = client_for(world.office).post(
        reverse("partners:commitments_edit", args=[world.org_a.pk]),
        _commitment_post([1, 2, 3, 4, 5], confirm=True),
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["strategic", "contact_b"])
def test_others_cannot_change_commitments_of_a(world, role):
    before = _snapshot()
    response = client_for(getattr(world, role)).post(
        reverse("partners:commitments_edit", args=[world.org_a.pk]),
        _commitment_post([1, 2, 3, 4, 5], confirm=True),
    )
    assert response.status_code in (403, 404)
    assert _snapshot() == before


# --- matrix, groupings, exports ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("office", 200), ("strategic", 200), ("contact_a", 403), ("contact_b", 403)],
)
def test_matrix_access(world, role, expected):
    response = client_for(getattr(world, role)).get(reverse("partners:commitment_matrix"))
    assert response.status_code == expected


def test_matrix_shows_uncovered_challenges(world):
    commit(world.org_a, [1, 2, 3, 4, 5])
    html = client_for(world.office).get(reverse("partners:commitment_matrix")).content.decode()
    assert "Utmaningar som ingen partner har tagit" in html
    assert "21. Utbilda och engagera" in html


def test_partner_sees_own_groupings_with_public_contacts_only(world):
    commit(world.org_a, [2, 3, 4, 5, 6])
    commit(world.org_b, [2, 7, 8, 9, 10])
    client = client_for(world.contact_b)
    html = client.get(reverse("partners:grouping_detail", args=[2])).content.decode()
    assert "Alfa Energi AB" in html
    assert "anna_a@example.org" in html  # A's main contact: public within the grouping
    assert "bertil_a@example.org" not in html
    # B is not in grouping 3, so it cannot open it; nor may it export mailing lists.
    assert client.get(reverse("partners:grouping_detail", args=[3])).status_code == 404
    assert client.get(reverse("partners:grouping_export", args=[2])).status_code == 403


def test_grouping_mailing_list_export(world):
    commit(world.org_a, [2, 3, 4, 5, 6])
    response = client_for(world.office).get(reverse("partners:grouping_export", args=[2]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    assert "anna_a@example.org" in text
    assert "bertil_a@example.org" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_partner_list_exports(world, fmt):
    response = client_for(world.office).get(
        reverse("partners:organisation_export", args=[fmt]) + "?q=Alfa"
    )
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "Alfa Energi AB" in text
        assert "Beta Bygg AB" not in text
    else:
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert [row[0] for row in sheet.iter_rows(values_only=True)][1:] == ["Alfa Energi AB"]
    assert (
        client_for(world.strategic)
        .get(reverse("partners:organisation_export", args=[fmt]))
        .status_code
        == 403
    )


def test_group_relation_added_by_office_only(world):
    url = reverse("partners:group_relation_add", args=[world.org_a.pk])
    data = {"kind": "parent_of", "to_organisation": str(world.org_b.pk)}
    before = _snapshot()
    assert client_for(world.contact_a).post(url, data).status_code == 403
    assert _snapshot() == before
    client_for(world.office).post(url, data)
    assert GroupRelation.objects.filter(
        from_organisation=world.org_a, to_organisation=world.org_b
    ).exists()


def test_group_relation_years_are_kept_and_shown_and_a_reversed_span_refused(world):
    url = reverse("partners:group_relation_add", args=[world.org_a.pk])
    office = client_for(world.office)
    data = {"kind": "included_in_report_of", "to_organisation": str(world.org_b.pk)}
    office.post(url, {**data, "from_year": "2024", "to_year": "2022"})
    assert not GroupRelation.objects.exists()
    office.post(url, {**data, "from_year": "2022", "to_year": "2023"})
    relation = GroupRelation.objects.get()
    assert (relation.from_year, relation.to_year) == (2022, 2023)
    page = office.get(world.org_a.get_absolute_url()).content.decode()
    assert "(2022–2023)" in page


def test_partner_contact_cannot_change_the_organisation_number(world):
    number = world.org_a.organisation_number
    client_for(world.contact_a).post(
        reverse("partners:organisation_update", args=[world.org_a.pk]),
        _edit_data(world.org_a, organisation_number="556036-0793", sector="Ny bransch"),
    )
    world.org_a.refresh_from_db()
    assert world.org_a.sector == "Ny bransch"
    assert world.org_a.organisation_number == number


@pytest.mark.parametrize(
    "model",
    [
        "organisation",
        "contactperson",
        "membership",
        "organisationstatuschange",
        "grouprelation",
        "declaration",
        "commitmentset",
        "commitment",
        "commitmentchange",
    ],
)
def test_admin_lists_every_model_with_search(world, model):
    commit(world.org_a, [1, 2, 3, 4, 5])
    response = client_for(world.superuser).get(
        reverse(f"admin:partners_{model}_changelist") + "?q=Alfa"
    )
    assert response.status_code == 200
    assert 'id="searchbar"' in response.content.decode()


def test_partner_list_rows_show_challenges_declaration_and_status_in_text(world):
    commit(world.org_a, [1, 2, 3, 4, 5])
    commit(world.org_b, [1, 2], confirmed=False)
    Declaration.objects.create(
        organisation=world.org_a, period=_period(), signed_on="2023-02-01", signatory_name="Vd"
    )
    html = client_for(world.office).get(reverse("partners:organisation_list")).content.decode()
    row_a = html[html.index("Alfa Energi AB") : html.index("</tr>", html.index("Alfa Energi AB"))]
    row_b = html[html.index("Beta Bygg AB") : html.index("</tr>", html.index("Beta Bygg AB"))]
    assert ">5<" in row_a
    assert "Finns" in row_a
    assert "Aktiv" in row_a
    assert '2 <span class="small">(utkast)</span>' in row_b
    assert "Saknas" in row_b


def test_a_partner_sees_its_parent_named_but_not_linked_to_a_page_it_cannot_open(world):
    services.add_group_relation(
        from_organisation=world.org_b,
        to_organisation=world.org_a,
        kind="parent_of",
        by=world.office,
    )
    parent_url = world.org_b.get_absolute_url()
    partner_page = client_for(world.contact_a).get(world.org_a.get_absolute_url()).content.decode()
    assert world.org_b.name in partner_page
    assert f'href="{parent_url}"' not in partner_page
    assert client_for(world.contact_a).get(parent_url).status_code == 404
    office_page = client_for(world.office).get(world.org_a.get_absolute_url()).content.decode()
    assert f'href="{parent_url}"' in office_page
