"""The charts of a built report, drawn again from the report's own snapshot in its language:
the figures of a download are those of the PDF, never today's live data."""

from __future__ import annotations

from django.utils import translation

from charts.model import Chart

# The charts' keys in the report's template context (reporting.report_context), in report order.
PARTNERSHIP = ("sums_chart", "enabling_chart", "commitments_chart")
ORGANISATION = ("org_emissions_chart", "org_enabling_chart")


def report_charts(job: object) -> list[Chart]:
    """Every chart in ``job``'s report (a ``reporting.models.ReportJob``), in report order."""
    # Imported here: reporting imports the chart component.
    from reporting import report_context
    from reporting.documents import snapshot_data

    data = snapshot_data(job.snapshot_id)  # type: ignore[attr-defined]
    language: str = job.language  # type: ignore[attr-defined]
    keys: tuple[str, ...]
    with translation.override(language):
        if job.organisation_id is None:  # type: ignore[attr-defined]
            context = report_context.partnership_context(data, language)
            keys = PARTNERSHIP
        else:
            context = report_context.organisation_context(data, job.organisation_id, language)  # type: ignore[attr-defined]
            keys = ORGANISATION
    return [chart for key in keys if isinstance(chart := context.get(key), Chart)]
