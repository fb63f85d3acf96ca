"""The dashboard, the printed cards (one card, the gallery) and the exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from activities import charts as activity_charts
from activities import exports, selectors, services
from activities.forms import ActivityFilterForm, MeetingFilterForm
from activities.views.activities import get_visible_activity
from klimatfardplan.converters import parse_id
from reporting.pdf import render_pdf

# Pixels above the first bar for the year labels (the labels column starts as far down).
GANTT_AXIS = 20
GALLERY_MAX = 300  # cards per gallery PDF; more would keep a worker busy for minutes


class DashboardView(PolicyRequiredMixin, TemplateView):
    action = "activities.view_dashboard"
    template_name = "activities/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ActivityFilterForm(self.request.GET or None)
        data = selectors.dashboard(visible_to=self.request.user, filters=form.filters())
        context.update(
            filter_form=form,
            data=data,
            timeline=_timeline_geometry(data),
            charts=activity_charts.dashboard_charts(data),
            query=self.request.GET.urlencode(),
            can_export=policy.can(self.request.user, "activities.export"),
            stale_days=services.stale_days(),
        )
        return context


def _timeline_geometry(data: selectors.Dashboard) -> dict[str, Any]:
    """Bars of the Gantt chart as percentages of the shown span (rendered as SVG rects)."""
    start, end = data.timeline_start, data.timeline_end
    span = max((end - start).days, 1)
    today = timezone.localdate()
    bars = []
    for index, row in enumerate(data.timeline):
        left = (row.start_date - start).days / span * 100
        width = max((row.end_date - row.start_date).days / span * 100, 0.8)
        bars.append(
            {
                "row": row,
                "x": round(left, 2),
                "width": round(width, 2),
                "y": GANTT_AXIS + index * 22,
                "bar_y": GANTT_AXIS + index * 22 + 4,  # the bar, inside its 22-pixel row
            }
        )
    today_x = (today - start).days / span * 100 if start <= today <= end else None
    return {
        "bars": bars,
        "axis": GANTT_AXIS,
        "height": GANTT_AXIS + len(bars) * 22 + 4,
        "today_x": round(today_x, 2) if today_x is not None else None,
        "years": _year_marks(start, end, span),
    }


def _year_marks(start: dt.date, end: dt.date, span: int) -> list[dict[str, Any]]:
    """A line at each new year of the span, and its label unless the next year's label would
    overlap it (a span starting in late December labels the new year, not the old)."""
    marks = [
        {
            "year": y,
            "x": round((max(dt.date(y, 1, 1), start) - start).days / span * 100, 2),
        }
        for y in range(start.year, end.year + 1)
    ]
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        mark["label"] = following is None or following["x"] - mark["x"] >= 6
    return marks


@require_GET
def activity_card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk)
    pdf = render_pdf("activities/pdf/card.html", {"activities": [activity]})
    return _pdf_response(pdf, f"aktivitet-{activity.pk}.pdf")


@require_GET
def gallery_pdf(request: HttpRequest) -> HttpResponse:
    """The selected cards, one per page, in the order given (``?ids=21,1,2`` or ``?ids=21&ids=1``),
    or all matching the list's filters."""
    policy.require(request.user, "activities.print_gallery")
    ids = _parse_ids(request.GET.getlist("ids"))[:GALLERY_MAX]
    if ids:
        by_pk = {c.pk: c for c in selectors.list_cards(visible_to=request.user, ids=ids)}
        cards = [by_pk[pk] for pk in ids if pk in by_pk]  # in the order asked for
    else:
        form = ActivityFilterForm(request.GET or None)
        rows = selectors.list_activity_rows(visible_to=request.user, filters=form.filters())
        cards = selectors.list_cards(
            visible_to=request.user, ids=[r.pk for r in rows][:GALLERY_MAX]
        )
    if not cards:
        raise Http404(_("Inga aktiviteter valda."))
    pdf = render_pdf("activities/pdf/card.html", {"activities": cards})
    return _pdf_response(pdf, "aktivitetsgalleri.pdf")


def _parse_ids(values: list[str]) -> list[int]:
    """Ids from comma-separated and repeated values, in their order, each once. Values that are
    not database ids (letters, or beyond the integer column) are ignored."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            pk = parse_id(part.strip())
            if pk is not None and pk not in ids:
                ids.append(pk)
    return ids


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file_response(body: bytes, fmt: str, stem: str) -> HttpResponse:
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{fmt}"'
    return response


@require_GET
def activity_export(request: HttpRequest, fmt: str) -> HttpResponse:
    policy.require(request.user, "activities.export")
    form = ActivityFilterForm(request.GET or None)
    header, rows = exports.activity_rows(visible_to=request.user, filters=form.filters())
    body = (
        exports.to_csv(header, rows)
        if fmt == "csv"
        else exports.to_xlsx(header, rows, title=_("Aktiviteter"))
    )
    return _file_response(body, fmt, "aktiviteter")


@require_GET
def meeting_export(request: HttpRequest, fmt: str) -> HttpResponse:
    policy.require(request.user, "activities.export")
    form = MeetingFilterForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    header, rows = exports.meeting_rows(visible_to=request.user, year=year)
    body = (
        exports.to_csv(header, rows)
        if fmt == "csv"
        else exports.to_xlsx(header, rows, title=_("Träffar"))
    )
    return _file_response(body, fmt, "traffar")
