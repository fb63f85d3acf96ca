"""Activity participants are told apart (issue 18, point 3): each person once, with their
organisation, on the card's page and in the form that adds them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.models import ActivityPerson
from activities.tests.factories import activity_with_team
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_people_of_the_same_name_are_told_apart_by_organisation(world):
    anna = world.contact_a.contact_person
    # A name no other person of the world has (the factories draw names at random, and a third
    # "John Nilsson" once made this test fail).
    anna.first_name, anna.last_name = "Annika", "Tvillingsdotter"
    anna.save(update_fields=["first_name", "last_name"])
    twin = ContactPersonFactory(
        first_name=anna.first_name, last_name=anna.last_name, email="tvilling@example.org"
    )
    MembershipFactory(contact=twin, organisation=world.org_b)
    activity = activity_with_team(world.org_a, world.org_b)
    office = client_for(world.office)
    form = office.get(reverse("activities:person_create", args=[activity.pk])).context["form"]
    labels = [label for value, label in form.fields["contact"].choices if value]
    same_name = sorted(label for label in labels if label.startswith(anna.full_name))
    assert same_name == [f"{anna.full_name} (Alfa Energi AB)", f"{anna.full_name} (Beta Bygg AB)"]

    ActivityPerson.objects.create(activity=activity, contact=anna, role="Projektledare")
    ActivityPerson.objects.create(activity=activity, contact=twin)
    page = office.get(activity.get_absolute_url()).content.decode()
    people = page.split('data-testid="people"')[1].split("</ul>")[0]
    assert f"{anna.full_name} (Alfa Energi AB), Projektledare" in people
    assert f"{anna.full_name} (Beta Bygg AB)" in people
