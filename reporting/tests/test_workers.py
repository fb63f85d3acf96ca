"""Fault tests with real Celery workers (prefork, one process each) on the real Redis and the
pytest PostgreSQL database: a worker killed with SIGKILL in the middle of a batch, and a build
requested while the broker is unreachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from partners.tests.factories import OrganisationFactory
from reporting import services
from reporting.models import ReportJob, ReportYear
from reporting.tests.brokers import broker_at
from reporting.tests.factories import YEAR
from tests.fixtures import World, client_for
from tests.test_celery_worker import worker_env

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there; the shared Redis keeps running
# Short limits for the test's sweeps; production uses services.LEASE etc.
TEST_SWEEP = {
    "lease": timedelta(seconds=15),
    "unpublished_grace": timedelta(0),
    "republish_after": timedelta(seconds=10),
}

pytestmark = [
    pytest.mark.service("postgres"),
    pytest.mark.service("redis"),
    pytest.mark.django_db(transaction=True),
]


class Workers:
    """Real ``celery worker`` processes on a queue of this test's own."""

    def __init__(self, var_dir: Path, queue: str) -> None:
        self.var_dir = var_dir
        self.queue = queue
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        log = (self.var_dir / f"{name}.log").open("wb")
        env = {**worker_env(), "VAR_DIR": str(self.var_dir)}
        self.processes[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "klimatfardplan",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
        )
        deadline = time.monotonic() + 60
        while b"ready." not in (self.var_dir / f"{name}.log").read_bytes():
            assert self.processes[name].poll() is None, self.output(name)
            assert time.monotonic() < deadline, self.output(name)
            time.sleep(0.2)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def output(self, name: str) -> str:
        return (self.var_dir / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def workers(private_storage: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    from klimatfardplan.celery import app

    queue = f"reports-test-{os.getpid()}-{time.monotonic_ns()}"
    # Tasks published by this test process go to the test's queue, not to the shared default.
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    # The workers' VAR_DIR/private is the test's private storage (see conftest).
    running = Workers(private_storage.parent, queue)
    yield running
    running.stop_all()
    for name in ("w1", "w2", "w3", "w"):
        log = private_storage.parent / f"{name}.log"
        if log.exists():
            sys.stdout.write(f"--- {name}\n{log.read_text(errors='replace')[-2000:]}\n")


def files_of(private_storage: Path, snapshot_id: int) -> list[str]:
    folder = private_storage / "reports" / str(YEAR) / f"s{snapshot_id}"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def wait_until(condition, *, timeout: float, sweep: bool = False) -> None:
    deadline = time.monotonic() + timeout
    next_sweep = 0.0
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        if sweep and time.monotonic() >= next_sweep:
            services.sweep_report_jobs(**TEST_SWEEP)
            next_sweep = time.monotonic() + 2
        time.sleep(0.2)


def test_batch_survives_a_worker_killed_mid_batch(
    world: World, report_year: ReportYear, workers: Workers, private_storage: Path
) -> None:
    for index in range(13):
        OrganisationFactory(name=f"Partner {index:02d} AB")
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    organisations = len(snapshot.data["organisations"])
    assert organisations == 17  # A, B, C and D of the seeded year, and these 13
    workers.start("w1")
    workers.start("w2")
    with broker_at(os.environ["CELERY_BROKER_URL"]):
        batch = services.build_all_organisation_reports(
            report_year=report_year, language="sv", by=world.office
        )
        jobs = ReportJob.objects.filter(batch=batch)
        assert jobs.filter(published_at__isnull=False).count() == organisations

        # Mid-batch: some reports done, one being built, others waiting.
        def mid_batch() -> bool:
            return (
                jobs.filter(status=ReportJob.Status.DONE).count() >= 2
                and jobs.filter(status=ReportJob.Status.RUNNING).exists()
            )

        wait_until(mid_batch, timeout=120)
        workers.kill("w1")
        assert jobs.exclude(status=ReportJob.Status.DONE).exists()
        workers.start("w3")
        # The sweep (beat's job) re-runs what the killed worker held: its running report, whose
        # lease expires, and the message it had prefetched.
        wait_until(
            lambda: jobs.filter(status=ReportJob.Status.DONE).count() == organisations,
            timeout=240,
            sweep=True,
        )
    sys.stdout.write(f"attempts per job: {sorted(jobs.values_list('attempts', flat=True))}\n")
    assert set(jobs.values_list("status", flat=True)) == {ReportJob.Status.DONE}
    expected = sorted(
        f"org-{org_id}-sv.{ext}"
        for org_id in snapshot.data["organisations"]
        for ext in ("pdf", "xlsx")
    )
    assert files_of(private_storage, snapshot.pk) == expected  # exactly one file each
    for job in jobs:
        assert job.file.name == f"{job.base_name()}.pdf"
        assert (private_storage / job.file.name).read_bytes().startswith(b"%PDF-")
        assert job.pages is not None
        assert job.pages >= 2


def test_build_request_while_redis_is_down_is_swept_once_redis_is_back(
    world: World, report_year: ReportYear, workers: Workers, private_storage: Path
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    client = client_for(world.office)
    url = reverse("reporting:report_build", kwargs={"year": report_year.year})
    with broker_at(CLOSED_PORT):
        started = time.monotonic()
        response = client.post(url, {"language": "sv"}, follow=True)
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 60  # a generous guard: the request completed instead of hanging
    assert "Jobbkön går inte att nå just nu" in response.content.decode()
    job = ReportJob.objects.get(snapshot=snapshot, kind="partnership", language="sv")
    assert job.status == ReportJob.Status.PENDING
    assert job.published_at is None
    workers.start("w")
    with broker_at(os.environ["CELERY_BROKER_URL"]):
        before = list(ReportJob.objects.values("status", "published_at", "attempts"))
        assert services.sweep_report_jobs(**TEST_SWEEP) == 1, before
        wait_until(
            lambda: ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.DONE).exists(),
            timeout=120,
        )
    job.refresh_from_db()
    assert job.attempts == 1
    assert files_of(private_storage, snapshot.pk) == [
        "partnerskapet-sv.pdf",
        "partnerskapet-sv.xlsx",
    ]
