"""Login security (issue 7, SEC-6/7/8/10): Argon2, lockout, two-factor, session lifetimes."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from security.testing import current_token, totp_device
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


# --- passwords ---------------------------------------------------------------------------------


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_new_passwords_are_hashed_with_argon2id_and_old_hashes_upgraded_on_login(
    world: World,
) -> None:
    assert make_password("Ett-langt-losenord-2026").startswith("argon2$argon2id$")
    user = world.strategic
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


# --- lockout (django-axes) ---------------------------------------------------------------------


def _attempt(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_five_wrong_passwords_lock_the_account_with_a_swedish_message(world: World) -> None:
    client = Client()
    statuses = [_attempt(client, "strateg", "fel-losenord") for _ in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429
    # Locked: even the right password is refused, and the form says why, in Swedish.
    response = client.post(reverse("login"), {"username": "strateg", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "För många misslyckade inloggningsförsök" in page
    assert "15 minuter" in page
    assert 'value="strateg"' in page  # the typed username is kept
    assert "_auth_user_id" not in client.session
    # Another person at the same address is not locked out (lockout is per username + IP).
    assert _attempt(client, "anna_a", PASSWORD) == 302


def test_lockout_ends_after_the_cool_off(world: World) -> None:
    client = Client()
    for _ in range(5):
        _attempt(client, "strateg", "fel-losenord")
    assert _attempt(client, "strateg", PASSWORD) == 429
    # 16 minutes later (moving the recorded attempts back instead of the clock).
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=16)
        attempt.save()
    assert _attempt(client, "strateg", PASSWORD) == 302


# --- two-factor ---------------------------------------------------------------------------------


def _password_login(user_name: str) -> Client:
    client = Client()
    assert _attempt(client, user_name, PASSWORD) == 302
    return client


@pytest.mark.parametrize("path", ["/", "/admin/", "/roadmap/"])
def test_office_staff_without_two_factor_reach_only_the_setup_page(world: World, path: str) -> None:
    client = _password_login("kansli")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_setup"))


def test_superuser_needs_two_factor_for_the_admin_site(world: World) -> None:
    totp_device(world.superuser)
    client = _password_login("root")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_verify"))


def test_partners_and_strategic_group_are_not_forced_to_two_factor(world: World) -> None:
    for username in ("anna_a", "strateg"):
        assert _password_login(username).get("/").status_code == 200


# The device throttles after a wrong code (1 s, 2 s, 4 s, ...); off here so the test need not sleep.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_office_sets_up_a_device_by_scanning_the_qr_code_and_then_works(world: World) -> None:
    client = _password_login("kansli")
    page = client.get(reverse("security:otp_setup") + "?next=/roadmap/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=world.office, confirmed=False)
    wrong = client.post(reverse("security:otp_setup"), {"token": "000000", "next": "/roadmap/"})
    assert wrong.status_code == 400
    assert "Koden stämmer inte" in wrong.content.decode()
    token = current_token(device)
    done = client.post(reverse("security:otp_setup"), {"token": token, "next": "/roadmap/"})
    assert done.status_code == 302
    assert done["Location"] == "/roadmap/"
    assert client.get("/roadmap/").status_code == 200
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_totp_code_works_only_once(world: World) -> None:
    device = totp_device(world.office)
    token = current_token(device)
    first = _password_login("kansli")
    assert first.post(reverse("security:otp_verify"), {"token": token}).status_code == 302
    assert first.get("/").status_code == 200
    second = _password_login("kansli")
    replay = second.post(reverse("security:otp_verify"), {"token": token})
    assert replay.status_code == 400
    assert second.get("/").status_code == 302


def test_verify_refuses_an_offsite_next_url(world: World) -> None:
    device = totp_device(world.office)
    client = _password_login("kansli")
    response = client.post(
        reverse("security:otp_verify"),
        {"token": current_token(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


# --- sessions -----------------------------------------------------------------------------------


def _later(seconds: int) -> mock._patch:  # type: ignore[type-arg]
    return mock.patch("security.middleware.time.time", return_value=time.time() + seconds)


def test_session_ends_after_thirty_minutes_idle(world: World) -> None:
    client = client_for(world.contact_a)
    assert client.get("/").status_code == 200
    with _later(29 * 60):
        assert client.get("/").status_code == 200
    with _later(29 * 60 + 31 * 60):
        response = client.get("/roadmap/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/").status_code == 302  # the session is gone, not just hidden


def test_session_ends_eight_hours_after_login_even_when_active(world: World) -> None:
    client = client_for(world.contact_a)
    for step in range(1, 17):  # a request every 29 minutes for almost 8 hours
        with _later(step * 29 * 60):
            assert client.get("/").status_code == 200
    with _later(8 * 60 * 60 + 60):
        assert client.get("/").status_code == 302


def test_session_key_rotates_on_login_and_dies_on_logout(world: World) -> None:
    client = Client()
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    assert _attempt(client, "anna_a", PASSWORD) == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    client.post(reverse("logout"))
    stolen = Client()
    stolen.cookies["sessionid"] = after
    assert stolen.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(world: World) -> None:
    client = client_for(world.contact_a)
    assert client.get("/").status_code == 200
    world.contact_a.is_active = False
    world.contact_a.save()
    assert client.get("/").status_code == 302


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(world: World) -> None:
    laptop = client_for(world.contact_a)
    phone = client_for(world.contact_a)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ett-helt-nytt-losenord-77",
            "new_password2": "Ett-helt-nytt-losenord-77",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
