"""Issue 17 point 7: the history sections show what the audit trail holds about the page's
subject, under a heading, newest first, as "who, when, what changed" in words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from activities.models import Activity, Participation
from activities.tests.factories import activity_with_team
from audit import selectors
from audit.context import acting_as
from partners.models import CommitmentSet, Organisation
from roadmap.models import Challenge, PartnershipPeriod
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    """The history section of a page, tags stripped to the words a person reads."""
    assert 'data-testid="audit-history"' in html, "the page has no history section"
    section = html.split('data-testid="audit-history"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))


def _period() -> PartnershipPeriod:
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    return period


def test_the_organisation_page_shows_edits_of_details_and_commitments(world: World) -> None:
    office = client_for(world.office)
    org = world.org_a
    response = office.post(
        reverse("partners:organisation_update", args=[org.pk]),
        {
            "name": org.name,
            "organisation_number": org.organisation_number,
            "kind": Organisation.Kind.PUBLIC_BODY,
            "sector": org.sector,
            "city": "Vindeln",
            "version": str(org.version),
        },
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get(number=18)
    response = office.post(
        reverse("partners:commitments_edit", args=[org.pk]) + f"?period={_period().pk}",
        {
            "version": "1",
            "save": "1",
            f"adopt_{challenge.pk}": "on",
            f"plan_{challenge.pk}": "Mindre svinn",
        },
    )
    assert response.status_code == 302
    assert CommitmentSet.objects.filter(organisation=org).exists()

    html = office.get(org.get_absolute_url()).content.decode()
    history = _history(html)
    assert "Ingen historik ännu." not in history
    # A heading of its own, in the page's outline.
    assert re.search(r'<h2 id="audit-history-heading"[^>]*>\s*Historik\s*</h2>', html)
    # Who (the office's name, not a user id), what: field labels, old → new, choice labels.
    office_name = world.office.get_full_name()
    assert office_name
    assert office_name in history
    assert "Ort: Umeå → Vindeln" in history
    assert "Typ: Företag → Offentlig aktör" in history
    assert "public_body" not in history
    # The commitment, with its challenge by name (a foreign key), not by id.
    assert "Klimatutmaning: 18. Minska matsvinn" in history
    assert "Mindre svinn" in history
    # Newest first: the commitment was saved after the details.
    assert history.index("Minska matsvinn") < history.index("Vindeln")


def test_the_organisation_page_shows_changes_of_its_contact_persons(world: World) -> None:
    membership = world.org_a.memberships.get(contact__user=world.contact_a2)
    contact = membership.contact
    with acting_as(world.office):
        contact.phone = "090-123 45"
        contact.save()
        membership.is_main_contact = True
        membership.save()
    history = _history(
        client_for(world.office).get(world.org_a.get_absolute_url()).content.decode()
    )
    assert "Telefon: – → 090-123 45" in history
    assert "Huvudkontakt: nej → ja" in history


def test_partners_and_the_strategic_group_see_no_history(world: World) -> None:
    with acting_as(world.office):
        world.org_a.city = "Bjurholm"
        world.org_a.save()
    for user in (world.contact_a, world.strategic):
        html = client_for(user).get(world.org_a.get_absolute_url()).content.decode()
        assert 'data-testid="audit-history"' not in html


def test_the_activity_page_shows_its_history_with_the_working_group(world: World) -> None:
    activity = activity_with_team(world.org_a, title="Cykelkampanj")
    with acting_as(world.office):
        Participation.objects.create(activity=activity, organisation=world.org_b)
        activity.lifecycle = Activity.Lifecycle.COMPLETED
        activity.save()
        Participation.objects.filter(activity=activity, organisation=world.org_b).delete()
    url = reverse("activities:activity_detail", args=[activity.pk])
    html = client_for(world.office).get(url).content.decode()
    history = _history(html)
    assert re.search(r"<h2[^>]*>\s*Historik\s*</h2>", html)
    assert "Status: Pågående → Genomförd" in history  # the lifecycle's labels, not its codes
    assert "completed" not in history
    # The working group's changes name the organisation, also after it was removed.
    assert history.count("Beta Bygg AB") >= 2
    # A partner in the working group sees the card but not the office's history.
    partner = client_for(world.contact_a).get(url).content.decode()
    assert 'data-testid="audit-history"' not in partner


def test_describe_reads_foreign_keys_booleans_and_bulk_objects_by_name(world: World) -> None:
    with acting_as(world.office):
        Organisation.objects.filter(pk=world.org_a.pk).update(city="Nordmaling")
    (entry,) = selectors.describe(
        [e for e in selectors.history_for(world.org_a) if e.bulk and e.action == "update"][:1]
    )
    assert entry["object"] == "Alfa Energi AB"  # not "organisation #12"
    assert entry["changes"] == [{"field": "Ort", "old": "Umeå", "new": "Nordmaling"}]
    assert entry["actor"] == world.office.get_full_name()


def test_the_history_reads_after_a_person_is_erased(world: World) -> None:
    membership = world.org_a.memberships.get(contact__user=world.contact_a2)
    contact = membership.contact
    name = contact.full_name
    with acting_as(world.contact_a2):
        world.org_a.city = "Hörnefors"
        world.org_a.save()
    with acting_as(world.office):
        contact.phone = "090-765 43"
        contact.save()
    office = client_for(world.office)
    erased = office.post(reverse("audit:contact_erase", args=[contact.pk]), {"confirm": "on"})
    assert erased.status_code == 302
    response = office.get(world.org_a.get_absolute_url())
    assert response.status_code == 200
    history = _history(response.content.decode())
    assert "Ort: Umeå → Hörnefors" in history
    assert name not in history
    assert "090-765 43" not in history


def test_the_organisation_history_is_not_drowned_by_survey_answers(world: World) -> None:
    """The survey's answers are the organisation's rows too, but its page does not show them;
    one edit of the organisation must stay visible among hundreds of saved answers."""
    from reporting.tests.factories import seed_report_data

    seed_report_data(world.org_a, world.org_b)
    with acting_as(world.office):
        Organisation.objects.filter(pk=world.org_a.pk).update(city="Holmsund")
    entries = list(selectors.history_for(world.org_a))
    assert entries
    assert "surveys" not in {e.content_type.app_label for e in entries}
    assert "Holmsund" in _history(
        client_for(world.office).get(world.org_a.get_absolute_url()).content.decode()
    )


def test_a_sector_in_the_history_reads_in_the_pages_language(world: World) -> None:
    """The sector is reference data with an English name: the English history shows it."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("load_reference_data")
    with acting_as(world.office):
        org = Organisation.objects.get(pk=world.org_a.pk)
        org.sector = "Utbildning och forskning"
        org.save()
    office = client_for(world.office)
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    history = _history(office.get(world.org_a.get_absolute_url()).content.decode())
    assert "Education and research" in history
    assert "Utbildning och forskning" not in history
