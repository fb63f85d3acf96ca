"""Fault tests with real Celery workers (prefork, one process each) and the pytest PostgreSQL
database (issue 20 point 6): a worker killed with SIGKILL in the middle of a batch, a broker that
loses every message in the middle of a batch, and a build requested while the broker is
unreachable. Each ends with every job done exactly once.

The sweep runs here every 20 s with the production settings (``services`` and ``models``
defaults), as Celery beat runs it in production; nothing is shortened for the test.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from partners.tests.factories import OrganisationFactory
from reporting import services
from reporting.models import ReportJob, ReportYear
from reporting.tests.brokers import broker_at
from reporting.tests.factories import YEAR
from tests.fixtures import World, client_for
from tests.test_celery_worker import worker_env

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there; the shared Redis keeps running
SWEEP_EVERY = settings.CELERY_BEAT_SCHEDULE["sweep-report-jobs"]["schedule"]
DONE_LINE = re.compile(r"Report job (\d+) done by")

pytestmark = [
    pytest.mark.service("postgres"),
    pytest.mark.service("redis"),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[str]:
    """A Redis of our own on a free port (a test that empties the broker never touches the
    shared one), stopped afterwards."""
    port = _free_port()
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--save", "", "--appendonly", "no"],
        check=True, capture_output=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    ping = ["redis-cli", "-p", str(port), "ping"]
    while subprocess.run(ping, capture_output=True, text=True).stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)


class Workers:
    """Real ``celery worker`` processes on a queue of this test's own."""

    def __init__(self, var_dir: Path, queue: str, broker_url: str) -> None:
        self.var_dir = var_dir
        self.queue = queue
        self.broker_url = broker_url
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        log = (self.var_dir / f"{name}.log").open("wb")
        env = {**worker_env(), "VAR_DIR": str(self.var_dir), "CELERY_BROKER_URL": self.broker_url}
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "klimatfardplan", "worker", "--pool=prefork",
             "--concurrency=1", "--loglevel=INFO", "-Q", self.queue, "-n",
             f"{name}-{self.queue}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while b"ready." not in (self.var_dir / f"{name}.log").read_bytes():
            assert self.processes[name].poll() is None, self.output(name)
            assert time.monotonic() < deadline, self.output(name)
            time.sleep(0.2)

    def pids(self, name: str) -> set[int]:
        """The worker's processes (its main process and its pool child)."""
        group = self.processes[name].pid
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == group:
                        found.add(int(entry.name))
                except ProcessLookupError:
                    continue
        return found

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def output(self, name: str) -> str:
        return (self.var_dir / f"{name}.log").read_text(errors="replace")[-3000:]

    def done_lines(self) -> Counter[int]:
        """How often each job became DONE, from every worker's log (including killed ones)."""
        counts: Counter[int] = Counter()
        for log in self.var_dir.glob("*.log"):
            counts.update(int(m.group(1)) for m in DONE_LINE.finditer(log.read_text("utf-8")))
        return counts

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
def make_workers(
    private_storage: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Workers]]:
    from klimatfardplan.celery import app

    queue = f"reports-test-{os.getpid()}-{time.monotonic_ns()}"
    # Tasks published by this test process go to the test's queue, not to the shared default.
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    made: list[Workers] = []

    def make(broker_url: str) -> Workers:
        # The workers' VAR_DIR/private is the test's private storage (see conftest).
        made.append(Workers(private_storage.parent, queue, broker_url))
        return made[-1]

    yield make
    for workers in made:
        workers.stop_all()
    for log in sorted(private_storage.parent.glob("*.log")):
        sys.stdout.write(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}\n")


def files_of(private_storage: Path, snapshot_id: int) -> list[str]:
    folder = private_storage / "reports" / str(YEAR) / f"s{snapshot_id}"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def wait_until(condition: Callable[[], bool], *, timeout: float, sweep: bool = False) -> None:
    """Wait for ``condition``; with ``sweep``, run the sweep every SWEEP_EVERY s as beat does."""
    deadline = time.monotonic() + timeout
    next_sweep = time.monotonic() + SWEEP_EVERY
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        if sweep and time.monotonic() >= next_sweep:
            services.sweep_report_jobs()
            next_sweep += SWEEP_EVERY
        time.sleep(0.2)


def start_batch(world: World, report_year: ReportYear) -> tuple[list[ReportJob], int]:
    for index in range(9):
        OrganisationFactory(name=f"Partner {index:02d} AB")
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    assert len(snapshot.data["organisations"]) == 13  # A, B, C and D of the seeded year, and 9
    batch = services.build_all_organisation_reports(
        report_year=report_year, language="sv", by=world.office
    )
    jobs = list(ReportJob.objects.filter(batches=batch))
    assert all(job.published_at for job in ReportJob.objects.filter(batches=batch))
    return jobs, snapshot.pk


def mid_batch(jobs: list[ReportJob]) -> Callable[[], bool]:
    """Some reports done, one being built, others waiting."""
    ids = [job.pk for job in jobs]

    def check() -> bool:
        statuses = Counter(ReportJob.objects.filter(pk__in=ids).values_list("status", flat=True))
        return statuses["done"] >= 2 and statuses["running"] >= 1 and statuses["pending"] >= 2

    return check


