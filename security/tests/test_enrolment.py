"""A second factor once chosen is kept (issue 15 point 5, red-team finding 6): a session that
signed in with the password alone before the device was confirmed does not keep going."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from security.testing import current_token
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_enrolling_keeps_this_session_and_ends_the_password_only_ones(world: World) -> None:
    intruder = _signed_in(world.strategic.username)  # someone else who had the password
    owner = _signed_in(world.strategic.username)
    setup = reverse("security:otp_setup")
    assert owner.get(setup).status_code == 200
    device = TOTPDevice.objects.get(user=world.strategic, confirmed=False)
    response = owner.post(setup, {"token": current_token(device), "next": "/"})
    assert response.status_code == 302
    assert owner.get("/").status_code == 200, "the session that enrolled goes on"
    assert intruder.get("/").status_code == 302
    assert "_auth_user_id" not in intruder.session
    # Signing in again asks for the code.
    again = Client()
    again.post(reverse("login"), {"username": world.strategic.username, "password": PASSWORD})
    step = again.get("/")
    assert step.status_code == 302
    assert step["Location"].startswith(reverse("security:otp_verify"))


def test_a_verification_with_an_existing_device_ends_no_session(world: World) -> None:
    """django-otp saves the device on every verification: only the change to confirmed ends
    sessions, so a second browser in the middle of its own login is not thrown out."""
    device = TOTPDevice.objects.create(user=world.strategic, name="telefon", confirmed=True)
    waiting = Client()
    waiting.post(reverse("login"), {"username": world.strategic.username, "password": PASSWORD})
    other = Client()
    other.post(reverse("login"), {"username": world.strategic.username, "password": PASSWORD})
    verify = reverse("security:otp_verify")
    assert other.post(verify, {"token": current_token(device), "next": "/"}).status_code == 302
    assert other.get("/").status_code == 200
    assert waiting.get("/")["Location"].startswith(verify), "still signed in, asked for the code"
