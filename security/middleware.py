"""Middleware for login security and response hygiene.

* :class:`SessionLifetimeMiddleware` ends a session after ``SESSION_IDLE_TIMEOUT`` seconds without
  a request and ``SESSION_ABSOLUTE_TIMEOUT`` seconds after login, whatever the activity (ASVS
  7.3.1/7.3.2, NIST 800-63B AAL2). Django's cookie age alone cannot do both: it slides whenever
  the session is saved.
* :class:`TwoFactorRequiredMiddleware` sends office staff (and superusers) who have not passed the
  TOTP step to it, for every page including the admin site (ASVS 6.3.2).
* :class:`NoStoreMiddleware` forbids caching of every dynamic response: pages and files of signed-in
  users hold personal data and confidential figures (ASVS 14.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from accounts import policy
from security.signals import LAST_SEEN, LOGIN_AT, TWO_FACTOR_ENROLLED

# Write the last-activity time at most this often: saves a session write on most requests.
_TOUCH_EVERY = 60


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = int(session.get(LOGIN_AT) or now)
            last_seen = int(session.get(LAST_SEEN) or now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)  # flushes the session: the old cookie is worthless from now on
                messages.info(request, _("Du har loggats ut efter en tids inaktivitet."))
                return redirect_to_login(request.get_full_path())
            if LOGIN_AT not in session:
                session[LOGIN_AT] = login_at
            if now - last_seen >= _TOUCH_EVERY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Pages an unverified office user may still reach: the two-factor steps themselves and logout.
_TWO_FACTOR_EXEMPT = {
    "security:otp_setup",
    "security:otp_verify",
    "logout",
    "set_language",
    # The partnership's colour and logo (linked from every signed-in page, the 2FA step's too);
    # they carry nothing private.
    "roadmap:branding_css",
    "roadmap:branding_logo",
}


def two_factor_pending(user: Any, session: Any = None) -> bool:
    """Office staff and superusers must pass TOTP; partners and the strategic group may opt in,
    and once they have a device they are asked for it at every login (issue 15): the login
    noted in the session whether the user has one (security.signals), so no query per page. A
    session older than the device cannot lack the note: confirming a device ends the user's
    sessions that have not passed a second factor (security.signals.end_password_only_sessions)."""
    if not user.is_authenticated or (getattr(user, "is_verified", None) and user.is_verified()):
        return False
    if policy.is_office(user):
        return True
    return bool(session is not None and session.get(TWO_FACTOR_ENROLLED))


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in _TWO_FACTOR_EXEMPT:
            return None
        if not two_factor_pending(request.user, getattr(request, "session", None)):
            return None
        from django_otp import user_has_device

        name = "security:otp_verify" if user_has_device(request.user) else "security:otp_setup"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(name)}?{query}")


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Static files are served by WhiteNoise above this middleware and keep their caching.
        # A response for no signed-in user that chose its own caching keeps it (a calendar
        # feed fetched with a token by a calendar app); everything else is never stored.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
