"""From a snapshot to the files of one report: HTML, PDF and XLSX.

The figures come from the snapshot's JSON only (never the live tables), in the job's language:
:mod:`reporting.report_context` turns it into template context, :mod:`reporting.report_xlsx`
into the spreadsheet. The partnership's logo and accent colour are read when the report is built
(the office's current choice), so rebuilding a report is how a new logo reaches it.
"""

from __future__ import annotations

import base64
import gc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation

from reporting.pdf import Brand, render_html_to_document, render_html_to_pdf
from reporting.report_context import organisation_context, shared_context
from reporting.report_xlsx import build_xlsx
from roadmap import selectors as roadmap_selectors

if TYPE_CHECKING:
    from reporting.models import ReportJob

PARTNERSHIP_TEMPLATE = "reporting/pdf/partnership_report.html"
ORGANISATION_TEMPLATE = "reporting/pdf/organisation_report.html"


@dataclass
class BuiltReport:
    pdf: bytes
    xlsx: bytes
    pages: int
    html: str


def current_brand() -> Brand:
    branding = roadmap_selectors.get_branding()
    if not branding.logo:
        return Brand(accent=branding.accent)
    with branding.logo.open("rb") as logo:
        encoded = base64.b64encode(logo.read()).decode("ascii")
    return Brand(
        accent=branding.accent, logo_url=f"data:{branding.logo_content_type};base64,{encoded}"
    )


def render_html(
    data: dict[str, Any],
    *,
    kind: str,
    language: str,
    organisation_id: int | None = None,
    brand: Brand | None = None,
) -> str:
    with translation.override(language):
        if kind == "partnership":
            context = dict(shared_context(data, language)[0])
        else:
            assert organisation_id is not None  # noqa: S101  # the model's check constraint
            context = organisation_context(data, organisation_id, language)
        context["brand"] = brand or Brand()
        return render_to_string(
            PARTNERSHIP_TEMPLATE if kind == "partnership" else ORGANISATION_TEMPLATE, context
        )


def snapshot_data(snapshot_id: int) -> dict[str, Any]:
    """The snapshot's figures, read for each report. Not cached: Django's cache (Redis,
    pickled) reads a snapshot about as slowly as the database does (at ten times the real size,
    a 10 MB snapshot: ~0.75 s from Redis, ~0.85 s from PostgreSQL, measured on a loaded
    machine), and keeping it in the worker would be a per-process cache (issue 19). At the real
    size the read is ~0.1 s of a report's ~3 s."""
    from reporting.models import Snapshot

    data: dict[str, Any] = Snapshot.objects.values_list("data", flat=True).get(pk=snapshot_id)
    return data


def prepare_worker() -> None:
    """Ready a worker process before its first report (Celery's ``worker_process_init``).

    Loads WeasyPrint once (seconds), then takes everything loaded so far out of the cyclic
    garbage collector's walks: a report's layout allocates enough objects to start a full
    collection every few reports, and each full collection would otherwise walk every
    long-lived object (the modules) again. Frozen objects are still freed by reference counting.
    """
    render_html_to_pdf("<p>warm</p>")
    gc.collect()
    gc.freeze()


def build(job: ReportJob) -> BuiltReport:
    return build_from_data(
        snapshot_data(job.snapshot_id),
        kind=job.kind,
        language=job.language,
        organisation_id=job.organisation_id,
        brand=current_brand(),
    )


def build_from_data(
    data: dict[str, Any],
    *,
    kind: str,
    language: str,
    organisation_id: int | None = None,
    brand: Brand | None = None,
) -> BuiltReport:
    """The files of one report from a snapshot's data (no database access)."""
    html = render_html(
        data, kind=kind, language=language, organisation_id=organisation_id, brand=brand
    )
    pdf, pages = render_html_to_document(html)
    with translation.override(language):
        xlsx = build_xlsx(data, kind=kind, organisation_id=organisation_id)
    return BuiltReport(pdf=pdf, xlsx=xlsx, pages=pages, html=html)
