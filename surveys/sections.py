"""The "survey status" section on an organisation's page (partners.sections registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from accounts import policy
from surveys.models import Response, SurveyRound

if TYPE_CHECKING:
    from partners.models import Organisation


def survey_status(organisation: Organisation, user: Any) -> dict[str, Any] | None:
    """The latest rounds' state for this organisation; office and its own contacts only."""
    if not policy.can(user, "surveys.view_response", organisation):
        return None
    rounds = list(SurveyRound.objects.order_by("-year")[:3])
    if not rounds:
        return None
    responses = {
        r.round_id: r for r in Response.objects.filter(organisation=organisation, round__in=rounds)
    }
    rows = [
        {
            "round": survey_round,
            "response": responses.get(survey_round.pk),
            "state_label": (
                responses[survey_round.pk].get_state_display()
                if survey_round.pk in responses
                else Response.State.NOT_STARTED.label
            ),
        }
        for survey_round in rounds
    ]
    return {
        "title": _("Årlig enkät"),
        "template": "surveys/_organisation_section.html",
        "context": {"rows": rows, "organisation": organisation},
    }
