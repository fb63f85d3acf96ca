from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from audit.context import acting_as


class ActingUserMiddleware:
    """Makes the signed-in user the actor of every audited write made while serving a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Lazy: request.user is resolved only when an audited write asks for the actor.
        with acting_as(request):
            return self.get_response(request)
