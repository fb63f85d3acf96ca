"""Writes for the roadmap's reference data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from roadmap import reference
from roadmap.models import Challenge, Cluster, FocusArea, Goal, PartnershipPeriod, Sector


@dataclass
class LoadResult:
    created: int = 0

    def __str__(self) -> str:
        return f"{self.created} created"


@transaction.atomic
def load_reference_data() -> LoadResult:
    """Create the focus areas, challenges, clusters, goals and periods that are missing.

    Safe to call twice: existing rows are looked up by their stable key and left as they are, so
    a second run changes nothing and the office's later edits are never overwritten.
    """
    result = LoadResult()
    areas: dict[str, FocusArea] = {}
    for order, (code, sv, en, colour) in enumerate(reference.FOCUS_AREAS, start=1):
        areas[code], created = FocusArea.objects.get_or_create(
            code=code, defaults={"name_sv": sv, "name_en": en, "order": order, "colour": colour}
        )
        result.created += created
    challenges: dict[int, Challenge] = {}
    for number, sv, en, area in reference.CHALLENGES:
        challenges[number], created = Challenge.objects.get_or_create(
            number=number, defaults={"name_sv": sv, "name_en": en, "focus_area": areas[area]}
        )
        result.created += created
    for code, sv, en, numbers in reference.CLUSTERS:
        cluster, created = Cluster.objects.get_or_create(
            code=code, defaults={"name_sv": sv, "name_en": en}
        )
        if created:
            cluster.challenges.set([challenges[n] for n in numbers])
        result.created += created
    for order, (code, kind, sv, en, desc_sv, desc_en) in enumerate(reference.GOALS, start=1):
        _goal, created = Goal.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_sv": sv,
                "name_en": en,
                "description_sv": desc_sv,
                "description_en": desc_en,
                "order": order,
            },
        )
        result.created += created
    for name, start, end, base, rate in reference.PERIODS:
        _period, created = PartnershipPeriod.objects.get_or_create(
            name=name,
            defaults={
                "start_year": start,
                "end_year": end,
                "base_year": base,
                "annual_reduction_rate": rate,
            },
        )
        result.created += created
    for sv, en in reference.SECTORS:
        _sector, created = Sector.objects.get_or_create(name_sv=sv, defaults={"name_en": en})
        result.created += created
    # The survey's indicators are reference data too: a fresh install has them (issue 16.7).
    from surveys.services import create_default_indicators  # here: surveys imports roadmap

    result.created += create_default_indicators()
    return result
