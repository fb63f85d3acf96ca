"""Issue 15, point 2: roles are granted, not taken.

A contributor (in the world: contact_a2 of A) cannot make itself or anyone main contact or survey
submitter; the organisation's main contact (contact_a) and the office can."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import policy
from partners import services
from partners.models import Membership
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

ALL_ROLES = {
    "is_main_contact": "on",
    "is_survey_submitter": "on",
    "is_survey_contributor": "on",
    "is_communications": "on",
}


def _own_membership(world: World) -> Membership:
    return Membership.objects.select_related("contact").get(contact__user=world.contact_a2)


def _form(membership: Membership, **extra: str) -> dict[str, str]:
    contact = membership.contact
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        **extra,
    }


def test_contributor_cannot_make_itself_submitter_or_main_contact(world):
    membership = _own_membership(world)
    client = client_for(world.contact_a2)
    page = client.get(reverse("partners:contact_update", args=[membership.pk])).content.decode()
    assert re.search(r'<input[^>]*name="is_main_contact"[^>]*disabled', page)
    assert "Bara kansliet eller organisationens huvudkontakt" in page
    client.post(
        reverse("partners:contact_update", args=[membership.pk]), _form(membership, **ALL_ROLES)
    )
    membership.refresh_from_db()
    assert not membership.is_main_contact
    assert not membership.is_survey_submitter
    assert not policy.can(world.contact_a2, "surveys.submit_response", world.org_a)
    with pytest.raises(ValidationError, match="huvudkontakt"):
        services.update_contact(
            membership=membership, data={"is_survey_submitter": True}, by=world.contact_a2
        )
    membership.refresh_from_db()
    assert not membership.is_survey_submitter


def test_contributor_cannot_add_a_submitter_it_controls(world):
    client = client_for(world.contact_a2)
    client.post(
        reverse("partners:contact_create", args=[world.org_a.pk]),
        {"first_name": "Alter", "last_name": "Ego", "email": "alter@evil.example", **ALL_ROLES},
    )
    added = Membership.objects.get(contact__email="alter@evil.example")
    assert not added.is_main_contact
    assert not added.is_survey_submitter
    with pytest.raises(ValidationError):
        services.add_contact(
            organisation=world.org_a,
            data={"first_name": "A", "last_name": "B", "email": "b@evil.example",
                  "is_main_contact": True},
            by=world.contact_a2,
        )  # fmt: skip
    assert not Membership.objects.filter(contact__email="b@evil.example").exists()


def test_contributor_cannot_remove_the_main_contact(world):
    main = Membership.objects.get(contact__user=world.contact_a)
    response = client_for(world.contact_a2).post(
        reverse("partners:contact_remove", args=[main.pk]), follow=True
    )
    assert "Bara kansliet eller organisationens huvudkontakt" in response.content.decode()
    main.refresh_from_db()
    assert main.is_active


@pytest.mark.parametrize("granter", ["contact_a", "office"])
def test_main_contact_and_office_grant_the_submitter_role(world, granter):
    membership = _own_membership(world)
    response = client_for(getattr(world, granter)).post(
        reverse("partners:contact_update", args=[membership.pk]),
        _form(membership, is_survey_submitter="on", is_survey_contributor="on"),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_survey_submitter
    fresh = type(world.contact_a2).objects.get(pk=world.contact_a2.pk)
    assert policy.can(fresh, "surveys.submit_response", world.org_a)


def test_another_organisations_main_contact_grants_nothing_here(world):
    assert policy.can(world.contact_b, "partners.grant_roles", world.org_b)
    assert not policy.can(world.contact_b, "partners.grant_roles", world.org_a)
    assert not policy.can(world.contact_a2, "partners.grant_roles", world.org_a)
    assert not policy.can(world.strategic, "partners.grant_roles", world.org_a)