def all_done(jobs: list[ReportJob]) -> Callable[[], bool]:
    ids = [job.pk for job in jobs]
    return lambda: ReportJob.objects.filter(pk__in=ids, status="done").count() == len(ids)


def assert_done_once(
    jobs: list[ReportJob], workers: Workers, private_storage: Path, snapshot_id: int
) -> None:
    fresh = ReportJob.objects.filter(pk__in=[job.pk for job in jobs])
    sys.stdout.write(f"attempts per job: {sorted(fresh.values_list('attempts', flat=True))}\n")
    assert set(fresh.values_list("status", flat=True)) == {ReportJob.Status.DONE}
    # Done once: each job became DONE in exactly one run, whatever ran twice.
    assert workers.done_lines() == Counter({job.pk: 1 for job in jobs})
    expected = sorted(
        f"org-{job.organisation_id}-sv.{ext}" for job in fresh for ext in ("pdf", "xlsx")
    )
    assert files_of(private_storage, snapshot_id) == expected  # exactly one file each
    for job in fresh:
        assert (private_storage / job.file.name).read_bytes().startswith(b"%PDF-")


def test_a_worker_killed_mid_batch_has_its_job_sent_again_within_a_minute(
    world: World, report_year: ReportYear, make_workers, private_storage: Path
) -> None:
    workers = make_workers(os.environ["CELERY_BROKER_URL"])
    workers.start("w1")
    workers.start("w2")
    with broker_at(workers.broker_url):
        jobs, snapshot_id = start_batch(world, report_year)
        w1_pids = workers.pids("w1")

        def building_on_w1() -> list[ReportJob]:
            running = ReportJob.objects.filter(pk__in=[j.pk for j in jobs], status="running")
            return [j for j in running if int(j.claimed_by.rpartition(":")[2]) in w1_pids]

        wait_until(lambda: mid_batch(jobs)() and bool(building_on_w1()), timeout=120)
        killed_at = timezone.now()
        workers.kill("w1")
        orphans = building_on_w1()  # what w1 was building when it died
        assert orphans
        started = time.monotonic()
        workers.start("w3")
        wait_until(all_done(jobs), timeout=120, sweep=True)
        sys.stdout.write(f"all done {time.monotonic() - started:.0f} s after the kill\n")
    assert_done_once(jobs, workers, private_storage, snapshot_id)
    for orphan in orphans:
        orphan.refresh_from_db()
        assert orphan.attempts == 2  # run again, once
        # Sent to the queue again within a minute of the kill (the lease is 30 s, the sweep runs
        # every 20 s); it then starts after the reports queued before it.
        assert orphan.published_at is not None
        assert 0 < (orphan.published_at - killed_at).total_seconds() < 60


def test_a_broker_emptied_mid_batch_loses_no_job(
    own_redis: str, world: World, report_year: ReportYear, make_workers, private_storage: Path
) -> None:
    # (own_redis first: it is stopped after the workers)
    workers = make_workers(own_redis)
    workers.start("w1")
    workers.start("w2")
    with broker_at(own_redis):
        jobs, snapshot_id = start_batch(world, report_year)
        wait_until(mid_batch(jobs), timeout=120)
        # Redis restarted empty (or flushed): every waiting message is gone.
        port = own_redis.rsplit(":", 1)[1].split("/")[0]
        flushed = subprocess.run(
            ["redis-cli", "-p", port, "flushall"], capture_output=True, text=True, check=True
        )
        assert flushed.stdout.strip() == "OK"
        waiting = ReportJob.objects.filter(pk__in=[j.pk for j in jobs], status="pending").count()
        assert waiting >= 2
        started = time.monotonic()
        wait_until(all_done(jobs), timeout=120, sweep=True)
        sys.stdout.write(f"all done {time.monotonic() - started:.0f} s after the flush\n")
    assert_done_once(jobs, workers, private_storage, snapshot_id)


def test_build_request_while_redis_is_down_is_swept_once_redis_is_back(
    world: World, report_year: ReportYear, make_workers, private_storage: Path
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    client = client_for(world.office)
    url = reverse("reporting:report_build", kwargs={"year": report_year.year})
    with broker_at(CLOSED_PORT):
        response = client.post(url, {"language": "sv"}, follow=True)
    assert response.status_code == 200
    assert "Jobbkön går inte att nå just nu" in response.content.decode()
    job = ReportJob.objects.get(snapshot=snapshot, kind="partnership", language="sv")
    assert job.status == ReportJob.Status.PENDING
    assert job.published_at is None
    workers = make_workers(os.environ["CELERY_BROKER_URL"])
    workers.start("w")
    with broker_at(workers.broker_url):
        wait_until(
            lambda: ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.DONE).exists(),
            timeout=120,
            sweep=True,
        )
    job.refresh_from_db()
    assert job.attempts == 1
    assert workers.done_lines() == Counter({job.pk: 1})
    assert files_of(private_storage, snapshot.pk) == [
        "partnerskapet-sv.pdf",
        "partnerskapet-sv.xlsx",
    ]
