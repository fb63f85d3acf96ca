"""Celery tasks of the reporting app: thin wrappers that take a job id and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_process_init


@worker_process_init.connect
def prepare_worker(**kwargs: Any) -> None:
    """Each worker process loads the PDF renderer once and freezes its long-lived objects."""
    from reporting import documents  # here: loading WeasyPrint costs ~0.3 s

    documents.prepare_worker()


# acks_late: a worker killed mid-report leaves the message to be delivered again; the service is
# idempotent by state, so running twice is safe. Redis redelivers only after the visibility
# timeout (15 min), so recovery does not wait for it: the job's lease expires after 30 s and the
# next task for it, or the sweep (every 20 s), takes it over (reporting/jobs.py).
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_report(job_id: int) -> None:
    from reporting import services  # here: services enqueue this task (import cycle)

    services.build_report(job_id=job_id)


@shared_task(acks_late=True)
def sweep_report_jobs() -> int:
    from reporting import services

    return services.sweep_report_jobs()
