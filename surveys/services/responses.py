"""The response state machine: submit, approve, reopen, and deadline extensions."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys import selectors
from surveys.models import (
    DeadlineExtension,
    FollowUpSettings,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.rules import Problem, check_response
from surveys.services.answers import LOCKED_MESSAGE, SubmissionBlocked, _get_or_create_response
from surveys.services.carryover import carried_problems
from surveys.services.indicators import schedule_recompute
from surveys.services.reminders import _mail_survey_contacts

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


def response_problems(state: selectors.FormState) -> list[Problem]:
    """The rules' problems, and a hard one per section with carried-over answers nobody has
    confirmed yet (issue 20.3), hard ones first."""
    # By the period's id: the form page loads its round without the period (one query fewer).
    period_id = state.survey_round.period_id
    found = FollowUpSettings.objects.filter(period_id=period_id).first() if period_id else None
    settings = found or FollowUpSettings()
    problems = check_response(
        state.slots,
        state.answers,
        state.previous,
        reporting_year=state.survey_round.reporting_year,
        change_warning_ratio=settings.change_warning_ratio,
    )
    problems += carried_problems(state)
    problems.sort(key=lambda p: not p.hard)
    return problems


def submit_response(*, state: selectors.FormState, by: User, today: date | None = None) -> Response:
    """Submit (and lock) a response. Raises ValidationError listing what blocks it: the deadline
    (unless extended for this organisation), hard rules, soft rules without a comment, or a
    reopened response submitted without changes."""
    today = today or timezone.localdate()
    response = state.response
    if response is None:
        raise ValidationError(_("Det finns inga svar att skicka in ännu."))
    if not response.is_editable:
        raise ValidationError(LOCKED_MESSAGE)
    if today < state.survey_round.opens_on:
        raise ValidationError(
            _("Enkäten öppnar %(date)s; ni kan fylla i utkast men skicka in först då.")
            % {"date": state.survey_round.opens_on.isoformat()}
        )
    if today > state.deadline:
        raise ValidationError(
            _(
                "Enkäten stängde %(date)s. Kontakta kansliet om ni behöver mer tid; de kan "
                "förlänga tidsfristen för er organisation. Era utkast finns kvar."
            )
            % {"date": state.deadline.isoformat()}
        )
    if response.state == Response.State.REOPENED and not response.changed_since_reopen:
        raise ValidationError(
            _("Inget har ändrats sedan svaret öppnades igen. Gör ändringarna kansliet bad om.")
        )
    problems = response_problems(state)
    if problems:
        raise SubmissionBlocked(problems)
    with transaction.atomic():
        updated = Response.objects.filter(
            pk=response.pk, state=response.state, version=response.version
        ).update(
            state=Response.State.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=by,
            version=F("version") + 1,
        )
        if not updated:
            raise ValidationError(
                _("Svaret ändrades medan du skickade in. Kontrollera det och försök igen.")
            )
        ResponseEvent.objects.create(response=response, kind=ResponseEvent.Kind.SUBMITTED, by=by)
    response.refresh_from_db()
    return response


@transaction.atomic
def approve_response(*, response: Response, by: User | None) -> Response:
    """Approve a submitted response; indicators are recomputed after commit."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.state == Response.State.APPROVED:
        return locked
    if locked.state != Response.State.SUBMITTED:
        raise ValidationError(_("Bara inskickade svar kan godkännas."))
    locked.state = Response.State.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = by
    locked.version += 1
    locked.save(update_fields=["state", "approved_at", "approved_by", "version"])
    ResponseEvent.objects.create(response=locked, kind=ResponseEvent.Kind.APPROVED, by=by)
    schedule_recompute()
    return locked


@transaction.atomic
def reopen_response(*, response: Response, reason: str, by: User) -> Response:
    """Reopen a submitted or approved response for editing, with a reason the partner sees."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Ange varför svaret öppnas igen."))
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.state not in {Response.State.SUBMITTED, Response.State.APPROVED}:
        raise ValidationError(_("Bara inskickade eller godkända svar kan öppnas igen."))
    was_approved = locked.state == Response.State.APPROVED
    locked.state = Response.State.REOPENED
    locked.reopen_reason = reason
    locked.changed_since_reopen = False
    locked.approved_at = None
    locked.version += 1
    locked.save(
        update_fields=["state", "reopen_reason", "changed_since_reopen", "approved_at", "version"]
    )
    ResponseEvent.objects.create(
        response=locked, kind=ResponseEvent.Kind.REOPENED, by=by, message=reason
    )
    _mail_survey_contacts(
        locked.round,
        locked.organisation,
        template="surveys/mail/reopened",
        context={"reason": reason},
        dedupe_key=f"survey-reopened:{locked.pk}:{locked.version}",
        escalate=False,
        bulk=False,
    )
    if was_approved:
        schedule_recompute()
    return locked


@transaction.atomic
def extend_deadline(
    *, survey_round: SurveyRound, organisation: Organisation, until: date, reason: str, by: User
) -> DeadlineExtension:
    if until < survey_round.closes_on:
        raise ValidationError(_("Den nya tidsfristen måste vara efter omgångens stängningsdatum."))
    extension, _created = DeadlineExtension.objects.update_or_create(
        round=survey_round,
        organisation=organisation,
        defaults={"until": until, "reason": reason[:300], "created_by": by},
    )
    response = _get_or_create_response(survey_round, organisation, Response.State.NOT_STARTED)
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.EXTENDED,
        by=by,
        message=reason,
        data={"until": until.isoformat()},
    )
    return extension
