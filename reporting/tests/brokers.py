"""Point this test process's Celery app at a broker URL (and back), without touching Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings


def _reset_pools(app: object) -> None:
    # Celery caches the connection pool and the producer pool built from the first broker URL,
    # and kombu keeps a process-wide registry of producer pools per connection.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish for real (not in-process) to ``url`` inside the block."""
    from klimatfardplan.celery import app

    old_env = os.environ.get("CELERY_BROKER_URL")
    old_eager = app.conf.task_always_eager
    _reset_pools(app)
    # Celery's conf.broker_url prefers the environment variable over every setting.
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.task_always_eager = False
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
            assert app.conf.broker_url == url
            yield
    finally:
        _reset_pools(app)
        if old_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = old_env
        app.conf.task_always_eager = old_eager
