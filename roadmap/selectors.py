"""Reads of the roadmap's reference data."""

from django.db.models import QuerySet

from roadmap.models import Challenge, FocusArea


def list_focus_areas_with_challenges() -> QuerySet[FocusArea]:
    return FocusArea.objects.prefetch_related("challenges")


def list_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("focus_area")
