"""The "emissions against the 20 % path" chart on an organisation's page (partners.sections
registry, issue 20): for whoever may see that organisation's follow-up, with its downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import policy
from surveys import charts, selectors

if TYPE_CHECKING:
    from partners.models import Organisation


def emissions_chart(organisation: Organisation, user: Any) -> dict[str, Any] | None:
    if not policy.can(user, "surveys.view_followup") or not policy.can(
        user, "surveys.view_organisation_followup", organisation
    ):
        return None
    series = selectors.organisation_emissions_series(organisation)
    return {
        "title": _("Utsläpp mot 20 %-banan"),
        "template": "surveys/_emissions_chart_section.html",
        "context": {
            "chart": charts.pathway_chart(series, slug=f"pathway-{organisation.pk}"),
            "download_url": reverse("charts:pathway_svg", args=[organisation.pk]),
            "figures_url": reverse("surveys:organisation_figures", args=[organisation.pk]),
        },
    }
