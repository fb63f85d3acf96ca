"""Issue 15, point 1: identity belongs to the person.

The account takeover found with the demo data, replayed step by step as organisation B's main
contact (in the demo: `cecilia`) against three kinds of victim: a strategic-group member without
a contact record (`strategi`), another organisation's contact (`anna`) and the superuser. Each
step must be refused or harmless: no password link for the victim's login reaches the attacker,
and the victim's e-mail and password stay as they were.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts.models import User
from audit.models import AuditEntry
from partners import services
from partners.models import ContactPerson, Membership
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

ATTACKER_MAIL = "mallory@evil.example"
LINK = re.compile(r"/accounts/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/")


def _reset_links_to(address: str) -> list[tuple[int, str]]:
    """(user id, token) of every password link mailed to ``address``."""
    found = []
    for message in mail.outbox:
        if address in message.to:
            for match in LINK.finditer(message.body):
                found.append((int(force_str(urlsafe_base64_decode(match["uid"]))), match["token"]))
    return found


def _login_state(user: User) -> tuple[str, str, bool]:
    fresh = User.objects.get(pk=user.pk)
    return (fresh.email, fresh.password, fresh.is_active)


def _replay_chain(world: World, victim_email: str, capture: Any) -> list[int]:
    """The attack, as organisation B's main contact with her own rights only. Returns the
    status codes of the four requests (none may be a server error)."""
    client = client_for(world.contact_b)
    statuses = []
    with capture(execute=True):
        # 1. Add a contact with the victim's e-mail to her own organisation.
        response = client.post(
            reverse("partners:contact_create", args=[world.org_b.pk]),
            {"first_name": "Sven", "last_name": "Strateg", "email": victim_email},
        )
        statuses.append(response.status_code)
        membership = Membership.objects.filter(
            organisation=world.org_b, contact__email__iexact=victim_email
        ).first()
        if membership is None:
            return statuses  # refused at the first step: nothing to go on with
        # 2. Invite it: the login with that e-mail must not be attached to the contact.
        statuses.append(
            client.post(reverse("partners:contact_invite", args=[membership.pk])).status_code
        )
        # 3. Change the contact's e-mail to her own address.
        statuses.append(
            client.post(
                reverse("partners:contact_update", args=[membership.pk]),
                {"first_name": "Sven", "last_name": "Strateg", "email": ATTACKER_MAIL},
            ).status_code
        )
        # 4. Invite again.
        statuses.append(
            client.post(reverse("partners:contact_invite", args=[membership.pk])).status_code
        )
    return statuses


def _assert_harmless(victim: User, before: tuple[str, str, bool]) -> None:
    assert _login_state(victim) == before, "the victim's e-mail, password or activation changed"
    links = _reset_links_to(ATTACKER_MAIL)
    victim = User.objects.get(pk=victim.pk)
    assert all(uid != victim.pk for uid, _token in links), "a password link for the victim"
    assert not any(default_token_generator.check_token(victim, t) for _uid, t in links)
    assert not ContactPerson.objects.filter(user=victim, email__iexact=ATTACKER_MAIL).exists()


def test_chain_against_the_strategic_group(world, django_capture_on_commit_callbacks):
    victim = world.strategic
    before = _login_state(victim)
    statuses = _replay_chain(world, victim.email, django_capture_on_commit_callbacks)
    # Refused at step 1 (red-team note, h13): a partner cannot make a contact record with the
    # address of a login, which would pose as that person (and a GDPR erasure of it would blank
    # the real person's outbox and login log).
    assert statuses == [200]
    _assert_harmless(victim, before)
    assert not ContactPerson.objects.filter(
        memberships__organisation=world.org_b, email__iexact=victim.email
    ).exists()


def test_step_two_is_refused_with_a_message_for_the_office(
    world, django_capture_on_commit_callbacks
):
    # Made by the office (a partner may no longer add a contact with a login's address).
    membership = services.add_contact(
        organisation=world.org_b,
        data={"first_name": "S", "last_name": "S", "email": world.strategic.email},
        by=world.office,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.contact_b).post(
            reverse("partners:contact_invite", args=[membership.pk]), follow=True
        )
    assert "Det finns redan en inloggning med e-postadressen" in response.content.decode()
    assert mail.outbox == []
    membership.contact.refresh_from_db()
    assert membership.contact.user is None


def test_chain_against_another_organisations_contact(world, django_capture_on_commit_callbacks):
    victim = world.contact_a  # submitter of A, like `anna` in the demo
    before = _login_state(victim)
    person_before = ContactPerson.objects.filter(user=victim).values().get()
    statuses = _replay_chain(world, victim.email, django_capture_on_commit_callbacks)
    assert statuses == [200]  # refused at step 1, the form shown again with the reason
    assert not Membership.objects.filter(contact__user=victim, organisation=world.org_b).exists()
    _assert_harmless(victim, before)
    assert ContactPerson.objects.filter(user=victim).values().get() == person_before


def test_chain_against_a_shared_contact(world, django_capture_on_commit_callbacks):
    """The office itself made A's contact a contact of B too: B's main contact still cannot move
    the shared person's e-mail, and an invitation goes nowhere (she has a password)."""
    victim = world.contact_a
    membership = services.add_contact(
        organisation=world.org_b, data={"email": victim.email, "first_name": "x"}, by=world.office
    )
    before = _login_state(victim)
    client = client_for(world.contact_b)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("partners:contact_update", args=[membership.pk]))
        edit = client.post(
            reverse("partners:contact_update", args=[membership.pk]),
            {"first_name": "Anna", "last_name": "Hackad", "email": ATTACKER_MAIL},
        )
        invite = client.post(reverse("partners:contact_invite", args=[membership.pk]), follow=True)
    html = page.content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*disabled', html), "e-mail field not disabled"
    assert "Bara kansliet kan ändra namn och e-post" in html
    assert edit.status_code == 302  # saved, but the disabled fields kept their values
    person = ContactPerson.objects.get(user=victim)
    assert person.email == victim.email
    assert person.last_name != "Hackad"
    # She is A's main contact: B's main contact may not invite her at all (h13, finding 1).
    assert "bara kansliet eller organisationens huvudkontakt kan bjuda in hen" in (
        invite.content.decode()
    )
    assert mail.outbox == []
    _assert_harmless(victim, before)
    # The service refuses the same change when called directly (a forged form, another view).
    with pytest.raises(ValidationError, match="Bara kansliet"):
        services.update_contact(
            membership=membership, data={"email": ATTACKER_MAIL}, by=world.contact_b
        )


