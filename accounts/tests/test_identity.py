"""Issue 15 on logins: sessions end when a password is reset or a login activated, a second
factor once chosen is kept, password-reset requests are rate-limited, and only a superuser
manages a superuser."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tests.factories import PASSWORD
from audit.models import AuditEntry
from partners import services as partner_services
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from security.testing import current_token, totp_device
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ett-helt-nytt-losenord-77"


def _set_password_through_link(user: User, password: str = NEW_PASSWORD) -> Client:
    """Follow a password link as its recipient would, in a fresh browser."""
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    return client


# --- sessions (point 4 of the issue) -------------------------------------------------------------


def test_resetting_the_password_ends_every_session(world: World) -> None:
    laptop = client_for(world.contact_a)
    assert laptop.get("/").status_code == 200
    _set_password_through_link(world.contact_a)
    response = laptop.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_accepting_an_invitation_ends_the_logins_other_sessions(
    world: World, django_capture_on_commit_callbacks
) -> None:
    contact = ContactPersonFactory(email="ny@alfa.example")
    MembershipFactory(contact=contact, organisation=world.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.invite_contact(contact=contact, base_url="http://testserver/", by=None)
    contact.refresh_from_db()
    user = contact.user
    assert user is not None
    # A session someone holds for the login before its owner chose a password; the owner
    # then follows a resent invitation (signing in changed last_login, which voids older links).
    earlier = client_for(user)
    assert earlier.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.invite_contact(contact=contact, base_url="http://testserver/", by=None)
    path = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[-1].body)
    assert path is not None
    owner = Client()
    form = owner.get(path[1], follow=True)
    owner.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert owner.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert owner.get("/").status_code == 200
    assert earlier.get("/").status_code == 302


def test_switching_a_login_off_and_on_again_does_not_revive_its_sessions(world: World) -> None:
    laptop = client_for(world.contact_a)
    assert laptop.get("/").status_code == 200
    office = client_for(world.office)
    user = world.contact_a
    assert office.post(_admin_change(user), _admin_form(user, is_active="")).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert office.post(_admin_change(user), _admin_form(user, is_active="on")).status_code == 302
    assert User.objects.get(pk=user.pk).is_active
    assert laptop.get("/").status_code == 302


def test_a_reset_leaves_no_session_of_the_login_stored(world: World) -> None:
    from django.contrib.sessions.models import Session

    client_for(world.contact_a)
    client_for(world.contact_b)

    def sessions_of(user: User) -> int:
        return sum(
            1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
        )

    assert sessions_of(world.contact_a) == 1
    _set_password_through_link(world.contact_a)
    assert sessions_of(world.contact_a) == 0
    assert sessions_of(world.contact_b) == 1  # nobody else's


# --- second factor (point 5) ---------------------------------------------------------------------


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("who", ["contact_a", "strategic"])
def test_a_partner_or_strategic_user_with_totp_is_asked_for_it_at_every_login(
    world: World, who: str
) -> None:
    user = getattr(world, who)
    device = totp_device(user)
    for _attempt in range(2):  # every login, not only the first after enrolling
        client = _password_login(user.username)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("security:otp_verify"))
        before = client.cookies[settings.SESSION_COOKIE_NAME].value
        totp_device(user)  # reset the replay guard: the same 30 s window twice
        done = client.post(reverse("security:otp_verify"), {"token": current_token(device)})
        assert done.status_code == 302
        after = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert after != before, "the session key must change after the second factor"
        assert client.get("/").status_code == 200


def test_a_partner_without_totp_is_not_asked(world: World) -> None:
    assert _password_login(world.contact_b.username).get("/").status_code == 200


def test_the_office_session_key_rotates_after_the_second_factor(world: World) -> None:
    device = totp_device(world.office)
    client = _password_login(world.office.username)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("security:otp_verify"), {"token": current_token(device)})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get("/").status_code == 200
    # The pre-verification session id is worth nothing now.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/").status_code == 302


# --- password-reset rate limit (point 6) ---------------------------------------------------------


def _request_reset(client: Client, email: str, ip: str = "192.0.2.10") -> int:
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip).status_code


@pytest.mark.parametrize("address", ["anna_a@example.org", "ingen.alls@example.org"])
def test_reset_requests_are_limited_per_address_without_telling_who_exists(
    world: World, address: str, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        # Three an hour per address (from different clients, so the client limit is not hit).
        codes = [_request_reset(client, address, ip=f"192.0.2.{n}") for n in range(1, 5)]
    assert codes == [302, 302, 302, 429]
    refused = client.post(reverse("password_reset"), {"email": address}, REMOTE_ADDR="192.0.2.9")
    assert "För många förfrågningar om nytt lösenord" in refused.content.decode()
    expected_mails = 3 if address.startswith("anna") else 0
    assert len(mail.outbox) == expected_mails


def test_reset_requests_are_limited_per_client(world: World) -> None:
    client = Client()
    codes = [_request_reset(client, f"person{n}@example.org") for n in range(21)]
    assert codes == [302] * 20 + [429]
    # Another client is not affected.
    assert _request_reset(client, "person99@example.org", ip="198.51.100.7") == 302


# --- only a superuser manages a superuser (point 1) ----------------------------------------------


def _admin_change(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _admin_form(user: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "is_strategic_group": "on" if user.is_strategic_group else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_office_cannot_reset_deactivate_or_readdress_the_superuser(world: World) -> None:
    client = client_for(world.office)
    root = world.superuser
    before = User.objects.filter(pk=root.pk).values_list("password", "is_active", "email").get()
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403
    assert (
        client.post(
            password_url,
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        ).status_code
        == 403
    )
    client.post(_admin_change(root), _admin_form(root, is_active="", email="kansli@evil.example"))
    page = client.get(_admin_change(root)).content.decode()
    assert 'name="email"' not in page  # read-only for the office
    delete = client.post(reverse("admin:accounts_user_delete", args=[root.pk]), {"post": "yes"})
    assert delete.status_code == 403
    after = User.objects.filter(pk=root.pk).values_list("password", "is_active", "email").get()
    assert after == before


def test_a_superuser_manages_the_superuser(world: World) -> None:
    other = User.objects.create_superuser("root2", "root2@example.org", PASSWORD)
    client = client_for(world.superuser)
    password_url = reverse("admin:auth_user_password_change", args=[other.pk])
    response = client.post(
        password_url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_office_readdressing_a_login_in_the_admin_is_audited_and_told(
    world: World, django_capture_on_commit_callbacks
) -> None:
    user = world.strategic
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(
            _admin_change(user), _admin_form(user, email="sven.ny@example.org")
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.email == "sven.ny@example.org"
    assert [m.to for m in mail.outbox] == [["strateg@example.org"]]
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(user.pk))
    assert entry.changes == {"email": ["strateg@example.org", "sven.ny@example.org"]}
