"""Helpers shared by the partner pages: the organisation in the URL, downloads, the period."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from accounts import policy
from partners import selectors
from partners.models import Organisation
from roadmap.models import PartnershipPeriod

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisation(request: HttpRequest, pk: int, action: str) -> Organisation:
    """The organisation if the user may open it (404 otherwise, so ids are not probed), then
    the policy check for ``action`` (403)."""
    try:
        organisation = selectors.get_organisation(pk=pk, visible_to=request.user)
    except Organisation.DoesNotExist:
        raise Http404 from None
    policy.require(request.user, action, organisation)
    return organisation


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type=XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _period(request: HttpRequest) -> PartnershipPeriod | None:
    pk = request.GET.get("period", "")
    if pk.isdigit():
        period = PartnershipPeriod.objects.filter(pk=int(pk)).first()
        if period is not None:
            return period
    return selectors.current_period()
