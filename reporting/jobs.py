"""The worker side of report jobs: claiming a job, the lease that says its worker is alive, and
recording a failure (issue 20 point 6). ``services.build_report`` and the sweep use these.

A claim is a row-locked change from PENDING (or from RUNNING with a dead worker) to RUNNING that
names the claiming process (``host:pid``) and counts an attempt. While the worker builds, a
small thread renews ``heartbeat_at`` every ``HEARTBEAT``; a worker that is killed stops renewing,
and after ``LEASE`` the job is someone else's: the next task that gets it takes it over, and the
sweep (every 20 s) publishes it again. Only the run that finishes first marks it DONE.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from reporting.models import HEARTBEAT, ReportJob, lease_expired

logger = logging.getLogger(__name__)


def worker_id() -> str:
    """This process, as a claim names it (a pool child has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def worker_gone(job: ReportJob) -> bool:
    """Whether the worker that claimed this RUNNING job is gone: its lease expired, or it was a
    process on this host that no longer exists (a killed pool child: no need to wait the lease).
    A pid reused by another process only means we wait for the lease, never a wrong takeover."""
    if ReportJob.objects.filter(lease_expired(timezone.now()), pk=job.pk).exists():
        return True
    host, _, pid = job.claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    return not _process_alive(int(pid))


def claim(job_id: int) -> ReportJob | None:
    """Claim the job for this process; None when it is not ours to build (running elsewhere,
    done, failed, or deleted)."""
    from reporting.services import _locked_job  # here: services import this module

    with transaction.atomic():
        job = _locked_job(job_id)
        if job is None:
            return None
        if job.status == ReportJob.Status.RUNNING:
            if not worker_gone(job):
                return None
            logger.warning("Report job %s: taking over from %s", job_id, job.claimed_by)
        elif job.status != ReportJob.Status.PENDING:
            return None
        now = timezone.now()
        job.status = ReportJob.Status.RUNNING
        job.attempts += 1
        job.started_at = now
        job.heartbeat_at = now
        job.claimed_by = worker_id()
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "heartbeat_at",
                "claimed_by",
                "error",
            ]
        )
    return job


def _ours(job: ReportJob) -> dict[str, object]:
    """The filter of rows still held by this claim (a takeover changes the attempt)."""
    return {
        "pk": job.pk,
        "status": ReportJob.Status.RUNNING,
        "claimed_by": job.claimed_by,
        "attempts": job.attempts,
    }


@contextmanager
def heartbeat(job: ReportJob) -> Iterator[None]:
    """Renew the job's lease every HEARTBEAT while the block runs (in a thread of its own, so a
    long render cannot starve it: WeasyPrint releases the GIL often enough for a 5 s beat)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT.total_seconds()):
                ReportJob.objects.filter(**_ours(job)).update(heartbeat_at=timezone.now())
        except DatabaseError as exc:  # the lease then expires, and the job is run again
            logger.warning("Report job %s: heartbeat failed: %s", job.pk, exc)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"kf-heartbeat-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT.total_seconds() * 2)


def record_failure(job: ReportJob, exc: BaseException, *, final: bool) -> None:
    """FAILED (``final``) or back to PENDING for a retry, if the job is still this claim's."""
    status = ReportJob.Status.FAILED if final else ReportJob.Status.PENDING
    message = f"{type(exc).__name__}: {exc}"[:2000]
    ReportJob.objects.filter(**_ours(job)).update(status=status, error=message)


def queue_is_empty() -> bool:
    """Whether the build queue is known to be empty (False when the broker cannot say)."""
    from klimatfardplan.queue import queue_size
    from reporting import tasks

    return queue_size(tasks.build_report) == 0
