"""Celery tasks of the reporting app: thin wrappers that take a job id and call one service."""

from __future__ import annotations

from celery import shared_task


# acks_late: a worker killed mid-report leaves the message to be delivered again; the service is
# idempotent by state (and the sweep re-runs a job whose worker died), so running twice is safe.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_report(job_id: int) -> None:
    from reporting import services  # here: services enqueue this task (import cycle)

    services.build_report(job_id=job_id)


@shared_task(acks_late=True)
def sweep_report_jobs() -> int:
    from reporting import services

    return services.sweep_report_jobs()
