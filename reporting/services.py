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
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klimatfardplan.queue import publish
from reporting.models import ReportBatch, ReportJob, ReportYear, Snapshot
from reporting.snapshot import build_snapshot_data

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A RUNNING job older than this has lost its worker: the hard time limit has long killed it.
LEASE = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=2)
# A job that never reached the broker is published by the next sweep after this grace period
# (which keeps the sweep from racing the request's own on-commit publish).
UNPUBLISHED_GRACE = timedelta(seconds=30)
# A job the broker accepted but nobody ran (its message died with a killed worker's prefetch) is
# published again after this long; duplicates are harmless (the task skips DONE/RUNNING jobs).
REPUBLISH_AFTER = timedelta(minutes=20)

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

    def send() -> None:
        from reporting import tasks  # here: tasks import this module

        for job_id in ids:
            if not publish(tasks.build_report, job_id):
                return
            ReportJob.objects.filter(pk=job_id).update(published_at=timezone.now())

    transaction.on_commit(send, robust=True)


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
    """Fan out one job per organisation of the snapshot; the batch shows their progress."""
    snapshot = _current_snapshot(report_year)
    batch = ReportBatch.objects.create(
        report_year=report_year, snapshot=snapshot, language=language, created_by=by
    )
    org_ids = [int(pk) for pk in snapshot.data.get("organisations", {})]
    existing = set(
        ReportJob.objects.filter(
            snapshot=snapshot, language=language, organisation_id__in=org_ids
        ).values_list("organisation_id", flat=True)
    )
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
    jobs = ReportJob.objects.filter(
        snapshot=snapshot, language=language, organisation_id__in=org_ids
    )
    jobs.update(batch=batch)
    jobs.filter(status=ReportJob.Status.FAILED).update(
        status=ReportJob.Status.PENDING, error="", attempts=0, published_at=None
    )
    _enqueue_on_commit(
        jobs.filter(status=ReportJob.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    return batch


@transaction.atomic
def retry_job(*, job: ReportJob, by: User) -> ReportJob:
    """Try a failed job again (the retry button)."""
    locked = _locked_job(job.pk)
    assert locked is not None  # noqa: S101  # the caller holds the job
    if locked.status == ReportJob.Status.FAILED:
        _reset(locked)
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

    Only a PENDING job is claimed: a RUNNING one belongs to a live worker (or, once its lease has
    expired, to the sweep, which sets it back to PENDING), a DONE one is finished.
    """
    from reporting import documents  # here: loading WeasyPrint costs ~0.3 s

    with transaction.atomic():
        job = _locked_job(job_id)
        if job is None or job.status != ReportJob.Status.PENDING:
            return job
        job.status = ReportJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error"])
    try:
        built = documents.build(job)
    except (OSError, SoftTimeLimitExceeded) as exc:
        # Transient (disk, time limit): back to PENDING for the task's retry, FAILED at the end.
        _record_failure(job_id, exc, final=job.attempts >= MAX_ATTEMPTS)
        raise
    except Exception as exc:  # a bug or bad data: retrying would fail the same way
        logger.exception("Report job %s failed", job_id)
        _record_failure(job_id, exc, final=True)
        return ReportJob.objects.get(pk=job_id)
    with transaction.atomic():
        job = _locked_job(job_id)
        if job is None or job.status == ReportJob.Status.DONE:
            return job  # another run finished first; its files are identical
        base = job.base_name()
        job.file.name = _store(f"{base}.pdf", built.pdf)
        job.data_xlsx.name = _store(f"{base}.xlsx", built.xlsx)
        job.pages = built.pages
        job.status = ReportJob.Status.DONE
        job.finished_at = timezone.now()
        job.error = ""
        job.save(update_fields=["file", "data_xlsx", "pages", "status", "finished_at", "error"])
    return job


def _store(name: str, content: bytes) -> str:
    """Write ``content`` under exactly ``name``, replacing an earlier file of the same job."""
    storage = storages["private"]
    if storage.exists(name):
        storage.delete(name)
    saved: str = storage.save(name, ContentFile(content))
    return saved


def _record_failure(job_id: int, exc: BaseException, *, final: bool) -> None:
    status = ReportJob.Status.FAILED if final else ReportJob.Status.PENDING
    message = f"{type(exc).__name__}: {exc}"[:2000]
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(
        status=status, error=message
    )


def sweep_report_jobs(
    *,
    lease: timedelta = LEASE,
    unpublished_grace: timedelta = UNPUBLISHED_GRACE,
    republish_after: timedelta = REPUBLISH_AFTER,
) -> int:
    """Re-run jobs whose worker died and publish jobs that are waiting; return how many.

    Run every minute by Celery beat (``CELERY_BEAT_SCHEDULE``) and by
    ``manage.py sweep_report_jobs`` (a cron job keeps working while beat cannot reach Redis).
    """
    from reporting import tasks  # here: tasks import this module

    now = timezone.now()
    stale = ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=now - lease)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED, error=str(WORKER_LOST)
    )
    stale.update(status=ReportJob.Status.PENDING, published_at=None)
    waiting = ReportJob.objects.filter(status=ReportJob.Status.PENDING).filter(
        # Never published (the broker was down) … or published long ago and still not run.
        Q(published_at__isnull=True, created_at__lt=now - unpublished_grace)
        | Q(published_at__isnull=True, attempts__gt=0)
        | Q(published_at__lt=now - republish_after)
    )
    sent = 0
    for job_id in waiting.order_by("pk").values_list("pk", flat=True)[:2000]:
        if not publish(tasks.build_report, job_id):
            break  # the broker is still down: try again at the next sweep
        ReportJob.objects.filter(pk=job_id).update(published_at=timezone.now())
        sent += 1
    return sent
