"""Annual reports: a report year with its narrative, frozen snapshots, and the PDF jobs built from them.

The flow (domain.md "Follow-up"): the office prepares a ``ReportYear`` (narrative, what to include),
freezes a ``Snapshot`` of the year's figures and activities, has Celery workers build one
``ReportJob`` per PDF (the partnership report, one report per organisation, in Swedish or English)
and publishes the year. PDFs render ONLY from the snapshot, so later edits never change a report.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_storage() -> Any:
    # A callable, so tests that swap STORAGES["private"] get the swapped one.
    return storages["private"]


class ReportYear(models.Model):
    """One year's follow-up, prepared by the office and published once it is ready."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publicerad")

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The narrative, in Markdown; sanitised (nh3) when frozen into a snapshot.
    story_sv = models.TextField(_("berättelsen (svenska)"), blank=True)
    story_en = models.TextField(_("berättelsen (engelska)"), blank=True)
    conclusions_sv = models.TextField(_("slutsatser (svenska)"), blank=True)
    conclusions_en = models.TextField(_("slutsatser (engelska)"), blank=True)
    way_forward_sv = models.TextField(_("vägen framåt (svenska)"), blank=True)
    way_forward_en = models.TextField(_("vägen framåt (engelska)"), blank=True)
    # What the office chooses to include in the reports.
    include_emissions = models.BooleanField(_("utsläpp mot 20 %-banan"), default=True)
    include_indicators = models.BooleanField(_("indikatorer mot målvärden"), default=True)
    include_enabling = models.BooleanField(_("svar om förutsättningsmålet"), default=True)
    include_commitments = models.BooleanField(_("åtaganden per utmaning"), default=True)
    include_activities = models.BooleanField(_("aktiviteter och höjdpunkter"), default=True)
    include_meetings = models.BooleanField(_("genomförda möten"), default=True)
    snapshot = models.ForeignKey(
        "Snapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aktuell ögonblicksbild"),
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Optimistic locking of the narrative form (security.md §0.2).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rapportår")
        verbose_name_plural = _("rapportår")

    def __str__(self) -> str:
        return self.title or str(self.year)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reporting:report_year_detail", kwargs={"year": self.year})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Snapshot(models.Model):
    """The frozen figures, activities and narrative of a report year (JSON; never changed)."""

    report_year = models.ForeignKey(
        ReportYear, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("rapportår")
    )
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ögonblicksbild")
        verbose_name_plural = _("ögonblicksbilder")

    def __str__(self) -> str:
        return f"{self.report_year.year} #{self.pk}"


