"""Who is acting right now: set per request by the middleware, or explicitly by commands/tasks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)


def current_actor() -> Any:
    """The acting user (a User) or None for the system (commands, tasks, migrations).

    The middleware stores the request, not its user, so that requests which write nothing never
    load the user just for the audit trail.
    """
    actor = _actor.get()
    if actor is not None and not hasattr(actor, "is_authenticated"):  # a request
        actor = getattr(actor, "user", None)
    if actor is None or not actor.is_authenticated:
        return None
    return actor


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)
