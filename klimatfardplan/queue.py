"""Publishing Celery tasks without ever holding a web request.

Every job we enqueue is first saved as a row (an email, a report job, ...) and published *after
commit*. A lost publish is harmless: a periodic sweep re-publishes rows still waiting.

So a request makes **one short attempt** (issue 20 point 6: at most about 100 ms of broker
waiting). ``task.delay()`` alone can wait for seconds or forever when Redis is down (celery#4296,
#6046; kombu retries the first connection until ``broker_connection_timeout`` even with
``retry=False``), so we publish through a producer pool of our own whose connection has

- ``max_retries: 0``: kombu's connect loop gives up after the first failure (measured here: the
  app's defaults took 2.0 s per publish to a closed port);
- ``socket_connect_timeout`` 40 ms and ``socket_timeout`` 50 ms: an unreachable host or a hung
  Redis holds the request at most about 90 ms (Redis answers in well under a millisecond on a
  LAN; a publish that misses these limits on a bad moment is not lost, the sweep sends it).

After one failure the rest of the request (or task) does not try again for
``SKIP_AFTER_FAILURE`` seconds: twenty queued mails cost one attempt, not twenty.

Workers and beat keep the app's own, patient connection settings: they should wait for Redis.

**Embedded default** (no ``CELERY_BROKER_URL``): there is no worker process, so a task published
during a web request runs in one background thread of the web process, after the request's
transaction has committed, and the response does not wait for it. The thread also runs the
sweeps (``EMBEDDED_SWEEPS``) every ``EMBEDDED_SWEEP_EVERY`` seconds while the process lives. Work
published outside a request (a management command, the test settings) runs inline, as before:
a command's process would otherwise exit before its thread finished. A web process that stops
mid-job leaves a saved row; the next sweep (or the retry button) runs it again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextvars import ContextVar
from queue import Empty, SimpleQueue
from typing import Any

from celery.signals import task_prerun
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections, transaction

logger = logging.getLogger(__name__)

# See the module docstring: one short attempt, then the saved row waits for the sweep.
PUBLISH_TRANSPORT_OPTIONS: dict[str, Any] = {
    "max_retries": 0,
    "socket_connect_timeout": 0.04,
    "socket_timeout": 0.05,
}
# Waiting for a free producer of the pool (all in use by other threads of this process).
PRODUCER_WAIT = 0.05
SKIP_AFTER_FAILURE = 30.0
EMBEDDED_SWEEP_EVERY = 20.0
EMBEDDED_SWEEPS = ("reporting.tasks.sweep_report_jobs", "outbox.tasks.sweep_pending_emails")

# When this request (or task) last failed to publish: scoped to one request or task by the
# signal receivers below, so it is never a process-wide switch.
_failed_at: ContextVar[float | None] = ContextVar("kf_publish_failed_at", default=None)
_in_request: ContextVar[bool] = ContextVar("kf_in_request", default=False)


def _start_request(**kwargs: Any) -> None:
    _failed_at.set(None)
    _in_request.set(True)


def _finish_request(**kwargs: Any) -> None:
    _failed_at.set(None)
    _in_request.set(False)


def _start_task(**kwargs: Any) -> None:
    _failed_at.set(None)


request_started.connect(_start_request, dispatch_uid="klimatfardplan.queue.start_request")
request_finished.connect(_finish_request, dispatch_uid="klimatfardplan.queue.finish_request")
task_prerun.connect(_start_task, dispatch_uid="klimatfardplan.queue.start_task", weak=False)


def publish(task: Any, *args: Any) -> bool:
    """Hand ``task`` with ``args`` to a worker now; return False (and log) when that failed.

    With the embedded default the task runs in this process (see the module docstring).
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if _in_request.get() and getattr(settings, "TASKS_IN_BACKGROUND_THREAD", False):
            _embedded_queue().put((task, args))
        else:
            task.apply(args=args, throw=True)
        return True
    failed = _failed_at.get()
    if failed is not None and time.monotonic() - failed < SKIP_AFTER_FAILURE:
        logger.info("Not publishing %s%r: the broker failed just now.", task.name, args)
        return False
    try:
        with _producer(task.app) as producer:
            # Declare the queue every time: kombu remembers per connection what it declared,
            # and after Redis lost its keys (restarted empty, flushed) a remembered binding is
            # gone, so the message would be routed nowhere (kombu#1098). One SADD, well under 1 ms.
            task.app.amqp.router.route({}, task.name)["queue"](producer.channel).declare()
            task.apply_async(args=args, producer=producer, retry=False)
    except Exception as exc:  # kombu/redis raise many types; all mean "not published now"
        _failed_at.set(time.monotonic())
        logger.warning("Could not publish %s%r: %s; the sweep will retry.", task.name, args, exc)
        return False
    return True


