"""Reads of the roadmap's reference data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from roadmap.models import Challenge, FocusArea, PartnershipBranding, PartnershipPeriod


def list_focus_areas_with_challenges() -> QuerySet[FocusArea]:
    return FocusArea.objects.prefetch_related("challenges")


def list_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("focus_area")


# --- reference data: periods, focus areas and challenges, cached -------------------------------


@dataclass
class ReferenceData:
    """The roadmap's periods, focus areas and challenges, as list filters and the commitment
    matrix show them."""

    periods: list[PartnershipPeriod]  # newest first
    focus_areas: list[FocusArea]  # in the roadmap's order
    challenges: list[Challenge]  # by number, each with its focus area
    # The version these rows were read under: a key for values derived from them
    # (klimatfardplan.kept), which model equality (by primary key) would not be.
    version: str = ""

    @property
    def current_period(self) -> PartnershipPeriod | None:
        """What :func:`current_period` answers: the open period with the latest start, else the
        latest period."""
        return max(self.periods, key=lambda p: (p.is_open, p.start_year), default=None)

    def period(self, pk: Any) -> PartnershipPeriod | None:
        return next((p for p in self.periods if str(p.pk) == str(pk)), None)

    def focus_area(self, pk: Any) -> FocusArea | None:
        return next((a for a in self.focus_areas if str(a.pk) == str(pk)), None)


REFERENCE_DATA_KEY = "roadmap:reference-data"
REFERENCE_DATA_TIMEOUT = 300  # seconds; a safety net, saves and deletes invalidate at once
_reference_memo: dict[str, ReferenceData] = {}


def reference_data() -> ReferenceData:
    """Periods, focus areas and challenges, read once per process and version.

    The office edits this reference data a few times a year, while list pages (the partner
    list, the matrix) read all of it on every request (four queries, a fifth of the list page's time). The
    shared cache holds only a version token; each process keeps the rows of the current token,
    so a request costs one cache lookup and no unpickling. Every save or delete of a period,
    focus area or challenge drops the token (:func:`forget_reference_data`, connected in
    ``RoadmapConfig.ready``), and every process then reads the rows again."""
    token: str | None = cache.get(REFERENCE_DATA_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(REFERENCE_DATA_KEY, token, REFERENCE_DATA_TIMEOUT):
            token = cache.get(REFERENCE_DATA_KEY) or token  # another process was first
    data = _reference_memo.get(token)
    if data is None:
        data = ReferenceData(
            periods=list(PartnershipPeriod.objects.order_by("-start_year")),
            focus_areas=list(FocusArea.objects.all()),
            challenges=list(list_challenges()),
            version=token,
        )
        _reference_memo.clear()  # only the current version is ever read again
        _reference_memo[token] = data
    return data


def forget_reference_data(**_kwargs: Any) -> None:
    """Signal receiver: drop the version token now, and again when the transaction commits (a
    request reading in between would otherwise keep the old rows under a new token)."""
    cache.delete(REFERENCE_DATA_KEY)
    transaction.on_commit(lambda: cache.delete(REFERENCE_DATA_KEY))


def sector_names() -> dict[str, str]:
    """Sector as stored (Swedish) → its name in the active language. Empty in Swedish (the
    stored text is the Swedish name), one small read otherwise."""
    from django.utils.translation import get_language

    from roadmap.models import Sector

    if not (get_language() or "sv").startswith("en"):
        return {}
    return dict(Sector.objects.exclude(name_en="").values_list("name_sv", "name_en"))


def sector_name(sector: str) -> str:
    """One sector's name in the active language (the stored text when there is no translation)."""
    return sector_names().get(sector, sector) if sector else sector


def get_branding() -> PartnershipBranding:
    """The partnership's logo and accent colour; an unsaved default row before the office sets
    them (so callers never handle a missing row)."""
    branding = PartnershipBranding.objects.filter(pk=PartnershipBranding.SINGLETON_PK).first()
    return branding or PartnershipBranding(pk=PartnershipBranding.SINGLETON_PK)
