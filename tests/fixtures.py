"""Shared fixtures: one user per role and two organisations, A and B.

The roles are those of the access matrix (issue 7): anonymous, superuser, office staff, strategic
group, two contacts of organisation A (a submitter and a contributor), a contact of organisation B,
and an inactive user who once was A's contact.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from accounts import policy
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from partners.models import Organisation
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from roadmap.services import load_reference_data
from security.testing import verify_client


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    superuser: User
    office: User
    strategic: User
    contact_a: User  # submitter of A
    contact_a2: User  # contributor of A
    contact_b: User  # submitter of B
    inactive: User

    def users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "superuser": self.superuser,
            "office": self.office,
            "strategic": self.strategic,
            "contact_a": self.contact_a,
            "contact_a2": self.contact_a2,
            "contact_b": self.contact_b,
            "inactive": self.inactive,
        }


def _contact(
    username: str, organisation: Organisation, *, submitter: bool, active: bool = True
) -> User:
    user = UserFactory(username=username, is_active=active)
    contact = ContactPersonFactory(user=user, email=f"{username}@example.org")
    MembershipFactory(
        contact=contact,
        organisation=organisation,
        is_survey_submitter=submitter,
        is_main_contact=submitter,
    )
    return user


@pytest.fixture
def reference_data(db: None) -> None:
    load_reference_data()


@pytest.fixture
def world(reference_data: None) -> World:
    org_a = OrganisationFactory(name="Alfa Energi AB")
    org_b = OrganisationFactory(name="Beta Bygg AB")
    return World(
        org_a=org_a,
        org_b=org_b,
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        office=UserFactory(username="kansli", is_office_staff=True, is_staff=True),
        strategic=UserFactory(username="strateg", is_strategic_group=True),
        contact_a=_contact("anna_a", org_a, submitter=True),
        contact_a2=_contact("bertil_a", org_a, submitter=False),
        contact_b=_contact("cecilia_b", org_b, submitter=True),
        inactive=_contact("ivar_inactive", org_a, submitter=False, active=False),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        if policy.is_office(user):  # office staff must pass TOTP (issue 7): verify the session
            verify_client(client, user)
    return client


@pytest.fixture
def office_client(world: World) -> Client:
    return client_for(world.office)


@pytest.fixture
def strategic_client(world: World) -> Client:
    return client_for(world.strategic)


@pytest.fixture
def contact_a_client(world: World) -> Client:
    return client_for(world.contact_a)


@pytest.fixture
def contact_b_client(world: World) -> Client:
    return client_for(world.contact_b)


@pytest.fixture
def password() -> str:
    return PASSWORD
