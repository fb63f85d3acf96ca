"""Reads of the reporting app: report years, jobs and batches, scoped by ``accounts.policy``.

Who sees what: the office sees every report year, draft or published, and every job. Everyone
else sees published years only; of their jobs, the partnership report (partner contacts and the
strategic group) and their own organisations' reports (partner contacts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from accounts import policy
from reporting.models import PUBLISHED, ReportBatch, ReportJob, ReportYear

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
class BatchProgress:
    total: int
    done: int
    running: int
    pending: int
    failed: list[ReportJob] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.done + len(self.failed) == self.total

    def as_json(self, retry_url: Any) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "running": self.running,
            "pending": self.pending,
            "finished": self.finished,
            "failed": [
                {
                    "id": job.pk,
                    "organisation": job.organisation.name if job.organisation else "",
                    "error": job.error[:300],
                    "retry_url": retry_url(job),
                }
                for job in self.failed
            ],
        }


def get_batch_progress(*, batch: ReportBatch) -> BatchProgress:
    """n of N done, and the failed jobs: one aggregate query and one for the failures."""
    counts = batch.jobs.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ReportJob.Status.DONE)),
        running=Count("pk", filter=Q(status=ReportJob.Status.RUNNING)),
        pending=Count("pk", filter=Q(status=ReportJob.Status.PENDING)),
    )
    failed = list(
        batch.jobs.filter(status=ReportJob.Status.FAILED)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return BatchProgress(failed=failed, **counts)


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
