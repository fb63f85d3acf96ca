"""Faults (issue 7, CEL-2/CEL-7): a worker killed mid-task loses no email and sends none twice;
with Redis down every page works and emails wait as PENDING rows until the sweep publishes them.

These tests start their own Redis (never the shared one) and real worker processes against the
PostgreSQL test database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from outbox import services
from outbox.models import OutgoingEmail
from tests.fixtures import World, client_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[str]:
    """A Redis of our own on a free port, stopped afterwards (the shared one is never touched)."""
    port = _free_port()
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--save", "", "--appendonly", "no"],
        check=True, capture_output=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            == "PONG"
        ):
            break
        time.sleep(0.1)
    yield url
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Publish through a real broker (the unit-test settings run tasks in-process)."""
    from django.conf import settings

    from klimatfardplan.celery import app

    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setitem(app.conf, "task_always_eager", False)

    def reset_pools() -> None:
        # Celery caches the connection pool, and kombu a producer pool per broker URL: drop
        # both so that the next publish connects to the URL we set now.
        from kombu import pools

        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    keys = ("broker_url", "broker_write_url", "broker_read_url")
    original = {key: app.conf[key] for key in keys}

    def point_at(url: str) -> None:
        reset_pools()
        for key in keys:  # Celery copies broker_url into the read/write URLs at configuration
            app.conf[key] = url

    yield point_at
    reset_pools()
    for key, value in original.items():
        app.conf[key] = value


def _worker(broker_url: str, queue: str, mail_dir: Path, *, delay: float) -> subprocess.Popen[str]:
    params = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:"
            f"{params['PORT'] or 5432}/{params['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "security.tests.worker_settings",
        "CELERY_BROKER_URL": broker_url,
        "KF_MAIL_DIR": str(mail_dir),
        "KF_MAIL_DELAY": str(delay),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "klimatfardplan", "worker", "--pool=prefork",
         "--concurrency=1", "--loglevel=INFO", "-Q", queue, "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: we can kill worker and child at once
    )  # fmt: skip


def _wait(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    output = process.stdout.read() if process.stdout else ""
    return output[-3000:]


@pytest.mark.parametrize("victim", ["child", "whole worker"])
def test_killing_the_worker_mid_send_loses_no_email_and_sends_it_once(
    own_redis: str, broker: object, tmp_path: Path, victim: str
) -> None:
    from outbox import tasks

    broker(own_redis)  # type: ignore[operator]
    queue = f"faults-{os.getpid()}-{time.monotonic_ns()}"
    email = OutgoingEmail.objects.create(
        to=["mottagare@example.org"], subject="Kill -9", body="Hej"
    )
    first = _worker(own_redis, queue, tmp_path, delay=30)
    second = None
    try:
        tasks.send_email.apply_async(args=[email.pk], queue=queue, retry=False)
        assert _wait(lambda: list(tmp_path.glob("started-*")), 60), _stop(first)
        if victim == "child":  # the pool process dies; the worker requeues (reject_on_worker_lost)
            (started,) = tmp_path.glob("started-*")
            child_pid = int(started.name.split("-")[1])
            os.kill(child_pid, signal.SIGKILL)
            survivor = first
        else:  # the machine "crashes": worker and child die; a new worker takes over
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            time.sleep(6)  # past the 5 s visibility timeout of the test settings
            second = _worker(own_redis, queue, tmp_path, delay=0)
            survivor = second
        delivered = _wait(lambda: OutgoingEmail.objects.get(pk=email.pk).status == "sent", 90)
        # The worker's log in both cases: without it a lost requeue fails with no clue.
        log = _stop(survivor)
        assert delivered, log
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process)
    email.refresh_from_db()
    assert email.attempts == 1
    assert len(list(tmp_path.glob("delivered-*"))) == 1


def test_with_redis_down_pages_work_and_emails_wait_then_go_out_once(
    world: World,
    own_redis: str,
    broker: object,
    tmp_path: Path,
    django_capture_on_commit_callbacks: object,
) -> None:
    from klimatfardplan.celery import app

    broker(f"redis://127.0.0.1:{_free_port()}/0")  # type: ignore[operator]  # nothing listens
    office = client_for(world.office)
    for path in ("/", "/partners/", "/activities/", "/surveys/rounds/", "/reports/"):
        started = time.monotonic()
        assert office.get(path).status_code == 200, path
        assert time.monotonic() - started < 5
    world.office.email = "kansli@example.org"
    world.office.save()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client_for(None).post(reverse("password_reset"), {"email": "kansli@example.org"})
    assert response.status_code == 302
    assert time.monotonic() - started < 5, "publishing must not hang the request"
    pending = OutgoingEmail.objects.get(to=["kansli@example.org"])
    assert pending.status == OutgoingEmail.Status.PENDING

    # Redis is back: the sweep publishes the waiting email and a worker sends it, once.
    broker(own_redis)  # type: ignore[operator]
    queue = app.conf.task_default_queue
    worker = _worker(own_redis, queue, tmp_path, delay=0)
    try:
        assert services.sweep_pending_emails(older_than=__import__("datetime").timedelta(0)) == 1
        assert _wait(lambda: OutgoingEmail.objects.get(pk=pending.pk).status == "sent", 60), _stop(
            worker
        )
    finally:
        _stop(worker)
    pending.refresh_from_db()
    assert pending.attempts == 1
    assert len(list(tmp_path.glob("delivered-*"))) == 1
