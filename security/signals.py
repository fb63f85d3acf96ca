"""Remember when a session logged in, for the absolute session lifetime (security.middleware)."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_AT = "kf_login_at"
LAST_SEEN = "kf_last_seen"
# Set at login when the user has a confirmed TOTP device: the second factor is then asked for
# whatever the role (security.middleware.two_factor_pending).
TWO_FACTOR_ENROLLED = "kf_two_factor_enrolled"


@receiver(user_logged_in)
def remember_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    from django_otp import user_has_device

    if user_has_device(user):
        request.session[TWO_FACTOR_ENROLLED] = True


# A second factor once chosen is kept (issue 15, red-team finding 6). The flag above is written
# at login, so a session that signed in with the password before the device was confirmed would
# never be asked for it: someone who had the password would keep that session after the person
# turned the second factor on for exactly that reason. So confirming a device, wherever it
# happens (the setup page, the admin, a command), ends every session of the user that has not
# passed a second factor; the next login is asked for it. The setup page passes it before
# confirming, so the session that enrols stays (security.views.otp_setup).
_NEWLY_CONFIRMED = "_kf_newly_confirmed"


@receiver(pre_save, sender=TOTPDevice)
def note_confirmation(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    # django-otp saves the whole device on every verification: only a change to confirmed counts.
    was_confirmed = (
        not instance._state.adding
        and TOTPDevice.objects.filter(pk=instance.pk, confirmed=True).exists()
    )
    setattr(instance, _NEWLY_CONFIRMED, bool(instance.confirmed) and not was_confirmed)


@receiver(post_save, sender=TOTPDevice)
def end_password_only_sessions(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if getattr(instance, _NEWLY_CONFIRMED, False):
        setattr(instance, _NEWLY_CONFIRMED, False)
        from accounts.services import end_sessions

        end_sessions(instance.user, keep_verified=True)


# Login events (ASVS 16.3.1): UTC timestamps come from the log handler; no username or e-mail in
# clear (16.2.5), only a short keyed hash that the office can match against a known account.
auth_log = logging.getLogger("security.auth")


def _who(username: str) -> str:
    from django.conf import settings

    digest = hashlib.sha256((settings.SECRET_KEY + username.lower()).encode()).hexdigest()
    return digest[:12]


@receiver(user_logged_in)
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    auth_log.info("login succeeded user=%s id=%s", _who(user.get_username()), user.pk)


@receiver(user_login_failed)
def log_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    auth_log.warning("login failed user=%s", _who(str(credentials.get("username", ""))))


@receiver(user_logged_out)
def log_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        auth_log.info("logout id=%s", user.pk)