class ReportBatch(models.Model):
    """ "Build all organisation reports for year Y": a fan-out of jobs whose progress the UI shows."""

    report_year = models.ForeignKey(
        ReportYear, on_delete=models.CASCADE, related_name="batches", verbose_name=_("rapportår")
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="batches", verbose_name=_("ögonblicksbild")
    )
    language = models.CharField(_("språk"), max_length=2, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("körning")
        verbose_name_plural = _("körningar")

    def __str__(self) -> str:
        return f"{self.report_year.year} ({self.language}) #{self.pk}"


class ReportBatchJob(models.Model):
    """A job that a batch asked for. A job belongs to every batch that asked for it: running
    "build all" again reuses the snapshot's jobs, and the earlier batch's page must still count
    its own jobs (issue 20 point 6), so membership is a table, not a field on the job."""

    batch = models.ForeignKey(ReportBatch, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey("ReportJob", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("jobb i körning")
        verbose_name_plural = _("jobb i körningar")
        constraints = [
            models.UniqueConstraint(fields=["batch", "job"], name="unique_report_batch_job")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.job_id}"


# A job whose files are published: DONE, from the snapshot its year was published with.
PUBLISHED = models.Q(
    status="done",
    report_year__status="published",
    snapshot_id=models.F("report_year__snapshot_id"),
)


# Job leases (issue 20 point 6). A worker building a job renews its heartbeat every HEARTBEAT;
# a RUNNING job silent for LEASE has lost its worker (killed, out of memory, host gone) and is
# taken over. The sweep runs every 20 s, so a lost job runs again within about a minute.
HEARTBEAT = timedelta(seconds=5)
LEASE = timedelta(seconds=30)
# A waiting job the sweep could not get going in this long is shown as stalled, with a retry
# button: the sweep is not running, or the broker is still unreachable.
STALLED_AFTER = timedelta(minutes=2)


def lease_expired(now: datetime) -> models.Q:
    """RUNNING, and its worker has not said it is alive for LEASE (rows from before leases
    existed have no heartbeat: their start time counts)."""
    silent = models.Q(heartbeat_at__lt=now - LEASE) | models.Q(
        heartbeat_at__isnull=True, started_at__lt=now - LEASE
    )
    return models.Q(status="running") & silent


def stalled(now: datetime) -> models.Q:
    """Jobs the page shows as stalled, with a retry button: a lost worker, a job that never
    reached the queue, or one waiting in the queue for STALLED_AFTER while no worker has started
    or finished any report meanwhile (a long queue that moves is not stalled)."""
    cut = now - STALLED_AFTER
    progressing = models.Exists(
        ReportJob.objects.filter(models.Q(started_at__gte=cut) | models.Q(finished_at__gte=cut))
    )
    waiting = models.Q(status="pending")
    return (
        lease_expired(now)
        | (waiting & models.Q(published_at__isnull=True, created_at__lt=cut))
        | (waiting & models.Q(published_at__lt=cut) & models.Q(~progressing))
    )


class ReportJobQuerySet(models.QuerySet["ReportJob"]):
    def done(self) -> ReportJobQuerySet:
        return self.filter(status=ReportJob.Status.DONE)

    def published(self) -> ReportJobQuerySet:
        """Built from the snapshot a published year was published with."""
        return self.filter(PUBLISHED)


class ReportJob(models.Model):
    """One PDF (and the XLSX of its data) to build from a snapshot; built by a Celery task.

    A task receives only the job id and is idempotent by state (see ``services.build_report``);
    the file names are deterministic, so running a job twice leaves one file.
    """

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", _("Partnerskapets rapport")
        ORGANISATION = "organisation", _("Organisationens rapport")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    report_year = models.ForeignKey(
        ReportYear, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("rapportår")
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("ögonblicksbild")
    )
    batches = models.ManyToManyField(
        ReportBatch,
        through=ReportBatchJob,
        related_name="jobs",
        blank=True,
        verbose_name=_("körningar"),
    )
    kind = models.CharField(_("typ"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("språk"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    error = models.TextField(_("fel"), blank=True)
    file = models.FileField(_("PDF"), storage=_private_storage, blank=True, max_length=255)
    data_xlsx = models.FileField(
        _("data (XLSX)"), storage=_private_storage, blank=True, max_length=255
    )
    pages = models.PositiveSmallIntegerField(_("sidor"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    published_at = models.DateTimeField(_("skickad till kön"), null=True, blank=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    # The lease of the worker building the job (issue 20 point 6): who claimed it ("host:pid")
    # and when it last said it is alive. The worker renews ``heartbeat_at`` every few seconds
    # while it builds; a RUNNING job whose heartbeat is older than the lease has lost its worker
    # and is taken over by the next task or the sweep (``services.LEASE``).
    claimed_by = models.CharField(_("byggs av"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("senast livstecken"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "organisation__name", "language"]
        verbose_name = _("rapportjobb")
        verbose_name_plural = _("rapportjobb")
        constraints = [
            # One job per PDF of a snapshot (two partial constraints: NULL organisations are
            # distinct in a plain unique constraint on SQLite and PostgreSQL < 15).
            models.UniqueConstraint(
                fields=["snapshot", "language"],
                condition=models.Q(organisation__isnull=True),
                name="unique_partnership_report_job",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "organisation", "language"],
                condition=models.Q(organisation__isnull=False),
                name="unique_organisation_report_job",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="partnership", organisation__isnull=True)
                    | models.Q(kind="organisation", organisation__isnull=False)
                ),
                name="report_job_organisation_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        who = self.organisation.name if self.organisation_id and self.organisation else ""
        return f"{self.get_kind_display()} {self.report_year.year} {who} ({self.language})".strip()

    @property
    def is_published(self) -> bool:
        """Downloadable beyond the office: DONE and built from the published snapshot."""
        year = self.report_year
        return (
            self.status == self.Status.DONE
            and year.status == ReportYear.Status.PUBLISHED
            and year.snapshot_id == self.snapshot_id
        )

    @property
    def download_action(self) -> str:
        """The policy action a download of this job must pass."""
        if self.kind == self.Kind.PARTNERSHIP:
            return "reporting.download_partnership"
        return "reporting.download_organisation"

    def base_name(self) -> str:
        """Deterministic file name (without extension): a rerun overwrites, never adds a file."""
        who = (
            "partnerskapet" if self.kind == self.Kind.PARTNERSHIP else f"org-{self.organisation_id}"
        )
        return f"reports/{self.report_year.year}/s{self.snapshot_id}/{who}-{self.language}"
