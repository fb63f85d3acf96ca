"""Publishing Celery tasks without ever hanging a web request.

``task.delay()`` can block for a long time when Redis is down (celery#4296, #6046: the publish
retry policy does not cover the first connection). Every job we enqueue is therefore first saved
as a row (an email, a report job, ...), published *after commit* without retries and with short
socket timeouts, and a periodic sweep re-publishes rows still waiting. Losing a publish is then
harmless: the sweep picks it up once the broker is back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task: Any, *args: Any) -> bool:
    """Send ``task`` with ``args`` to the broker now; return False (and log) when it is down.

    With the embedded default (no broker) the task runs here, in-process, through the same code.
    """
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            task.apply(args=args, throw=True)
        else:
            task.apply_async(args=args, retry=False)
    except Exception as exc:  # kombu/redis raise many types; all mean "not published now"
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("Could not publish %s%r: %s; the sweep will retry.", task.name, args, exc)
        return False
    return True


def publish_on_commit(task: Any, *args: Any) -> None:
    """Publish after the surrounding transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: publish(task, *args), robust=True)
