"""Report jobs recover by themselves and say when they cannot (issue 20 point 6): leases and
takeovers, the sweep's lost-message rule, stalled jobs with a retry button, an earlier batch's
page after "build all" runs again, and the embedded default building outside the request.

The real-worker versions (SIGKILL, an emptied broker) are in test_workers.py.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import documents, jobs, services
from reporting.models import LEASE, ReportBatch, ReportJob, ReportYear, Snapshot
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _job(report_year: ReportYear, snapshot: Snapshot, **fields: object) -> ReportJob:
    return ReportJob.objects.create(
        report_year=report_year, snapshot=snapshot, kind="partnership", language="sv", **fields
    )


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_of_a_killed_process_on_this_host_is_taken_over_at_once(
    world: World, report_year: ReportYear
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    job = _job(
        report_year,
        snapshot,
        status=ReportJob.Status.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),  # the lease is fresh: only the dead process tells
        claimed_by=f"{jobs.worker_id().rpartition(':')[0]}:{_dead_pid()}",
    )
    built = services.build_report(job_id=job.pk)
    assert built is not None
    assert built.status == ReportJob.Status.DONE
    assert built.attempts == 2
    assert built.claimed_by == jobs.worker_id()


def test_a_live_workers_job_is_left_alone_until_its_lease_expires(
    world: World, report_year: ReportYear
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    job = _job(
        report_year,
        snapshot,
        status=ReportJob.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - dt.timedelta(minutes=10),  # a long build, still beating
        heartbeat_at=timezone.now() - LEASE + dt.timedelta(seconds=5),
        claimed_by="another-host:4242",
    )
    assert services.build_report(job_id=job.pk).status == ReportJob.Status.RUNNING
    assert services.retry_job(job=job, by=world.office).status == ReportJob.Status.RUNNING
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LEASE)
    built = services.build_report(job_id=job.pk)  # a redelivered message takes it over
    assert built.status == ReportJob.Status.DONE
    assert built.attempts == 2


@pytest.mark.django_db(transaction=True)  # the heartbeat thread writes on its own connection
def test_a_building_worker_renews_its_lease(
    world: World, report_year: ReportYear, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    job = _job(report_year, snapshot)
    monkeypatch.setattr(jobs, "HEARTBEAT", dt.timedelta(seconds=0.1))
    real_build = documents.build
    seen: list[dt.datetime | None] = []

    def slow_build(job: ReportJob) -> documents.BuiltReport:
        time.sleep(0.6)  # six beats
        seen.append(ReportJob.objects.get(pk=job.pk).heartbeat_at)
        return real_build(job)

    monkeypatch.setattr(documents, "build", slow_build)
    built = services.build_report(job_id=job.pk)
    assert built.status == ReportJob.Status.DONE
    assert seen[0] is not None
    assert built.started_at is not None
    assert seen[0] - built.started_at >= dt.timedelta(seconds=0.3)


def test_the_sweep_resends_jobs_whose_messages_were_lost(
    world: World, report_year: ReportYear, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    minute_ago = timezone.now() - dt.timedelta(minutes=1)
    job = _job(report_year, snapshot, published_at=minute_ago)
    # The queue still holds messages: a minute's wait is a queue, not a loss.
    monkeypatch.setattr(jobs, "queue_is_empty", lambda: False)
    assert services.sweep_report_jobs() == 0
    # The queue is empty (Redis restarted empty) yet the job waits: its message is gone.
    monkeypatch.setattr(jobs, "queue_is_empty", lambda: True)
    assert services.sweep_report_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE  # the test settings run the task in-process
    assert job.attempts == 1


def test_stalled_jobs_are_shown_with_a_button_that_restarts_them(
    world: World, report_year: ReportYear, django_capture_on_commit_callbacks
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    batch = ReportBatch.objects.create(report_year=report_year, snapshot=snapshot, language="sv")
    lost_worker = _job(
        report_year,
        snapshot,
        status=ReportJob.Status.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
        claimed_by="gone:1",
    )
    never_queued = ReportJob.objects.create(
        report_year=report_year,
        snapshot=snapshot,
        kind="organisation",
        organisation=world.org_a,
        language="sv",
    )
    ReportJob.objects.filter(pk=never_queued.pk).update(created_at=long_ago)
    batch.jobs.add(lost_worker, never_queued)
    client = client_for(world.office)
    status_url = reverse("reporting:batch_status", kwargs={"pk": batch.pk})
    html = client.get(status_url).content.decode()
    assert "Rapporter som har fastnat" in html
    assert "arbetsprocessen som byggde den svarar inte." in html
    assert "Alfa Energi AB (Svenska): jobbkön går inte att nå." in " ".join(html.split())
    assert html.count("Starta om nu") == 2
    assert 'data-poll-busy="true"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:job_retry", kwargs={"pk": lost_worker.pk}), {"batch": batch.pk}
        )
    assert response["Location"] == reverse("reporting:batch_detail", kwargs={"pk": batch.pk})
    lost_worker.refresh_from_db()
    assert lost_worker.status == ReportJob.Status.DONE
    assert lost_worker.attempts == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:job_retry", kwargs={"pk": never_queued.pk}))
    html = client.get(status_url).content.decode()
    assert "2 av 2 klara (0 pågår, 0 väntar)" in html
    assert "Rapporter som har fastnat" not in html
    assert 'data-poll-busy="false"' in html


def test_a_job_waiting_long_in_a_queue_that_moves_is_not_stalled(
    world: World, report_year: ReportYear
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    waiting = _job(report_year, snapshot, published_at=long_ago)
    year_jobs = reverse("reporting:report_year_jobs", kwargs={"year": report_year.year})
    client = client_for(world.office)
    assert "den har väntat länge i kön" in client.get(year_jobs).content.decode()
    # Another report was finished a moment ago: workers are busy, the queue moves.
    ReportJob.objects.create(
        report_year=report_year,
        snapshot=snapshot,
        kind="organisation",
        organisation=world.org_b,
        language="sv",
        status=ReportJob.Status.DONE,
        finished_at=timezone.now(),
    )
    html = client.get(year_jobs).content.decode()
    assert "den har väntat länge i kön" not in html
    assert "1 av 2 klara (0 pågår, 1 väntar)" in html
    waiting.refresh_from_db()
    assert waiting.status == ReportJob.Status.PENDING


def test_an_earlier_batch_page_stays_true_after_building_all_again(
    world: World, report_year: ReportYear, seeded, django_capture_on_commit_callbacks
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.build_all_organisation_reports(
            report_year=report_year, language="sv", by=world.office
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.build_all_organisation_reports(
            report_year=report_year, language="sv", by=world.office
        )
    client = client_for(world.office)
    page = client.get(reverse("reporting:batch_detail", kwargs={"pk": first.pk})).content.decode()
    assert "4 av 4 klara (0 pågår, 0 väntar)" in page
    assert "En senare körning har startats" in page
    assert reverse("reporting:batch_detail", kwargs={"pk": second.pk}) in page
    page = client.get(reverse("reporting:batch_detail", kwargs={"pk": second.pk})).content.decode()
    assert "4 av 4 klara" in page
    assert "En senare körning har startats" not in page


@pytest.mark.django_db(transaction=True)  # the background thread works on its own connection
def test_the_embedded_default_builds_after_the_request_in_a_background_thread(
    world: World, report_year: ReportYear, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS_IN_BACKGROUND_THREAD = True  # the embedded default (no broker)
    services.take_snapshot(report_year=report_year, by=world.office)
    real_build = documents.build
    built_in: list[str] = []

    def recording_build(job: ReportJob) -> documents.BuiltReport:
        built_in.append(threading.current_thread().name)
        return real_build(job)

    monkeypatch.setattr(documents, "build", recording_build)
    client = client_for(world.office)
    response = client.post(
        reverse("reporting:batch_create", kwargs={"year": report_year.year}), {"language": "sv"}
    )
    batch_url = response["Location"]
    assert client.get(batch_url).status_code == 200  # progress shows while the thread works
    batch = ReportBatch.objects.get()
    deadline = time.monotonic() + 120
    while batch.jobs.exclude(status=ReportJob.Status.DONE).exists():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    # Every report was built by the background thread, none in the request's thread.
    assert len(built_in) == batch.jobs.count() == 4
    assert set(built_in) == {"kf-embedded-worker"}
