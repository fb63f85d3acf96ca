"""Reads of the reporting app: report years, jobs and batches, scoped by ``accounts.policy``.

Who sees what: the office sees every report year, draft or published, and every job. Everyone
else sees published years only; of their jobs, the partnership report (partner contacts and the
strategic group) and their own organisations' reports (partner contacts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts import policy
from reporting.models import PUBLISHED, ReportBatch, ReportJob, ReportYear, stalled

if TYPE_CHECKING:
    from accounts.policy import AnyUser
    from partners.models import Organisation


def list_report_years(*, visible_to: AnyUser) -> QuerySet[ReportYear]:
    years = ReportYear.objects.select_related("snapshot").order_by("-year")
    if policy.can(visible_to, "reporting.manage"):
        return years
    return years.filter(status=ReportYear.Status.PUBLISHED)


def list_jobs(*, visible_to: AnyUser) -> QuerySet[ReportJob]:
    """Jobs whose files ``visible_to`` may download (every job for the office)."""
    jobs = ReportJob.objects.select_related("report_year", "organisation")
    if policy.can(visible_to, "reporting.manage"):
        return jobs
    allowed = Q(organisation_id__in=policy.organisation_ids(visible_to))
    if policy.can(visible_to, "reporting.list"):
        allowed |= Q(kind=ReportJob.Kind.PARTNERSHIP)
    return jobs.filter(PUBLISHED).filter(allowed)


def list_published_reports(*, visible_to: AnyUser) -> QuerySet[ReportJob]:
    """The published reports ``visible_to`` may download, newest year first."""
    return (
        list_jobs(visible_to=visible_to)
        .filter(PUBLISHED)
        .order_by("-report_year__year", "kind", "organisation__name", "language")
    )


def list_organisation_reports(
    *, organisation: Organisation, visible_to: AnyUser
) -> QuerySet[ReportJob]:
    return list_published_reports(visible_to=visible_to).filter(organisation=organisation)


def list_current_jobs(*, report_year: ReportYear) -> QuerySet[ReportJob]:
    """The jobs of the report year's current snapshot (office pages)."""
    return (
        ReportJob.objects.filter(snapshot=report_year.snapshot)
        .select_related("organisation")
        .order_by("kind", "organisation__name", "language")
    )


@dataclass
class JobsProgress:
    """Where a set of jobs stands: counts by status, and the jobs that need a person (failed,
    or stalled: see ``models.stalled``), each list cut at ``PROBLEMS_SHOWN``."""

    total: int
    done: int
    running: int
    pending: int
    failed_count: int
    failed: list[ReportJob] = field(default_factory=list)
    stalled: list[ReportJob] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Nothing left that a worker will do by itself."""
        return self.done + self.failed_count == self.total

    @property
    def busy(self) -> bool:
        """Worth polling: something is waiting or being built."""
        return not self.finished


PROBLEMS_SHOWN = 100


def get_jobs_progress(*, jobs: QuerySet[ReportJob]) -> JobsProgress:
    """n of N done, and the failed and stalled jobs: one aggregate query and one for the jobs
    that need a person."""
    counts = jobs.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ReportJob.Status.DONE)),
        running=Count("pk", filter=Q(status=ReportJob.Status.RUNNING)),
        pending=Count("pk", filter=Q(status=ReportJob.Status.PENDING)),
        failed_count=Count("pk", filter=Q(status=ReportJob.Status.FAILED)),
    )
    problems = list(
        jobs.filter(Q(status=ReportJob.Status.FAILED) | stalled(timezone.now()))
        .select_related("organisation")
        .order_by("organisation__name", "language")[: PROBLEMS_SHOWN * 2]
    )
    failed = [job for job in problems if job.status == ReportJob.Status.FAILED]
    waiting = [job for job in problems if job.status != ReportJob.Status.FAILED]
    return JobsProgress(failed=failed[:PROBLEMS_SHOWN], stalled=waiting[:PROBLEMS_SHOWN], **counts)


def get_batch_progress(*, batch: ReportBatch) -> JobsProgress:
    """The progress of the jobs this batch asked for (also after a later batch reused them)."""
    return get_jobs_progress(jobs=batch.jobs.all())


def get_newer_batch(*, batch: ReportBatch) -> ReportBatch | None:
    """A later batch of the same year and language, if any (its page is the current one)."""
    return (
        ReportBatch.objects.filter(
            report_year_id=batch.report_year_id, language=batch.language, pk__gt=batch.pk
        )
        .order_by("-pk")
        .first()
    )


def list_batches(*, report_year: ReportYear) -> QuerySet[ReportBatch]:
    return report_year.batches.annotate(
        total=Count("jobs"), done=Count("jobs", filter=Q(jobs__status=ReportJob.Status.DONE))
    ).order_by("-created_at", "-pk")


@dataclass
class PublicationPreview:
    """What publishing a report year makes visible, and to whom (the confirmation page)."""

    partnership_languages: list[str]
    organisation_reports: int
    organisations: int


def get_publication_preview(*, report_year: ReportYear) -> PublicationPreview:
    """The current snapshot's finished reports: the partnership's, by language, and the number
    of organisations with a report of their own (in any language)."""
    done = ReportJob.objects.filter(snapshot=report_year.snapshot, status=ReportJob.Status.DONE)
    labels = dict(settings.LANGUAGES)
    languages = sorted(
        done.filter(kind=ReportJob.Kind.PARTNERSHIP).values_list("language", flat=True).distinct()
    )
    organisations = done.filter(kind=ReportJob.Kind.ORGANISATION)
    return PublicationPreview(
        partnership_languages=[str(labels.get(code, code)) for code in languages],
        organisation_reports=organisations.count(),
        organisations=organisations.values("organisation_id").distinct().count(),
    )
