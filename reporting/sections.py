"""The reports section on an organisation's page (registered in ``ReportingConfig.ready``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from reporting import selectors

if TYPE_CHECKING:
    from partners.models import Organisation


def organisation_reports(organisation: Organisation, user: Any) -> dict[str, Any] | None:
    """The organisation's published reports that ``user`` may download, or None."""
    reports = list(selectors.list_organisation_reports(organisation=organisation, visible_to=user))
    if not reports:
        return None
    return {
        "title": _("Årliga rapporter"),
        "template": "reporting/_organisation_reports.html",
        "context": {"reports": reports},
    }
