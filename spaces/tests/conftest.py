"""Fixtures of the spaces tests: the shared ``world`` plus groupings built from commitments.

Challenge 3 (travel policy) has organisations A and B as members (confirmed commitments; A is
looking for partners on it); organisation C is committed only to challenges 17–21 and is the
non-member; D has a *draft* set with challenge 3, which does not make it a member.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from partners.models import Organisation
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from spaces import services
from spaces.models import Space
from spaces.tests.factories import commit_to
from tests.fixtures import World


@dataclass
class SpacesWorld:
    world: World
    space: Space  # challenge 3: members A and B
    other_space: Space  # challenge 17: member C
    org_c: Organisation
    contact_c: User
    org_d: Organisation
    contact_d: User


def _contact(username: str, organisation: Organisation) -> User:
    user = UserFactory(username=username)
    contact = ContactPersonFactory(user=user, email=f"{username}@example.org")
    MembershipFactory(contact=contact, organisation=organisation)
    return user


@pytest.fixture
def sw(world: World) -> SpacesWorld:
    commit_to(world.org_a, [1, 2, 3, 4, 5], looking=(3,))
    commit_to(world.org_b, [3, 6, 7, 8, 9])
    org_c = OrganisationFactory(name="Cederträ Ekonomisk Förening")
    commit_to(org_c, [17, 18, 19, 20, 21], looking=(17,))
    org_d = OrganisationFactory(name="Dalens Draft AB")
    commit_to(org_d, [3], confirmed=False)
    services.ensure_spaces()
    return SpacesWorld(
        world=world,
        space=Space.objects.get(challenge__number=3),
        other_space=Space.objects.get(challenge__number=17),
        org_c=org_c,
        contact_c=_contact("cyril_c", org_c),
        org_d=org_d,
        contact_d=_contact("doris_d", org_d),
    )
