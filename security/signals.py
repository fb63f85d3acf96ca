"""Remember when a session logged in, for the absolute session lifetime (security.middleware)."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

LOGIN_AT = "kf_login_at"
LAST_SEEN = "kf_last_seen"


@receiver(user_logged_in)
def remember_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


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
