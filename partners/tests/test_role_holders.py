"""Red-team finding 1 on issue 15: a role holder's identity and invitation belong to whoever
grants the role. A contributor who could re-address the organisation's main contact (a person
without a login) and invite that address would sign in as the main contact, roles and all.
And a partner cannot make a contact record out of someone else's login address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from outbox.models import OutgoingEmail
from partners import services
from partners.models import ContactPerson, Membership
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def _greta(world: World, **roles: bool) -> Membership:
    return MembershipFactory(
        contact=ContactPersonFactory(
            first_name="Greta", last_name="Hedlund", email="greta@example.org"
        ),
        organisation=world.org_a,
        **roles,
    )


def _edit(membership: Membership, by: User, **changes: str) -> None:
    contact = membership.contact
    data = {k: getattr(contact, k) for k in services.CONTACT_FIELDS} | changes
    services.update_contact(membership=membership, data=data, by=by)


@pytest.mark.parametrize("role", ["is_main_contact", "is_survey_submitter"])
def test_a_contributor_cannot_readdress_rename_or_invite_a_role_holder(
    world: World, role: str
) -> None:
    greta = _greta(world, **{role: True})
    contributor = world.contact_a2  # bertil_a: no roles
    for field, value in (("email", "bertil.privat@example.org"), ("first_name", "Bertil")):
        with pytest.raises(ValidationError) as refused:
            _edit(greta, contributor, **{field: value})
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.invite_contact(contact=greta.contact, by=contributor)
    greta.contact.refresh_from_db()
    assert greta.contact.email == "greta@example.org"
    assert greta.contact.user is None
    assert not OutgoingEmail.objects.exists()


def test_a_contributor_cannot_strip_the_role_first_and_then_readdress(world: World) -> None:
    greta = _greta(world, is_main_contact=True)
    with pytest.raises(ValidationError):
        _edit(greta, world.contact_a2, is_main_contact="")
    with pytest.raises(ValidationError):
        services.remove_contact(membership=greta, by=world.contact_a2)
    greta.refresh_from_db()
    assert greta.is_main_contact
    assert greta.is_active


def test_the_main_contact_and_the_office_readdress_and_invite_a_role_holder(
    world: World, django_capture_on_commit_callbacks
) -> None:
    greta = _greta(world, is_survey_submitter=True)
    _edit(greta, world.contact_a, email="greta.hedlund@example.org")  # anna_a: main contact
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_contact(contact=greta.contact, by=world.contact_a)
    greta.contact.refresh_from_db()
    assert greta.contact.user is not None
    assert greta.contact.user.email == "greta.hedlund@example.org"
    (invitation,) = OutgoingEmail.objects.all()
    assert invitation.to == ["greta.hedlund@example.org"]
    assert invitation.link_user == greta.contact.user
    other = _greta(world, is_main_contact=True)  # a second role holder, for the office
    _edit(other, world.office, email="greta2@example.org")
    services.invite_contact(contact=other.contact, by=world.office)


def test_a_contributor_still_invites_a_colleague_without_a_role(
    world: World, django_capture_on_commit_callbacks
) -> None:
    colleague = _greta(world)
    _edit(colleague, world.contact_a2, email="greta.ny@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_contact(contact=colleague.contact, by=world.contact_a2)
    assert OutgoingEmail.objects.get().to == ["greta.ny@example.org"]


def test_a_person_holding_a_role_at_another_organisation_is_invited_only_by_its_granter(
    world: World,
) -> None:
    """Shared person: main contact of B, plain contact of A. A's main contact may not invite
    her (the login would act as B's main contact); B's main contact may."""
    greta = _greta(world)
    MembershipFactory(contact=greta.contact, organisation=world.org_b, is_main_contact=True)
    with pytest.raises(ValidationError):
        services.invite_contact(contact=greta.contact, by=world.contact_a)
    services.invite_contact(contact=greta.contact, by=world.contact_b)
    assert OutgoingEmail.objects.get().to == ["greta@example.org"]


@pytest.mark.parametrize("who", ["strategic", "office", "superuser"])
def test_a_partner_cannot_add_a_contact_with_the_address_of_a_login(world: World, who: str) -> None:
    """The login is linked to no contact with that address; a made-up contact with it would
    look like that person, and erasing it would blank the real person's outbox and log."""
    login = (
        User.objects.create_superuser("rot-admin", "rot-admin@example.org", "x")
        if who == "superuser"
        else getattr(world, who)
    )
    for spelling in (login.email, login.email.upper()):
        with pytest.raises(ValidationError) as refused:
            services.add_contact(
                organisation=world.org_a,
                data={"first_name": "Falsk", "last_name": "Person", "email": spelling},
                by=world.contact_a,
            )
        assert "email" in refused.value.message_dict
    assert not ContactPerson.objects.filter(email__iexact=login.email).exists()
    # Nor by changing an existing contact's address to it.
    colleague = _greta(world)
    with pytest.raises(ValidationError):
        _edit(colleague, world.contact_a, email=login.email)


def test_the_office_adds_a_contact_for_a_login_but_not_for_the_superuser(world: World) -> None:
    root = User.objects.create_superuser("rot-admin", "rot-admin@example.org", "x")
    services.add_contact(
        organisation=world.org_a,
        data={"first_name": "Stina", "last_name": "Strateg", "email": world.strategic.email},
        by=world.office,
    )
    with pytest.raises(ValidationError):
        services.add_contact(
            organisation=world.org_a,
            data={"first_name": "Rot", "last_name": "Admin", "email": root.email},
            by=world.office,
        )
    services.add_contact(
        organisation=world.org_a,
        data={"first_name": "Rot", "last_name": "Admin", "email": root.email},
        by=root,
    )
