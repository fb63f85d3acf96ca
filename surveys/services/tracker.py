""" "Remind all not submitted" on the office's round tracker (issue 20.4).

"Remind all" sends one reminder to each organisation that has not submitted (no response,
  not started, draft, reopened): the same mail, contacts and history as "Påminn nu" per row.
  An organisation already reminded by hand today is skipped, so a second click (or a reminder
  sent a moment earlier from its row) never sends a second mail the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from surveys.models import Response, SurveyRound
from surveys.selectors.rounds import EXPECTED_STATUSES
from surveys.services.reminders import send_reminder

if TYPE_CHECKING:
    from accounts.models import User

DONE_STATES = frozenset({Response.State.SUBMITTED, Response.State.APPROVED})


@dataclass
class RemindAllResult:
    sent: int = 0  # organisations a reminder went to
    already: int = 0  # reminded by hand today: skipped
    unreachable: int = 0  # nobody with an e-mail address

    @property
    def considered(self) -> int:
        return self.sent + self.already + self.unreachable


def not_submitted(survey_round: SurveyRound) -> list[Any]:
    """The round's organisations that have not submitted, as the tracker lists them: every
    expected organisation and any other with a response, minus those submitted or approved."""
    from partners.models import Organisation

    done = Response.objects.filter(round=survey_round, state__in=list(DONE_STATES))
    return list(
        Organisation.objects.filter(
            Q(status__in=EXPECTED_STATUSES) | Q(survey_responses__round=survey_round)
        )
        .exclude(pk__in=done.values("organisation_id"))
        .distinct()
        .order_by("name")
    )


def reminded_today(survey_round: SurveyRound) -> set[int]:
    """Organisations that got a reminder by hand today (from their row or "remind all")."""
    from outbox.models import OutgoingEmail

    # A manual reminder's dedupe key ends in the local time it was sent (send_reminder).
    prefix = f"survey-reminder:{survey_round.pk}:"
    today = timezone.localdate().isoformat()
    keys = OutgoingEmail.objects.filter(
        dedupe_key__startswith=prefix, dedupe_key__contains=f":manual:{today}"
    ).values_list("dedupe_key", flat=True)
    return {int(key.split(":")[2]) for key in keys if key}


def remind_all(*, survey_round: SurveyRound, by: User) -> RemindAllResult:
    """One reminder to each organisation of the round that has not submitted."""
    result = RemindAllResult()
    with transaction.atomic():
        # Two clicks at once: the second waits here, then finds today's reminders sent.
        SurveyRound.objects.select_for_update().filter(pk=survey_round.pk).first()
        skipped = reminded_today(survey_round)
        for organisation in not_submitted(survey_round):
            if organisation.pk in skipped:
                result.already += 1
            elif send_reminder(survey_round=survey_round, organisation=organisation, by=by):
                result.sent += 1
            else:
                result.unreachable += 1
    return result
