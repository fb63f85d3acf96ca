"""Forms: what they accept, and that bad input comes back with a message and the typed values."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.filters import OrganisationFilterForm
from partners.forms import CommitmentsForm, DeclarationForm
from partners.models import CommitmentSet
from roadmap.models import Challenge, PartnershipPeriod

pytestmark = pytest.mark.django_db


def _commitments_form(data: dict[str, str], world) -> CommitmentsForm:
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    return CommitmentsForm(
        data,
        challenges=list(Challenge.objects.order_by("number")),
        commitment_set=CommitmentSet(organisation=world.org_a, period=period),
        commitments=[],
    )


def test_plan_without_ticking_the_challenge_is_an_error(world):
    challenge = Challenge.objects.get(number=4)
    form = _commitments_form({"version": "1", f"plan_{challenge.pk}": "Elektrifiera"}, world)
    assert not form.is_valid()
    assert "Kryssa i utmaningen" in str(form.errors[f"adopt_{challenge.pk}"])
    assert form[f"plan_{challenge.pk}"].value() == "Elektrifiera"


def test_commitment_entries_are_the_ticked_challenges(world):
    one, two = Challenge.objects.filter(number__in=[1, 2]).order_by("number")
    form = _commitments_form(
        {
            "version": "1",
            f"adopt_{one.pk}": "on",
            f"plan_{one.pk}": "Cykelpool",
            f"looking_{one.pk}": "on",
            f"plan_{two.pk}": "",
        },
        world,
    )
    assert form.is_valid(), form.errors
    entries = form.entries()
    assert list(entries) == [one]
    assert entries[one].plan == "Cykelpool"
    assert entries[one].looking_for_partners is True


def test_declaration_form_checks_pdf_content_not_name(world):
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    form = DeclarationForm(
        {"period": str(period.pk), "signed_on": "2023-01-01", "signatory_name": "Vera"},
        {"document": SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 executable", "application/pdf")},
        require_document=True,
    )
    assert not form.is_valid()
    assert "inte en PDF" in str(form.errors["document"])


def test_filter_form_select_marks_chosen_option(world):
    challenge = Challenge.objects.get(number=7)
    form = OrganisationFilterForm({"challenge": str(challenge.pk), "status": "active"})
    html = str(form["challenge"])
    assert f'<option value="{challenge.pk}" selected>' in html
    assert 'id="id_challenge"' in html
    assert form.filters().challenge == challenge
    assert form.filters().status == "active"


def test_filter_selects_share_markup_but_mark_each_forms_own_choice(world):
    """The options' markup is made once per list of choices; each form still marks only its
    own choice, and a form in English shows English labels."""
    from django.utils import translation

    first = str(OrganisationFilterForm({"status": "active"})["status"])
    second = str(OrganisationFilterForm({"status": "left"})["status"])
    unchosen = str(OrganisationFilterForm({})["status"])
    assert first.count(" selected") == second.count(" selected") == 1
    assert '<option value="active" selected>' in first
    assert '<option value="left" selected>' in second
    assert '<option value="active">' in second
    assert '<option value="" selected>Alla</option>' in unchosen
    with translation.override("en"):
        english = str(OrganisationFilterForm({"sort": "-name"})["sort"])
    assert '<option value="-name" selected>' in english
    assert "Name" in english
    assert "Namn" not in english