def publish_on_commit(task: Any, *args: Any) -> None:
    """Publish after the surrounding transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: publish(task, *args), robust=True)


def _producer(app: Any) -> Any:
    """A producer from kombu's process-wide pool for our short-timeout connection settings
    (the pool is keyed by URL and transport options, so it is reused across requests)."""
    from kombu import pools

    connection = app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS)
    return pools.producers[connection].acquire(block=True, timeout=PRODUCER_WAIT)


def queue_size(task: Any) -> int | None:
    """How many messages wait in the queue ``task`` is routed to; None when unknown.

    Used by sweeps (never by requests) to tell a long queue from a lost one: after Redis restarts
    empty, saved jobs marked as published have no message anywhere, and the queue is empty.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:  # the embedded thread's queue (empty after a restart)
        embedded = _embedded
        return embedded[1].qsize() if embedded and embedded[0] == os.getpid() else 0
    from kombu.exceptions import ChannelError

    name = task.app.amqp.router.route({}, task.name)["queue"].name
    try:
        with task.app.connection_for_write(
            transport_options=PUBLISH_TRANSPORT_OPTIONS
        ) as connection:
            try:
                _, size, _ = connection.default_channel.queue_declare(queue=name, passive=True)
            except ChannelError:  # the queue does not exist (any more): nothing waits in it
                return 0
    except Exception as exc:  # the broker is unreachable: unknown
        logger.info("Could not measure queue %s: %s", name, exc)
        return None
    return int(size)


# --- the embedded default's worker thread -----------------------------------------------------

_embedded_lock = threading.Lock()
_Work = SimpleQueue[tuple[Any, tuple[Any, ...]]]
# (process id, queue, thread): a forked process (gunicorn --preload) starts its own thread.
_embedded: tuple[int, _Work, threading.Thread] | None = None


def _embedded_queue() -> _Work:
    global _embedded
    with _embedded_lock:
        current = _embedded
        if current is None or current[0] != os.getpid() or not current[2].is_alive():
            work: _Work = SimpleQueue()
            # A daemon thread: stopping the server must not wait for a report; its row waits.
            thread = threading.Thread(
                target=_run_embedded, args=(work,), name="kf-embedded-worker", daemon=True
            )
            thread.start()
            current = _embedded = (os.getpid(), work, thread)
        return current[1]


def _run_embedded(work: _Work) -> None:
    from celery import current_app

    while True:
        try:
            task, args = work.get(timeout=EMBEDDED_SWEEP_EVERY)
            jobs = [(task, args)]
        except Empty:  # idle: look for work that was lost or never published
            if not getattr(settings, "TASKS_IN_BACKGROUND_THREAD", False):
                return  # switched off (tests): the next publish starts a new thread
            jobs = [(current_app.tasks[name], ()) for name in EMBEDDED_SWEEPS]
        for task, args in jobs:
            try:
                task.apply(args=args, throw=True)
            except Exception:
                logger.exception("Embedded task %s%r failed", task.name, args)
            finally:
                connections.close_all()  # this thread's own connections
