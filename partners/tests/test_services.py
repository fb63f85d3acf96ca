"""Services: what each write leaves in the database, and the messages users see."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from partners import services
from partners.models import (
    CommitmentChange,
    CommitmentSet,
    ContactPerson,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from partners.tests.factories import (
    ContactPersonFactory,
    MembershipFactory,
    pdf_bytes,
)
from roadmap.models import Challenge, Goal, PartnershipPeriod

pytestmark = pytest.mark.django_db


def _entries(*numbers: int, plan: str = "Plan") -> dict[Challenge, services.CommitmentEntry]:
    return {
        c: services.CommitmentEntry(plan=f"{plan} {c.number}")
        for c in Challenge.objects.filter(number__in=numbers)
    }


@pytest.fixture
def period(reference_data: None) -> PartnershipPeriod:
    found = PartnershipPeriod.objects.order_by("-start_year").first()
    assert found is not None
    return found


def test_create_organisation_normalises_number_and_starts_history(world):
    org = services.create_organisation(
        by=world.office,
        name="Gamma AB",
        organisation_number="5560360793",
        kind=Organisation.Kind.COMPANY,
        status=Organisation.Status.SIGNED,
    )
    assert org.organisation_number == "556036-0793"
    history = list(org.status_changes.values_list("status", flat=True))
    assert history == ["signed"]


def test_create_organisation_rejects_duplicate_number(world):
    with pytest.raises(ValidationError) as exc:
        services.create_organisation(
            by=world.office,
            name="Kopia",
            organisation_number=world.org_a.organisation_number.replace("-", ""),
            kind=Organisation.Kind.COMPANY,
        )
    assert "finns redan" in str(exc.value)
    assert Organisation.objects.filter(name="Kopia").count() == 0


def test_create_organisation_rejects_bad_checksum(world):
    with pytest.raises(ValidationError, match="kontrollsiffra"):
        services.create_organisation(
            by=world.office, name="Fel", organisation_number="556036-0794", kind="company"
        )
    assert not Organisation.objects.filter(name="Fel").exists()


def test_status_change_is_dated_kept_and_not_repeated(world):
    org = world.org_a
    first = services.change_organisation_status(
        organisation=org, status="paused", changed_on=datetime.date(2024, 5, 1), by=world.office
    )
    again = services.change_organisation_status(
        organisation=org, status="paused", changed_on=datetime.date(2024, 6, 1), by=world.office
    )
    assert first is not None
    assert first.previous_status == "active"
    assert again is None  # repeating a post adds no duplicate history
    org.refresh_from_db()
    assert org.status == "paused"
    assert OrganisationStatusChange.objects.filter(organisation=org).count() == 1


def test_update_organisation_detects_concurrent_edit(world):
    org = world.org_a
    services.update_organisation(
        organisation=org, data={"sector": "Fastigheter"}, expected_version=1, by=world.office
    )
    stale = Organisation.objects.get(pk=org.pk)
    with pytest.raises(services.ConcurrentEditError):
        services.update_organisation(
            organisation=stale, data={"sector": "Bygg"}, expected_version=1, by=world.contact_a
        )
    org.refresh_from_db()
    assert org.sector == "Fastigheter"
    assert org.version == 2


def test_add_contact_reuses_a_person_known_from_another_organisation(world):
    person = ContactPerson.objects.get(
        pk=ContactPersonFactory(email="delad@example.org", first_name="Berit", phone="").pk
    )
    MembershipFactory(contact=person, organisation=world.org_b)
    membership = services.add_contact(
        organisation=world.org_a,
        data={
            "first_name": "Annat",
            "last_name": "Namn",
            "email": "DELAD@example.org",
            "phone": "090-123",
            "is_main_contact": True,
        },
        by=world.office,
    )
    person.refresh_from_db()
    assert membership.contact == person
    assert person.first_name == "Berit"  # B's data is not overwritten from A's form
    assert person.phone == "090-123"  # but blanks are filled in
    assert set(person.organisations.values_list("pk", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }


def test_add_contact_twice_is_refused(world):
    data = {"first_name": "A", "last_name": "B", "email": "ny@example.org"}
    services.add_contact(organisation=world.org_a, data=data, by=world.office)
    with pytest.raises(ValidationError, match="redan kontaktperson"):
        services.add_contact(organisation=world.org_a, data=data, by=world.office)
    assert Membership.objects.filter(contact__email="ny@example.org").count() == 1


def test_invite_contact_creates_login_and_queues_one_time_link(
    world, client, django_capture_on_commit_callbacks
):
    contact = ContactPersonFactory(email="inbjuden@example.org", first_name="Ida")
    MembershipFactory(contact=contact, organisation=world.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_contact(contact=contact, base_url="https://kf.example/", by=world.office)
    contact.refresh_from_db()
    assert contact.user is not None
    assert not contact.user.has_usable_password()
    assert contact.invited_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["inbjuden@example.org"]
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    assert link.startswith("https://kf.example/accounts/reset/")
    # The link opens Django's set-password page, which redirects to its token-less form.
    path = link.removeprefix("https://kf.example")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert "new_password1" in response.content.decode()


def test_save_commitments_draft_with_fewer_than_five(world, period):
    commitment_set = services.get_or_create_commitment_set(organisation=world.org_a, period=period)
    services.save_commitments(
        commitment_set=commitment_set,
        entries=_entries(1, 2),
        expected_version=1,
        confirm=False,
        by=world.contact_a,
    )
    assert commitment_set.status == CommitmentSet.Status.DRAFT
    assert commitment_set.commitments.count() == 2


def test_confirming_fewer_than_five_is_refused_and_changes_nothing(world, period):
    commitment_set = services.get_or_create_commitment_set(organisation=world.org_a, period=period)
    with pytest.raises(ValidationError) as exc:
        services.save_commitments(
            commitment_set=commitment_set,
            entries=_entries(1, 2, 3, 4),
            expected_version=1,
            confirm=True,
            by=world.contact_a,
        )
    assert "minst 5 klimatutmaningar" in exc.value.messages[0]
    assert "nu är 4 valda" in exc.value.messages[0]
    assert commitment_set.commitments.count() == 0
    assert not CommitmentChange.objects.exists()
    commitment_set.refresh_from_db()
    assert commitment_set.status == CommitmentSet.Status.DRAFT


def test_confirm_records_history_and_repeating_changes_nothing(world, period):
    commitment_set = services.get_or_create_commitment_set(organisation=world.org_a, period=period)
    services.save_commitments(
        commitment_set=commitment_set,
        entries=_entries(1, 2, 3, 4, 5),
        expected_version=1,
        confirm=True,
        by=world.contact_a,
    )
    assert commitment_set.status == CommitmentSet.Status.CONFIRMED
    assert commitment_set.confirmed_by == world.contact_a
    assert commitment_set.version == 2
    changes = CommitmentChange.objects.filter(commitment_set=commitment_set)
    assert changes.filter(action="added").count() == 5
    assert changes.filter(action="confirmed").count() == 1
    services.save_commitments(
        commitment_set=commitment_set,
        entries=_entries(1, 2, 3, 4, 5),
        expected_version=2,
        confirm=True,
        by=world.contact_a,
    )
    assert commitment_set.version == 2
    assert changes.count() == 6
    # Replacing one challenge and changing a plan is recorded as such.
    entries = _entries(1, 2, 3, 4, 6)
    entries[Challenge.objects.get(number=1)] = services.CommitmentEntry(plan="Ny plan")
    services.save_commitments(
        commitment_set=commitment_set,
        entries=entries,
        expected_version=2,
        confirm=True,
        by=world.office,
    )
    assert set(
        changes.values_list("action", "challenge__number").filter(changed_by=world.office)
    ) == {
        ("removed", 5),
        ("added", 6),
        ("changed", 1),
    }


def test_save_commitments_refuses_stale_version(world, period):
    commitment_set = services.get_or_create_commitment_set(organisation=world.org_a, period=period)
    services.save_commitments(
        commitment_set=commitment_set,
        entries=_entries(1),
        expected_version=1,
        confirm=False,
        by=None,
    )
    with pytest.raises(services.ConcurrentEditError):
        services.save_commitments(
            commitment_set=commitment_set,
            entries=_entries(2),
            expected_version=1,
            confirm=False,
            by=None,
        )
    assert list(commitment_set.commitments.values_list("challenge__number", flat=True)) == [1]


def test_record_declaration_stores_pdf_privately(world, period, settings):
    declaration = services.record_declaration(
        organisation=world.org_a,
        period=period,
        signed_on=datetime.date(2023, 3, 1),
        signatory_name="Vera Vd",
        document=SimpleUploadedFile("anything.exe", pdf_bytes(), "application/pdf"),
        goals=Goal.objects.filter(code="impact-1"),
        by=world.office,
    )
    assert declaration.document.name.startswith(f"declarations/{world.org_a.pk}/{period.pk}-")
    path = Path(declaration.document.path)
    assert path.read_bytes().startswith(b"%PDF-")
    # On the private storage: outside MEDIA_ROOT, so no URL maps to it.
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert list(declaration.goals.values_list("code", flat=True)) == ["impact-1"]


def test_declaration_uploader_is_who_brought_the_file_not_the_last_editor(world, period):
    """A GDPR erasure removes a person's uploads; editing the signatory must not make the
    editor the owner of someone else's signed PDF."""
    first = services.record_declaration(
        organisation=world.org_a,
        period=period,
        signed_on=datetime.date(2023, 3, 1),
        signatory_name="Vera Vd",
        document=SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"),
        by=world.contact_a,
    )
    edited = services.record_declaration(
        organisation=world.org_a,
        period=period,
        signed_on=datetime.date(2023, 3, 2),
        signatory_name="Vera Vd",
        by=world.office,
    )
    assert edited.pk == first.pk
    assert edited.uploaded_by == world.contact_a


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf", "inte en PDF"),
        (b"%PDF-1.4\nbroken", "går inte att öppna"),
    ],
)
def test_record_declaration_rejects_non_pdf(world, period, content, message):
    with pytest.raises(ValidationError, match=message):
        services.record_declaration(
            organisation=world.org_a,
            period=period,
            signed_on=datetime.date(2023, 3, 1),
            signatory_name="Vera",
            document=SimpleUploadedFile("a.pdf", content, "application/pdf"),
            by=world.office,
        )
    assert not Declaration.objects.exists()


