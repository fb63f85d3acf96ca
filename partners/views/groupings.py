"""Groupings of organisations by challenge."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts import policy
from partners import commitment_selectors, importing, selectors
from partners.views.shared import _download, _period
from roadmap.models import Challenge

# --- groupings --------------------------------------------------------------------------------


def grouping_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partners.view_groupings")
    period = _period(request)
    return render(
        request,
        "partners/grouping_list.html",
        {
            "groupings": commitment_selectors.grouping_challenges(
                visible_to=request.user, period=period
            ),
            "period": period,
            "periods": selectors.list_periods(),
        },
    )


def _grouping_challenge(request: HttpRequest, number: int) -> tuple[Challenge, Any]:
    policy.require(request.user, "partners.view_groupings")
    challenge = get_object_or_404(Challenge.objects.select_related("focus_area"), number=number)
    period = _period(request)
    if not commitment_selectors.can_view_grouping(
        challenge=challenge, visible_to=request.user, period=period
    ):
        raise Http404
    return challenge, period


def grouping_detail(request: HttpRequest, number: int) -> HttpResponse:
    challenge, period = _grouping_challenge(request, number)
    return render(
        request,
        "partners/grouping_detail.html",
        {
            "challenge": challenge,
            "period": period,
            "members": commitment_selectors.grouping_members(
                challenge=challenge, visible_to=request.user, period=period
            ),
            "can_export": policy.can(request.user, "partners.export"),
            "shows_all_contacts": policy.is_office(request.user),
        },
    )


def grouping_export(request: HttpRequest, number: int) -> HttpResponse:
    challenge, period = _grouping_challenge(request, number)
    policy.require(request.user, "partners.export")
    rows = commitment_selectors.mailing_list(challenge=challenge, period=period)
    header = [
        _("Organisation"),
        _("Förnamn"),
        _("Efternamn"),
        _("E-post"),
        _("Titel"),
        _("Huvudkontakt"),
    ]
    content = importing.to_csv(header, ([r[k] for k in r] for r in rows))
    return _download(content, f"utskick-utmaning-{challenge.number}", "csv")
