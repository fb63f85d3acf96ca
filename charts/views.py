"""Downloads of the charts as SVG, and a page with a report's charts (issue 20, point 2).

Each download passes the same policy as the page that shows the chart, and draws the same
template (``components/chart/chart.svg``) standalone. PNG is made in the browser from the inline
SVG (static/js/chart-download.js): no image renderer on the server.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts import policy
from charts import render as chart_render
from charts.model import Chart
from charts.reports import report_charts
from partners.models import Organisation


def _svg(chart: Chart, filename: str) -> HttpResponse:
    """The chart as an SVG file (one without data says so, as on the page)."""
    response = HttpResponse(chart_render.svg(chart), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.svg"'
    response["Cache-Control"] = "private, no-store"  # an organisation's figures are confidential
    return response


@require_GET
def indicator_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's chart on the follow-up; ``?organisation=`` adds that organisation's own
    values, for whoever may see its follow-up (the page's own rule)."""
    from surveys import charts, selectors

    policy.require(request.user, "surveys.view_followup")
    organisation = None
    wanted = request.GET.get("organisation", "")
    if wanted:
        organisation = get_object_or_404(Organisation, pk=int(wanted) if wanted.isdigit() else 0)
        policy.require(request.user, "surveys.view_organisation_followup", organisation)
    for item in selectors.indicator_followup(organisation=organisation):
        if item["indicator"].pk == pk:
            return _svg(charts.indicator_chart(item), f"indicator-{pk}")
    raise Http404


@require_GET
def pathway_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's emissions against the 20 % path (follow-up and partner page)."""
    from surveys import charts, selectors

    organisation = get_object_or_404(Organisation, pk=pk)
    policy.require(request.user, "surveys.view_followup")
    policy.require(request.user, "surveys.view_organisation_followup", organisation)
    series = selectors.organisation_emissions_series(organisation)
    return _svg(charts.pathway_chart(series), f"pathway-{pk}")


def _job(request: HttpRequest, pk: int) -> object:
    from reporting.models import ReportJob

    job = get_object_or_404(ReportJob.objects.select_related("report_year", "organisation"), pk=pk)
    if not policy.can(request.user, job.download_action, job):
        raise PermissionDenied(job.download_action)  # the rule of the report's own download
    if job.status != ReportJob.Status.DONE:
        raise Http404
    return job


@require_GET
def report_svg(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    job = _job(request, pk)
    for chart in report_charts(job):
        if chart.slug == name:
            return _svg(chart, f"report-{pk}-{name}")
    raise Http404


@require_GET
def report_charts_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A built report's charts on one page, each to download as SVG or PNG."""
    job = _job(request, pk)
    return render(request, "charts/report_charts.html", {"job": job, "charts": report_charts(job)})
