"""Remember when a session logged in, for the absolute session lifetime (security.middleware)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
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
