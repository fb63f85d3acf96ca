"""The history section on an organisation's page (partners.sections registry), office only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from accounts import policy
from audit import selectors

if TYPE_CHECKING:
    from partners.models import Organisation


def organisation_history(organisation: Organisation, user: Any) -> dict[str, Any] | None:
    if not policy.can(user, "audit.view_history", organisation):
        return None
    return {
        "title": _("Historik"),
        "template": "audit/_history.html",
        "context": {"entries": selectors.describe(selectors.history_for(organisation))},
    }
