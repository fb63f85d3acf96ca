"""Helpers for tests and benchmarks: pass the two-factor step without a phone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device, created on first use; its replay guard reset."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    elif device.last_t != -1:
        device.last_t = -1  # so that a second login within the same 30 s window is accepted
        device.save(update_fields=["last_t"])
    return device


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def verify_client(client: Client, user: Any) -> None:
    """Mark a logged-in test client's session as having passed TOTP (as django_otp.login does)."""
    device = totp_device(user)
    if client.session.get(SESSION_KEY) != str(user.pk):
        # The device was confirmed just now, which ended the password-only session (issue 15,
        # security.signals): sign in again, as the person would, with the device in place.
        client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
