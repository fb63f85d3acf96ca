"""Reads of the roadmap's reference data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from klimatfardplan import cache as shared_cache
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

    @property
    def current_period(self) -> PartnershipPeriod | None:
        """What :func:`current_period` answers: the open period with the latest start, else the
        latest period."""
        return max(self.periods, key=lambda p: (p.is_open, p.start_year), default=None)

    def period(self, pk: Any) -> PartnershipPeriod | None:
        return next((p for p in self.periods if str(p.pk) == str(pk)), None)

    def focus_area(self, pk: Any) -> FocusArea | None:
        return next((a for a in self.focus_areas if str(a.pk) == str(pk)), None)


REFERENCE_DATA_NAMESPACE = "roadmap-reference"
REFERENCE_DATA_TIMEOUT = 300  # seconds; a safety net, saves and deletes invalidate at once


def reference_data() -> ReferenceData:
    """Periods, focus areas and challenges, from Django's shared cache.

    The office edits this reference data a few times a year, while pages read it on every
    request. Every save or delete of a period, focus area or challenge gives the cache a new
    version (:func:`forget_reference_data`, connected in ``RoadmapConfig.ready``); a cache
    outage reads the rows (three small queries)."""

    def read() -> ReferenceData:
        return ReferenceData(
            periods=list(PartnershipPeriod.objects.order_by("-start_year")),
            focus_areas=list(FocusArea.objects.all()),
            challenges=list(list_challenges()),
        )

    return shared_cache.get_or_compute(
        REFERENCE_DATA_NAMESPACE, "all", read, timeout=REFERENCE_DATA_TIMEOUT
    )


def forget_reference_data(**_kwargs: Any) -> None:
    """Signal receiver: a new version now and again when the transaction commits (see
    :func:`klimatfardplan.cache.bump`)."""
    shared_cache.bump(REFERENCE_DATA_NAMESPACE)


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
