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
        # The registry passes data=section.context; this template hands it to audit/_history.html.
        "template": "audit/_organisation_history.html",
        "context": {"entries": selectors.describe(selectors.history_for(organisation))},
    }
