"""Annual reports: the office prepares a report year, freezes a snapshot, has workers build the
PDFs, and publishes them.

Building is a saved job (``ReportJob``) handed to Celery by id after commit through
``klimatfardplan.queue`` (a request never hangs when Redis is down). ``build_report`` is idempotent
by state: it claims the job under ``select_for_update()``, renders outside the transaction, and
stores the files under deterministic names while holding the row lock again, so a job run twice
(a redelivery after ``acks_late``, a sweep racing a slow worker) leaves one PDF and one XLSX.
A periodic sweep publishes jobs that never reached the broker and re-runs jobs whose worker died.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klimatfardplan.queue import publish
from reporting import jobs
from reporting.models import (
    ReportBatch,
    ReportBatchJob,
    ReportJob,
    ReportYear,
    Snapshot,
    lease_expired,
    stalled,
)
from reporting.snapshot import build_snapshot_data

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A job that never reached the broker is published by the next sweep after this grace period
# (which keeps the sweep from racing the request's own on-commit publish).
UNPUBLISHED_GRACE = timedelta(seconds=15)
# A job published this long ago and not started, while the queue is empty, lost its message
# (Redis restarted empty, or was flushed): the sweep publishes it again.
LOST_AFTER = timedelta(seconds=30)
# Whatever the queue holds, a job published this long ago and not started is published again
# (a message lost while others wait); duplicates are harmless (the task skips RUNNING/DONE jobs).
REPUBLISH_AFTER = timedelta(minutes=10)

STALE_EDIT = _(
    "Någon annan har ändrat rapportåret medan du redigerade. Ladda om sidan och gör om ändringen."
)
NO_SNAPSHOT = _("Frys först en ögonblicksbild av årets siffror.")
ALREADY_PUBLISHED = _("Rapportåret är publicerat och kan inte längre ändras.")
PARTNERSHIP_NOT_BUILT = _("Bygg partnerskapets rapport (svenska) innan du publicerar.")
WORKER_LOST = _("Arbetsprocessen avbröts flera gånger medan rapporten byggdes.")
YEAR_EXISTS = _("Det finns redan ett rapportår för %(year)s.")

NARRATIVE_FIELDS = (
    "title",
    "story_sv",
    "story_en",
    "conclusions_sv",
    "conclusions_en",
    "way_forward_sv",
    "way_forward_en",
    "include_emissions",
    "include_indicators",
    "include_enabling",
    "include_commitments",
    "include_activities",
    "include_meetings",
)


# --- report years and snapshots ---------------------------------------------------------------


@transaction.atomic
def create_report_year(*, year: int, by: User, title: str = "") -> ReportYear:
    if ReportYear.objects.filter(year=year).exists():
        raise ValidationError(YEAR_EXISTS, code="exists", params={"year": year})
    return ReportYear.objects.create(year=year, title=title)


@transaction.atomic
def update_report_year(
    *, report_year: ReportYear, by: User, version: int, **changes: Any
) -> ReportYear:
    """Save the narrative and inclusion choices; detect a concurrent edit by ``version``."""
    unknown = set(changes) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Not narrative fields: {sorted(unknown)}")
    updated = ReportYear.objects.filter(pk=report_year.pk, version=version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(STALE_EDIT, code="stale")
    report_year.refresh_from_db()
    return report_year


@transaction.atomic
def take_snapshot(*, report_year: ReportYear, by: User) -> Snapshot:
    """Freeze the year's figures, activities and narrative; new builds use this snapshot.

    Reports already built keep theirs: a job belongs to the snapshot it was built from.
    """
    locked = ReportYear.objects.select_for_update().get(pk=report_year.pk)
    if locked.is_published:
        raise ValidationError(ALREADY_PUBLISHED, code="published")
    snapshot = Snapshot.objects.create(
        report_year=locked, data=build_snapshot_data(locked), created_by=by
    )
    ReportYear.objects.filter(pk=locked.pk).update(snapshot=snapshot)
    report_year.snapshot = snapshot
    return snapshot


@transaction.atomic
def publish_report_year(*, report_year: ReportYear, by: User) -> ReportYear:
    """Make the current snapshot's reports downloadable beyond the office."""
    locked = ReportYear.objects.select_for_update().get(pk=report_year.pk)
    if locked.is_published:
        return locked
    if locked.snapshot_id is None:
        raise ValidationError(NO_SNAPSHOT, code="no_snapshot")
    built = ReportJob.objects.filter(
        snapshot_id=locked.snapshot_id,
        kind=ReportJob.Kind.PARTNERSHIP,
        language="sv",
        status=ReportJob.Status.DONE,
    ).exists()
    if not built:
        raise ValidationError(PARTNERSHIP_NOT_BUILT, code="not_built")
    locked.status = ReportYear.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return locked