def test_chain_against_the_superuser(world, django_capture_on_commit_callbacks):
    victim = world.superuser
    before = _login_state(victim)
    statuses = _replay_chain(world, victim.email, django_capture_on_commit_callbacks)
    assert all(s < 500 for s in statuses)
    _assert_harmless(victim, before)


def test_office_changes_a_persons_email_audited_and_told_to_the_old_address(
    world, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(contact__user=world.contact_a)
    old = world.contact_a.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(
            reverse("partners:contact_update", args=[membership.pk]),
            {
                "first_name": membership.contact.first_name,
                "last_name": membership.contact.last_name,
                "email": "anna.ny@alfa.example",
                "is_main_contact": "on",
                "is_survey_submitter": "on",
                "is_survey_contributor": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(pk=world.contact_a.pk)
    assert user.email == "anna.ny@alfa.example"  # password links follow the person's new address
    [notice] = [m for m in mail.outbox if m.to == [old]]
    assert "anna.ny@alfa.example" in notice.body
    assert "/accounts/reset/" not in notice.body
    entry = AuditEntry.objects.get(object_id=str(user.pk), content_type__model="user")
    assert entry.changes == {"email": [old, "anna.ny@alfa.example"]}
    assert entry.actor == world.office


def test_office_cannot_change_the_superusers_email_a_superuser_can(world):
    contact = ContactPersonFactory(user=world.superuser, email=world.superuser.email)
    membership = MembershipFactory(contact=contact, organisation=world.org_a)
    with pytest.raises(ValidationError, match="Bara kansliet"):
        services.update_contact(
            membership=membership, data={"email": "kansliets@example.org"}, by=world.office
        )
    assert User.objects.get(pk=world.superuser.pk).email == "root@example.org"
    services.update_contact(
        membership=membership, data={"email": "root2@example.org"}, by=world.superuser
    )
    assert User.objects.get(pk=world.superuser.pk).email == "root2@example.org"


def test_own_contact_without_login_stays_editable_by_the_organisation(world):
    membership = services.add_contact(
        organisation=world.org_a,
        data={"first_name": "Ny", "last_name": "Person", "email": "fel@alfa.example"},
        by=world.contact_a,
    )
    services.update_contact(
        membership=membership,
        data={"email": "ratt@alfa.example", "last_name": "Persson"},
        by=world.contact_a2,
    )
    membership.contact.refresh_from_db()
    assert (membership.contact.email, membership.contact.last_name) == (
        "ratt@alfa.example",
        "Persson",
    )


def test_invitation_goes_to_the_logins_own_address(world, django_capture_on_commit_callbacks):
    """A contact whose login has no password yet (invited, not accepted) gets the link again,
    at the login's e-mail even if the contact record says otherwise."""
    user = User.objects.create(username="vera", email="vera@alfa.example")
    user.set_unusable_password()
    user.save()
    contact = ContactPersonFactory(user=user, email="vera.annan@alfa.example")
    MembershipFactory(contact=contact, organisation=world.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_contact(contact=contact, base_url="https://kf.example/", by=world.office)
    assert [m.to for m in mail.outbox] == [["vera@alfa.example"]]
    assert _reset_links_to("vera@alfa.example")[0][0] == user.pk


def test_the_reported_chain_with_the_demo_logins(
    reference_data, django_capture_on_commit_callbacks
):
    """The report's own accounts: `cecilia` (main contact and submitter of the fifth demo
    organisation) against `strategi`, `anna` (another organisation's submitter) and `admin`."""
    from accounts.demo import create_demo_logins
    from partners.tests.factories import OrganisationFactory

    organisations = [OrganisationFactory() for _n in range(5)]
    create_demo_logins(organisations)
    cecilia = User.objects.get(username="cecilia")
    client = client_for(cecilia)
    for username in ("strategi", "anna", "admin"):
        victim = User.objects.get(username=username)
        before = _login_state(victim)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("partners:contact_create", args=[organisations[4].pk]),
                {"first_name": "X", "last_name": "Y", "email": victim.email},
            )
            membership = Membership.objects.filter(
                organisation=organisations[4], contact__email__iexact=victim.email
            ).first()
            if membership is not None:
                client.post(reverse("partners:contact_invite", args=[membership.pk]))
                client.post(
                    reverse("partners:contact_update", args=[membership.pk]),
                    {"first_name": "X", "last_name": "Y", "email": f"{username}@evil.example"},
                )
                client.post(reverse("partners:contact_invite", args=[membership.pk]))
        assert _login_state(victim) == before, username
        evil = [uid for uid, _t in _reset_links_to(f"{username}@evil.example")]
        assert victim.pk not in evil, username
        # The victim's login is attached to no contact record of cecilia's organisation.
        assert not Membership.objects.filter(
            organisation=organisations[4], contact__user=victim
        ).exists()
