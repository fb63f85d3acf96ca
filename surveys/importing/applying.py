"""Applying a planned import through the survey services, all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys import services
from surveys.importing.planning import plan_import
from surveys.importing.reading import read_content
from surveys.importing.results import ImportResult, RowError
from surveys.models import Response, ResponseEvent, SurveyRound

if TYPE_CHECKING:
    from accounts.models import User


# --- applying ---------------------------------------------------------------------------------


class _Rollback(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _reopen_for_import(response: Response, *, by: User | None) -> Response:
    """Unlock a submitted or approved response to take the office's imported changes. Unlike
    :func:`services.reopen_response` nobody is e-mailed: no one is asked to change anything."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    was_approved = locked.state == Response.State.APPROVED
    reason = _("Ändrat av kansliet genom import av en fil.")
    locked.state = Response.State.REOPENED
    locked.reopen_reason = reason
    locked.changed_since_reopen = False
    locked.approved_at = None
    locked.version += 1
    locked.save(
        update_fields=["state", "reopen_reason", "changed_since_reopen", "approved_at", "version"]
    )
    ResponseEvent.objects.create(
        response=locked,
        kind=ResponseEvent.Kind.REOPENED,
        by=by,
        message=reason,
        data={"import": True},
    )
    if was_approved:
        services.schedule_recompute()
    return locked


def _submit_for_approval(response: Response, *, by: User | None) -> Response:
    """Mark the response submitted on the office's behalf, so that the approval service (the one
    path to "approved", which schedules the recompute) takes it. The form's submit checks (the
    deadline, every required question) are not applied: the office imports history."""
    updated = Response.objects.filter(
        pk=response.pk, state__in=list(Response.EDITABLE_STATES)
    ).update(
        state=Response.State.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=by,
        version=F("version") + 1,
    )
    if not updated:
        raise _Rollback(_("Svaret från %(org)s ändrades under importen.") % {"org": response})
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.SUBMITTED,
        by=by,
        message=_("Inskickat av kansliet genom import."),
        data={"import": True},
    )
    response.refresh_from_db()
    return response


def _apply(result: ImportResult, *, by: User | None) -> None:
    for plan in result.organisations:
        response = plan.response
        if plan.posted:
            if response is not None and not response.is_editable:
                response = _reopen_for_import(response, by=by)
            saved = services.save_answers(
                survey_round=result.survey_round,
                organisation=plan.organisation,
                slots=plan.slots,
                posted=plan.posted,
                by=by,
                response=response,
            )
            if saved.errors or saved.conflicts:
                problems = [f"{name}: {message}" for name, message in saved.errors.items()]
                problems += [
                    _("%(field)s ändrades samtidigt av någon annan") % {"field": c.field_name}
                    for c in saved.conflicts
                ]
                raise _Rollback("; ".join(problems))
            response = saved.response
        if plan.approve and response is not None:
            response.refresh_from_db()
            if response.state != Response.State.SUBMITTED:
                response = _submit_for_approval(response, by=by)
            try:
                services.approve_response(response=response, by=by)
            except ValidationError as exc:
                raise _Rollback(" ".join(exc.messages)) from exc


def import_long(
    survey_round: SurveyRound, file_obj: Any, *, approve: bool, by: User | None = None
) -> ImportResult:
    """Import the long file ``file_obj`` (bytes, a path or an open binary file) into the round:
    every answer or none. Returns the plan; ``applied`` says whether it was written, ``errors``
    names each bad row (then nothing was written)."""
    content, _name = read_content(file_obj)
    result = ImportResult(survey_round=survey_round, approve=approve)
    try:
        with transaction.atomic():
            result = plan_import(survey_round, content, approve=approve)
            if not result.ok:
                return result
            _apply(result, by=by)
            result.applied = True
    except _Rollback as exc:
        result.applied = False
        result.errors.append(RowError(1, exc.message))
    return result
