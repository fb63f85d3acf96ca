"""Writes for the roadmap's reference data and the partnership's logo and accent colour."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction

from roadmap import branding, reference
from roadmap.models import (
    Challenge,
    Cluster,
    FocusArea,
    Goal,
    PartnershipBranding,
    PartnershipPeriod,
    Sector,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User


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


@transaction.atomic
def update_branding(
    *, accent: str, logo: UploadedFile | None, remove_logo: bool, by: User
) -> PartnershipBranding:
    """Store the accent colour and, if given, a new logo (checked again here: the form is not
    the only caller). Safe to repeat: nothing changes when nothing differs."""
    accent = branding.validate_accent(accent)
    row, created = PartnershipBranding.objects.select_for_update().get_or_create(
        pk=PartnershipBranding.SINGLETON_PK
    )
    old_logo = row.logo.name if row.logo else ""
    if not created and accent == row.accent and logo is None and not (remove_logo and old_logo):
        return row
    row.accent = accent
    if logo is not None:
        data = logo.read()
        checked = branding.check_logo(data)
        # A random name: the upload's own name never reaches the disk or a URL.
        row.logo.save(f"logo-{uuid.uuid4().hex}.{checked.kind}", ContentFile(data), save=False)
        row.logo_content_type = checked.content_type
    elif remove_logo:
        row.logo = ""
        row.logo_content_type = ""
    row.version += 1
    row.updated_by = by
    row.save()
    if old_logo and old_logo != row.logo.name:
        storage = row.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return row
