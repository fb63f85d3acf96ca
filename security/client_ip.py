"""The client's IP address, as the one place that decides it (issue 15, red-team finding 3).

Behind a reverse proxy every request comes from the proxy (REMOTE_ADDR), and the client is in
``X-Forwarded-For``. That header is written by whoever sends the request, so only the entries the
app's own proxies appended can be believed: each trusted proxy appends the address it received
the request from, so with N trusted proxies the client is the N-th entry from the right, and
everything to its left is the client's own (spoofable) text. With no trusted proxy (development,
or a server nobody stands in front of) the header is ignored altogether.

``settings.TRUSTED_PROXY_COUNT`` (environment variable of the same name; 0 in development, 1 in
production) says how many proxies stand in front. django-axes uses this function
(``AXES_CLIENT_IP_CALLABLE``: without django-ipware it would use REMOTE_ADDR, the proxy, and lock
every client out together), and so does the password-reset limit per client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request`` (None when the server cannot tell)."""
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer entries than proxies: the request did not pass through all of them (or one is
        # misconfigured); the only address known for sure is the one that connected.
        return remote
    return _valid(hops[-trusted]) or remote
