"""Admin for the reporting app: read-mostly views of years, snapshots and jobs (the office works
in the app's own pages; the admin is for inspection and support)."""

from __future__ import annotations

from django.contrib import admin

from reporting.models import ReportBatch, ReportJob, ReportYear, Snapshot


@admin.register(ReportYear)
class ReportYearAdmin(admin.ModelAdmin[ReportYear]):
    list_display = ["year", "title", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["snapshot", "published_at", "published_by", "version"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin[Snapshot]):
    list_display = ["report_year", "created_at", "created_by"]
    list_select_related = ["report_year", "created_by"]
    readonly_fields = ["report_year", "data", "created_by"]  # frozen: never edited


@admin.register(ReportBatch)
class ReportBatchAdmin(admin.ModelAdmin[ReportBatch]):
    list_display = ["report_year", "language", "created_at", "created_by"]
    list_select_related = ["report_year", "created_by"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin[ReportJob]):
    list_display = [
        "report_year",
        "kind",
        "organisation",
        "language",
        "status",
        "attempts",
        "claimed_by",
        "finished_at",
    ]
    list_filter = ["status", "kind", "language"]
    list_select_related = ["report_year", "organisation"]
    search_fields = ["organisation__name"]
    readonly_fields = [
        "report_year",
        "snapshot",
        "kind",
        "organisation",
        "language",
        "attempts",
        "error",
        "file",
        "data_xlsx",
        "pages",
        "started_at",
        "finished_at",
        "published_at",
        "claimed_by",
        "heartbeat_at",
    ]
