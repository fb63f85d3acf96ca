import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import policy
from accounts.policy import Role
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def test_roles_follow_flags_and_memberships(world: World) -> None:
    assert policy.roles(world.superuser) >= {Role.SUPERUSER, Role.OFFICE}
    assert policy.roles(world.office) == {Role.OFFICE}
    assert policy.roles(world.strategic) == {Role.STRATEGIC}
    assert policy.roles(world.contact_a) == {Role.PARTNER}
    assert policy.roles(world.inactive) == {Role.ANONYMOUS}
    assert policy.roles(AnonymousUser()) == {Role.ANONYMOUS}


def test_a_contact_reaches_only_its_own_organisation(world: World) -> None:
    assert policy.organisation_ids(world.contact_a) == {world.org_a.pk}
    assert policy.can(world.contact_a, "partners.change_organisation", world.org_a)
    assert not policy.can(world.contact_a, "partners.change_organisation", world.org_b)
    assert not policy.can(world.contact_b, "partners.view_organisation_private", world.org_a)


def test_inactive_and_anonymous_users_may_do_nothing(world: World) -> None:
    for action in policy.RULES:
        assert not policy.can(world.inactive, action, world.org_a), action
        assert not policy.can(AnonymousUser(), action, world.org_a), action


def test_an_unknown_action_is_an_error_not_a_silent_answer(world: World) -> None:
    with pytest.raises(KeyError):
        policy.can(world.office, "partners.chnage_organisation")


def test_contact_with_two_organisations_sees_both(world: World) -> None:
    from partners.models import Membership

    Membership.objects.create(contact=world.contact_a.contact_person, organisation=world.org_b)
    world.contact_a.refresh_from_db()  # drops the per-request cache
    fresh = type(world.contact_a).objects.get(pk=world.contact_a.pk)
    assert policy.organisation_ids(fresh) == {world.org_a.pk, world.org_b.pk}


def test_organisation_ids_agree_with_the_memberships_an_ended_one_excluded(world: World) -> None:
    """A user's organisations are the active memberships of their own contact person only:
    an ended membership and another user's memberships do not count."""
    from partners.models import Membership

    Membership.objects.create(
        contact=world.contact_a.contact_person, organisation=world.org_b, is_active=False
    )
    users = [world.contact_a, world.contact_b, world.office, world.strategic]
    for user in users:
        fresh = type(user).objects.get(pk=user.pk)
        expected = set(
            Membership.objects.filter(contact__user=fresh, is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        assert policy.organisation_ids(fresh) == expected
    assert policy.organisation_ids(type(world.contact_a).objects.get(pk=world.contact_a.pk)) == {
        world.org_a.pk
    }
