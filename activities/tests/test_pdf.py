"""The printed card fits one page (an A3 poster, issue 18) with every field at its limit; the
gallery prints one card per page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from activities import models as m
from activities.models import Activity, ActivityPerson, Attachment, Milestone, Participation
from activities.tests.factories import activity_with_team
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from roadmap.models import Challenge, Cluster, Goal
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

WORDS = (
    "Klimatomställningen kräver samarbete mellan kommunen, näringslivet och föreningarna "
    "där alla partner bidrar med kunskap, tid och erfarenheter från den egna verksamheten "
)


def text(limit: int) -> str:
    """Realistic Swedish words filling exactly ``limit`` characters (the widest likely case)."""
    return (WORDS * (limit // len(WORDS) + 1))[:limit]


def pdf_pages(body: bytes) -> tuple[int, str]:
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def card_at_every_limit(world) -> Activity:
    start = timezone.localdate() - dt.timedelta(days=100)
    title = ("Jättelång titel " * 20)[: m.TITLE_MAX - 6] + " SLUT1"
    activity = Activity.objects.create(
        title=title,
        kind=Activity.Kind.EXTERNAL_PROJECT,  # the longest kind label
        purpose="".join("\n" if i % 10 == 9 else ch for i, ch in enumerate(text(m.PURPOSE_MAX))),
        goal=text(m.GOAL_MAX),
        outcome=text(m.OUTCOME_MAX),
        funding=text(m.FUNDING_MAX),
        indicators=text(m.INDICATORS_MAX),
        links="\n".join(
            f"https://www.example.org/{'a' * (m.LINKS_MAX // m.MAX_LINKS - 30)}/{i}"
            for i in range(m.MAX_LINKS)
        )[: m.LINKS_MAX],
        start_date=start,
        end_date=start + dt.timedelta(days=700),
        lifecycle=Activity.Lifecycle.ONGOING,
        learning_and_sharing=True,
    )
    activity.challenges.set(
        sorted(Challenge.objects.all(), key=lambda c: -len(c.name))[: m.MAX_CHALLENGES]
    )
    cluster = Cluster.objects.create(code="lang", name_sv="Hållbart byggande och förvaltande")
    activity.clusters.set([cluster])
    activity.goals.set(Goal.objects.all())
    for i in range(m.MAX_PARTICIPANTS):
        org = OrganisationFactory(
            name=f"Västerbottens Långa Organisationsnamn Nummer {i} Aktiebolag"
        )
        Participation.objects.create(activity=activity, organisation=org, is_lead=i == 0)
        if i < m.MAX_PEOPLE:
            contact = ContactPersonFactory(
                first_name="Maria-Kristina", last_name=f"Andersson-Lindqvist{i}"
            )
            MembershipFactory(contact=contact, organisation=org)
            ActivityPerson.objects.create(activity=activity, contact=contact, role=text(m.ROLE_MAX))
    for i in range(m.MAX_MILESTONES):
        Milestone.objects.create(
            activity=activity,
            title=text(m.MILESTONE_TITLE_MAX),
            due_date=start + dt.timedelta(days=30 * (i + 1)),
            done_on=start + dt.timedelta(days=30 * (i + 1)) if i < 3 else None,
        )
    for i in range(m.MAX_ATTACHMENTS):
        Attachment.objects.create(
            activity=activity, title=text(m.ATTACHMENT_TITLE_MAX - 2) + f" {i}", file=f"x{i}.pdf"
        )
    # Every text at its limit (the purpose with a line break every 10 characters, which the
    # print ignores), and still valid: one character more would be refused.
    assert len(activity.purpose) == m.PURPOSE_MAX
    activity.full_clean()
    return activity


def test_a_card_with_every_field_at_its_limit_prints_on_exactly_one_page(
    world, card_at_every_limit
):
    response = client_for(world.office).get(
        reverse("activities:activity_card_pdf", args=[card_at_every_limit.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, content = pdf_pages(response.content)
    assert pages == 1
    assert "SLUT1" in content  # the title's end made it onto the page
    assert "Delmål" in content
    assert "Arbetsgrupp" in content


def test_the_gallery_prints_one_page_per_selected_card(world, card_at_every_limit):
    others = [
        activity_with_team(world.org_a, title=f"Galleri {i}", is_shared=True) for i in range(2)
    ]
    ids = [card_at_every_limit.pk, *(a.pk for a in others)]
    response = client_for(world.strategic).get(reverse("activities:gallery_pdf"), {"ids": ids})
    pages, content = pdf_pages(response.content)
    assert pages == 3
    assert "Galleri 0" in content
    assert "Galleri 1" in content


def test_the_gallery_without_a_selection_prints_the_filtered_list(world):
    activity_with_team(world.org_a, title="Vald", kind=Activity.Kind.INVESTIGATION)
    activity_with_team(world.org_a, title="Inte vald", kind=Activity.Kind.CONSULTANCY)
    response = client_for(world.office).get(
        reverse("activities:gallery_pdf"), {"kind": "investigation"}
    )
    pages, content = pdf_pages(response.content)
    assert pages == 1
    assert "Vald" in content
    assert "Inte vald" not in content


def test_partner_contacts_cannot_print_the_gallery_but_can_print_their_card(world):
    a = activity_with_team(world.org_a, title="Alfas kort")
    client = client_for(world.contact_a)
    assert client.get(reverse("activities:gallery_pdf"), {"ids": [a.pk]}).status_code == 403
    pages, content = pdf_pages(
        client.get(reverse("activities:activity_card_pdf", args=[a.pk])).content
    )
    assert pages == 1
    assert "Alfas kort" in content
    assert (
        client_for(world.contact_b)
        .get(reverse("activities:activity_card_pdf", args=[a.pk]))
        .status_code
        == 404
    )
