"""Rate limits for unauthenticated e-mail sending (issue 15): password-reset requests, per address
(as Django compares it), per client, and in the task per login found.

Counted in Django's cache, so that every worker process (and every server behind the proxy)
shares the count when the cache is Redis, as in production; a per-process dict would let each
worker allow the limit again. A fixed window: the first request starts it, it ends after
``window`` seconds.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    max_requests: int
    window: int  # seconds


def password_reset_limits() -> tuple[Limit, Limit]:
    """Suggested values: three links an hour to one address is enough for a person who lost a
    mail; twenty an hour from one client leaves room for an office behind one NAT address."""
    return (
        Limit("address", getattr(settings, "PASSWORD_RESET_PER_ADDRESS", 3), 60 * 60),
        Limit("client", getattr(settings, "PASSWORD_RESET_PER_CLIENT", 20), 60 * 60),
    )


def per_login_limit() -> Limit:
    """Links an hour to one login, however its address was spelled in the requests (counted in
    the task that finds the login: accounts.services.send_password_reset)."""
    return Limit("login", getattr(settings, "PASSWORD_RESET_PER_ADDRESS", 3), 60 * 60)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the lockout sees it (security.client_ip: X-Forwarded-For only
    from the configured number of trusted proxies), so both see the same client."""
    from security.client_ip import client_ip as resolve

    return resolve(request) or "unknown"


def normalise_address(value: str) -> str:
    """The address as Django's reset compares it: NFKC, then case-folded (so "ſtrateg@…" with
    U+017F LONG S, or a KELVIN SIGN for "k", counts as the same address as "strateg@…")."""
    return unicodedata.normalize("NFKC", value.strip()).casefold()


def _key(limit: Limit, value: str) -> str:
    # Hashed: the cache is no place for e-mail addresses in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()
    return f"kf:throttle:{limit.name}:{digest[:32]}"


def hit(limit: Limit, value: str) -> bool:
    """Count one request for ``value``; False when it is over the limit."""
    key = _key(limit, value)
    if cache.add(key, 1, timeout=limit.window):
        return limit.max_requests >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        cache.add(key, 1, timeout=limit.window)
        count = 1
    return count <= limit.max_requests


def allow_password_reset(request: HttpRequest, email: str) -> bool:
    """Count this reset request against the address and the client; False if either is over."""
    per_address, per_client = password_reset_limits()
    address_ok = hit(per_address, normalise_address(email))
    client_ok = hit(per_client, client_ip(request))
    return address_ok and client_ok