# --- jobs -------------------------------------------------------------------------------------


def _enqueue_on_commit(job_ids: Iterable[int]) -> None:
    """Publish the jobs after commit; stop at the first failure (broker down: the sweep will)."""
    ids = list(job_ids)
    transaction.on_commit(lambda: _publish_jobs(ids), robust=True)


def _publish_jobs(job_ids: Iterable[int]) -> int:
    """Publish each job and mark it published; stop at the first failure. Returns how many."""
    from reporting import tasks  # here: tasks import this module

    sent = 0
    for job_id in job_ids:
        if not publish(tasks.build_report, job_id):
            break
        ReportJob.objects.filter(pk=job_id).update(published_at=timezone.now())
        sent += 1
    return sent


def _current_snapshot(report_year: ReportYear) -> Snapshot:
    if report_year.snapshot_id is None:
        raise ValidationError(NO_SNAPSHOT, code="no_snapshot")
    snapshot = report_year.snapshot
    assert snapshot is not None  # noqa: S101  # for mypy: the id is set
    return snapshot


@transaction.atomic
def request_report(
    *,
    report_year: ReportYear,
    kind: str,
    language: str,
    by: User,
    organisation: Organisation | None = None,
) -> ReportJob:
    """Have a worker build one report from the current snapshot.

    Returns at once: the job is saved PENDING and published after commit. Asking again for a
    report that is pending, running or done changes nothing; a failed one is tried again.
    """
    snapshot = _current_snapshot(report_year)
    job, created = ReportJob.objects.get_or_create(
        snapshot=snapshot,
        kind=kind,
        organisation=organisation,
        language=language,
        defaults={"report_year": report_year},
    )
    if created or job.status == ReportJob.Status.FAILED:
        _reset(job)
        _enqueue_on_commit([job.pk])
    return job