@override_settings(PARTNERS_DECLARATION_MAX_BYTES=100)
def test_record_declaration_rejects_oversized_pdf(world, period):
    with pytest.raises(ValidationError, match="för stor"):
        services.record_declaration(
            organisation=world.org_a,
            period=period,
            signed_on=datetime.date(2023, 3, 1),
            signatory_name="Vera",
            document=SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"),
            by=world.office,
        )
    assert not Declaration.objects.exists()


def test_group_relation_is_idempotent_and_not_to_itself(world):
    for _ in range(2):
        services.add_group_relation(
            from_organisation=world.org_a,
            to_organisation=world.org_b,
            kind=GroupRelation.Kind.PARENT_OF,
            by=world.office,
        )
    assert GroupRelation.objects.count() == 1
    with pytest.raises(ValidationError):
        services.add_group_relation(
            from_organisation=world.org_a,
            to_organisation=world.org_a,
            kind=GroupRelation.Kind.PARENT_OF,
            by=world.office,
        )


def test_remove_contact_deactivates_membership_and_access(world):
    from accounts import policy

    membership = Membership.objects.get(contact__user=world.contact_a2)
    services.remove_contact(membership=membership, by=world.office)
    membership.refresh_from_db()
    assert membership.is_active is False
    assert ContactPerson.objects.filter(user=world.contact_a2).exists()
    world.contact_a2.__dict__.pop("_kf_organisation_ids", None)
    assert world.org_a.pk not in policy.organisation_ids(world.contact_a2)
