"""A real Celery worker, started as a process against the real Redis and PostgreSQL, runs a task
end to end: an email queued in a web transaction is delivered by the worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from outbox import services
from outbox.models import OutgoingEmail

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.service("postgres"),
    pytest.mark.service("redis"),
    pytest.mark.django_db(transaction=True),
]


def worker_env() -> dict[str, str]:
    """The worker must use the *test* database that pytest-django created."""
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "klimatfardplan.settings"}
    # The worker writes mail to a file we can read back: the same backend code path as SMTP.
    env["EMAIL_URL"] = "consolemail://"
    return env


@pytest.fixture
def celery_worker_process():
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "klimatfardplan",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    # Kept for the failure report: pytest shows captured stdout of a failing test.
    sys.stdout.write(output[-4000:])


@pytest.fixture
def publish_to_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The unit-test settings run tasks in-process; here they must really go through Redis."""
    from klimatfardplan.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)


def test_real_worker_delivers_a_queued_email(
    celery_worker_process: str, publish_to_broker: None
) -> None:
    from outbox import tasks

    email = OutgoingEmail.objects.create(to=["a@example.org"], subject="Riktig worker", body="Hej")
    tasks.send_email.apply_async(args=[email.pk], queue=celery_worker_process, retry=False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == OutgoingEmail.Status.SENT:
            break
        time.sleep(0.25)
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=False).exists()
    # Delivered once: a second run of the same task (a redelivery) sends nothing more.
    services.send_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.attempts == 1