@transaction.atomic
def build_all_organisation_reports(
    *, report_year: ReportYear, language: str, by: User
) -> ReportBatch:
    """Fan out one job per organisation of the snapshot; the batch shows their progress.

    Jobs already built from this snapshot are reused, and they stay members of the batches
    that asked for them before, so an earlier batch's page still counts its own jobs.
    """
    snapshot = _current_snapshot(report_year)
    batch = ReportBatch.objects.create(
        report_year=report_year, snapshot=snapshot, language=language, created_by=by
    )
    org_ids = [int(pk) for pk in snapshot.data.get("organisations", {})]
    jobs = ReportJob.objects.filter(
        snapshot=snapshot, language=language, organisation_id__in=org_ids
    )
    existing = set(jobs.values_list("organisation_id", flat=True))
    ReportJob.objects.bulk_create(
        [
            ReportJob(
                report_year=report_year,
                snapshot=snapshot,
                kind=ReportJob.Kind.ORGANISATION,
                organisation_id=org_id,
                language=language,
            )
            for org_id in org_ids
            if org_id not in existing
        ]
    )
    ReportBatchJob.objects.bulk_create(
        [ReportBatchJob(batch=batch, job_id=pk) for pk in jobs.values_list("pk", flat=True)]
    )
    jobs.filter(status=ReportJob.Status.FAILED).update(
        status=ReportJob.Status.PENDING, error="", attempts=0, published_at=None
    )
    _enqueue_on_commit(
        jobs.filter(status=ReportJob.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    return batch


@transaction.atomic
def retry_job(*, job: ReportJob, by: User) -> ReportJob:
    """The retry button: try a failed job again, send a stalled one to the queue again now, and
    take back a running one whose worker is gone. A job that is running fine or done is left
    alone (a second click changes nothing)."""
    locked = _locked_job(job.pk)
    assert locked is not None  # noqa: S101  # the caller holds the job
    now = timezone.now()
    if locked.status == ReportJob.Status.FAILED:
        _reset(locked)
    elif ReportJob.objects.filter(stalled(now), pk=locked.pk).exists():
        locked.status = ReportJob.Status.PENDING
        locked.published_at = None
        locked.save(update_fields=["status", "published_at"])
    else:
        return locked
    _enqueue_on_commit([locked.pk])
    return locked


def _locked_job(job_id: int) -> ReportJob | None:
    """The job row, locked until the transaction ends (a no-op on SQLite, whose writers are
    serialised anyway). No ordering: the default one joins organisations, and PostgreSQL
    refuses FOR UPDATE on the nullable side of an outer join. The report year (an inner join,
    not locked) comes along: the file names need its year."""
    return (
        ReportJob.objects.select_for_update(of=("self",))
        .select_related("report_year")
        .order_by()
        .filter(pk=job_id)
        .first()
    )


def _reset(job: ReportJob) -> None:
    job.status = ReportJob.Status.PENDING
    job.error = ""
    job.attempts = 0
    job.published_at = None
    job.save(update_fields=["status", "error", "attempts", "published_at"])


def build_report(*, job_id: int) -> ReportJob | None:
    """Build one job's PDF and XLSX. Safe to call twice; a second call is a no-op.

    The job is claimed under a row lock: a PENDING one, or a RUNNING one whose worker is gone
    (``jobs.worker_gone``: its lease expired, or its process on this host is dead). A RUNNING
    job with a live worker and a DONE one are left alone. While building, a heartbeat renews
    the lease; whichever run finishes first marks the job DONE, once (the files are the same).
    """
    from reporting import documents  # here: loading WeasyPrint costs ~0.3 s

    job = jobs.claim(job_id)
    if job is None:
        return ReportJob.objects.filter(pk=job_id).first()
    try:
        with jobs.heartbeat(job):
            built = documents.build(job)
    except (OSError, SoftTimeLimitExceeded) as exc:
        # Transient (disk, time limit): back to PENDING for the task's retry, FAILED at the end.
        jobs.record_failure(job, exc, final=job.attempts >= MAX_ATTEMPTS)
        raise
    except Exception as exc:  # a bug or bad data: retrying would fail the same way
        logger.exception("Report job %s failed", job_id)
        jobs.record_failure(job, exc, final=True)
        return ReportJob.objects.get(pk=job_id)
    with transaction.atomic():
        locked = _locked_job(job_id)
        if locked is None or locked.status == ReportJob.Status.DONE:
            return locked  # another run finished first; its files are identical
        base = locked.base_name()
        locked.file.name = _store(f"{base}.pdf", built.pdf)
        locked.data_xlsx.name = _store(f"{base}.xlsx", built.xlsx)
        locked.pages = built.pages
        locked.status = ReportJob.Status.DONE
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["file", "data_xlsx", "pages", "status", "finished_at", "error"])
    # One line per job that became DONE: the fault tests count them ("done once").
    logger.info("Report job %s done by %s (attempt %s)", job_id, job.claimed_by, job.attempts)
    return locked


def _store(name: str, content: bytes) -> str:
    """Write ``content`` under exactly ``name``, replacing an earlier file of the same job."""
    storage = storages["private"]
    if storage.exists(name):
        storage.delete(name)
    saved: str = storage.save(name, ContentFile(content))
    return saved


def sweep_report_jobs(
    *,
    unpublished_grace: timedelta = UNPUBLISHED_GRACE,
    lost_after: timedelta = LOST_AFTER,
    republish_after: timedelta = REPUBLISH_AFTER,
) -> int:
    """Re-run jobs whose worker died and publish jobs that are waiting; return how many.

    Run every 20 s by Celery beat (``CELERY_BEAT_SCHEDULE``), by the embedded default's thread,
    and by ``manage.py sweep_report_jobs`` (cron keeps it working while beat cannot reach Redis).

    A job is published again when it never reached the broker, when its worker's lease expired,
    when it has waited ``lost_after`` and the queue is empty (Redis restarted empty or was
    flushed: the message is gone), and, whatever the queue holds, after ``republish_after``.
    Duplicates are harmless: a task for a job that is running or done does nothing.
    """
    now = timezone.now()
    expired = ReportJob.objects.filter(lease_expired(now))
    # Conditional updates: a task that took the job over a moment ago renewed its heartbeat,
    # so the row no longer matches and keeps running.
    expired.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED, error=str(WORKER_LOST)
    )
    expired.update(status=ReportJob.Status.PENDING, published_at=None)
    pending = ReportJob.objects.filter(status=ReportJob.Status.PENDING)
    waiting = Q(published_at__isnull=True, created_at__lt=now - unpublished_grace)
    waiting |= Q(published_at__isnull=True, attempts__gt=0)
    waiting |= Q(published_at__lt=now - republish_after)
    if pending.filter(published_at__lt=now - lost_after).exists() and jobs.queue_is_empty():
        waiting |= Q(published_at__lt=now - lost_after)
    ids = pending.filter(waiting).order_by("pk").values_list("pk", flat=True)[:2000]
    return _publish_jobs(list(ids))
