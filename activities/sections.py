"""The activities section of an organisation's page (registered in partners.sections)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from activities import selectors


def organisation_activities(organisation: Any, user: Any) -> dict[str, Any] | None:
    """The organisation's activities (as ``user`` may see them) and its meetings this year."""
    if not policy.can(user, "activities.list"):
        return None
    year = timezone.localdate().year
    return {
        "title": _("Aktiviteter och träffar"),
        "template": "activities/_organisation_section.html",
        "context": {
            "activities": selectors.list_organisation_activities(
                organisation=organisation, visible_to=user
            ),
            "meetings": selectors.list_organisation_meetings(
                organisation=organisation, visible_to=user, year=year
            ),
            "year": year,
        },
    }
