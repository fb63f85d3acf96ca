"""The spaces section of an organisation's page (registered in partners.sections by
spaces.apps): the organisation's groupings and working groups, and its knowledge sharing this
year (the indicator counts, so the office sees the same figures the follow-up uses)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from spaces import selectors
from spaces.models import Space


def organisation_spaces(organisation: Any, user: Any) -> dict[str, Any] | None:
    """For the office and the organisation's own contacts only: membership is not secret, but
    the counts are the organisation's own follow-up figures."""
    if not (policy.is_office(user) or organisation.pk in policy.organisation_ids(user)):
        return None
    year = timezone.localdate().year
    spaces = Space.objects.filter(
        selectors.spaces_of_organisations(frozenset({organisation.pk}))
    ).select_related("challenge", "activity")
    counts = selectors.knowledge_sharing_counts(year, organisation_ids=[organisation.pk]).get(
        organisation.pk
    )
    return {
        "title": _("Rum och kunskapsdelning"),
        "template": "spaces/_organisation_section.html",
        "context": {
            "spaces": list(spaces),
            "counts": counts or selectors.KnowledgeSharingCounts(),
            "year": year,
        },
    }
