"""Saving answers: drafts, per-field versions and conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Field, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit import registry as audit_registry
from audit import services as audit_services
from surveys import selectors
from surveys.models import Answer, Response, ResponseEvent, SurveyRound
from surveys.rules import AnswerData, Problem, Slot, field_error

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


class SubmissionBlocked(ValidationError):
    """Hard rules or soft rules without a comment stop a submission; ``problems`` lists them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__([f"{p.label}: {p.message}" for p in problems])
        self.problems = problems


# Lazy: a module constant, translated into the language of the request that raises it.
LOCKED_MESSAGE = gettext_lazy("Svaret är inskickat och låst. Kansliet kan öppna det igen.")


# --- filling in ---------------------------------------------------------------------------------
@dataclass
class Conflict:
    field_name: str
    label: str
    theirs: AnswerData
    yours: AnswerData
    version: int
    by: str = ""


@dataclass
class SaveResult:
    response: Response
    saved: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    # Every stored answer of the response after the save (the saved ones as posted).
    answers: dict[str, AnswerData] = field(default_factory=dict)


def _get_or_create_response(
    survey_round: SurveyRound, organisation: Organisation, state: str = Response.State.DRAFT
) -> Response:
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(
                round=survey_round, organisation=organisation, defaults={"state": state}
            )
    except IntegrityError:  # a colleague created it a moment ago
        response = Response.objects.get(round=survey_round, organisation=organisation)
    return response


def _update_answers(answers: list[Answer], *, by: User | None, now: datetime) -> None:
    """Write the changed ``answers`` (their new content already set on them) in one UPDATE:
    a column all of them give the same value is set plainly, a ``Case`` on the id only where
    they differ (``bulk_update()`` would build a CASE for every column). The version goes up by
    one in SQL: each row was read, locked, at the version the form had loaded. The audit trail
    records one entry per answer from the values as loaded, as it does for bulk_update()."""
    values: dict[str, Any] = {
        # by=None: a command or the import run by the system (no acting user).
        "updated_by": by,
        "updated_at": now,
        "version": F("version") + 1,
    }
    # carried_from_year: a changed answer is this year's own, no longer last year's (issue 20.3).
    for name in ("raw", "choice", "not_reported", "comment", "value", "carried_from_year"):
        first = getattr(answers[0], name)
        if all(getattr(answer, name) == first for answer in answers):
            values[name] = first
            continue
        model_field = cast("Field[Any, Any]", Answer._meta.get_field(name))
        case: Case | Cast = Case(
            *(
                When(pk=answer.pk, then=Value(getattr(answer, name), output_field=model_field))
                for answer in answers
            ),
            output_field=model_field,
        )
        # As bulk_update() does: PostgreSQL cannot tell the type of a CASE of parameters.
        if connection.features.requires_casted_case_in_updates:
            case = Cast(case, output_field=model_field)
        values[name] = case
    audit_registry.update_instances(
        Answer.objects.filter(pk__in=[answer.pk for answer in answers]), answers, **values
    )


def _editor(user: User | None) -> str:
    """The last editor's name as ``User.get_full_name()`` gives it, else the username."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.get_username()


def _locked_answers(
    response: Response, result: SaveResult
) -> tuple[list[str], dict[str, int], dict[str, tuple[Any, ...]]]:
    """The response's answers as plain rows, locked until the transaction commits: their
    columns, each column's index, and the rows by field name. Every answer also goes into
    ``result.answers`` (the progress the save returns)."""
    # Read inside the transaction and locked until it commits (FOR UPDATE on PostgreSQL;
    # SQLite's IMMEDIATE transaction holds the write lock from its start): the version compared
    # in save_answers is then the version the row still has when it is written, so a colleague's
    # save in between is a conflict, never overwritten. Plain rows (one query), all of the
    # response's answers: they are also the progress the save returns. An
    # instance only for a row written.
    fields, rows = selectors.locked_answer_rows(response.pk)
    at = {name: i for i, name in enumerate(fields)}
    stored_rows = {row[at["field_name"]]: row for row in rows}
    for fetched in rows:
        result.answers[fetched[at["field_name"]]] = AnswerData(
            fetched[at["raw"]],
            fetched[at["choice"]],
            fetched[at["not_reported"]],
            fetched[at["comment"]],
            fetched[at["value"]],
        )
    return fields, at, stored_rows


def _apply_posted(
    stored: Answer,
    data: AnswerData,
    *,
    value: Decimal | None,
    by: User | None,
    now: datetime,
    version: int,
) -> None:
    """The stored answer as the UPDATE will write it (in memory; saved in bulk)."""
    stored.raw = data.raw
    stored.choice = data.choice
    stored.not_reported = data.not_reported
    stored.comment = data.comment
    stored.value = value
    stored.carried_from_year = None
    stored.updated_by = by
    stored.updated_at = now
    stored.version = version  # as the UPDATE writes it: F("version") + 1


def _create_answer(
    response: Response,
    slot: Slot,
    data: AnswerData,
    *,
    value: Decimal | None,
    by: User | None,
    now: datetime,
) -> Conflict | None:
    """Create the field's first answer; a conflict if a colleague created it since we looked."""
    name = slot.field_name
    try:
        with transaction.atomic():
            Answer.objects.create(
                response=response,
                question=slot.question,
                field_name=name,
                year=slot.year,
                challenge_id=slot.challenge_id,
                version=1,
                raw=data.raw,
                choice=data.choice,
                not_reported=data.not_reported,
                comment=data.comment,
                value=value,
                updated_by=by,
                updated_at=now,
            )
    except IntegrityError:  # created by a colleague since we looked
        theirs = Answer.objects.get(response=response, field_name=name)
        return Conflict(
            name,
            slot.label,
            AnswerData(theirs.raw, theirs.choice, theirs.not_reported, theirs.comment),
            data,
            theirs.version,
        )
    return None


def _name_conflict_editors(result: SaveResult, conflict_editors: dict[str, int]) -> None:
    """Name the colleague who made each conflicting change (one query)."""
    from accounts.models import User as UserModel

    editors = {
        user.pk: _editor(user)
        for user in UserModel.objects.filter(pk__in=set(conflict_editors.values()))
    }
    for conflict in result.conflicts:
        if conflict.field_name in conflict_editors:
            conflict.by = editors.get(conflict_editors[conflict.field_name], "")


def _mark_response_saved(
    response: Response, result: SaveResult, *, by: User | None, now: datetime
) -> None:
    """Record the save on the response (last edit, state, version) and its "saved" event;
    refused (and rolled back) if the response was locked meanwhile."""
    changes: dict[str, Any] = {"last_edited_at": now, "last_edited_by": by}
    if response.state == Response.State.NOT_STARTED:
        changes["state"] = Response.State.DRAFT
    if response.state == Response.State.REOPENED:
        changes["changed_since_reopen"] = True
    # The instance as the row will be, without reading it again: the values written
    # (the audit trail records them against the values this request loaded), and the
    # version (incremented in SQL) left to be read if asked for.
    for name, value in changes.items():
        setattr(response, name, value)
    # Only an editable response is touched: a submit that raced us wins.
    touched = audit_registry.update_instances(
        Response.objects.filter(pk=response.pk, state__in=list(Response.EDITABLE_STATES)),
        [response],
        version=F("version") + 1,
        **changes,
    )
    if not touched:
        transaction.set_rollback(True)
        raise ValidationError(LOCKED_MESSAGE)
    response.__dict__.pop("version", None)  # a deferred field: loaded on access
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.SAVED,
        by=by,
        data={"fields": result.saved[:50]},
    )


def _stored_content(row: tuple[Any, ...] | None, at: dict[str, int]) -> AnswerData:
    """What a stored row holds as typed (no value: compared by content), empty if none."""
    if not row:
        return AnswerData()
    return AnswerData(
        row[at["raw"]], row[at["choice"]], row[at["not_reported"]], row[at["comment"]]
    )


def _log_conflicts(response: Response, result: SaveResult, *, by: User | None) -> None:
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.CONFLICT,
        by=by,
        data={"fields": [c.field_name for c in result.conflicts][:50]},
    )


def save_answers(
    *,
    survey_round: SurveyRound,
    organisation: Organisation,
    slots: list[Slot],
    posted: dict[str, tuple[AnswerData, int]],
    by: User | None,
    response: Response | None = None,
) -> SaveResult:
    """Save the posted fields of a draft. ``posted`` maps field name → (data, loaded version).
    ``response``: the organisation's response for the round if the caller has just loaded it
    (created here otherwise).

    Every field is saved as typed (valid or not; the field's problem is returned in ``errors``).
    A field whose stored version moved on since the form was loaded, and whose stored content
    differs from what was posted, is not written: it is returned as a :class:`Conflict` with
    both values. Unchanged fields are not written at all.
    """
    if response is None:
        response = _get_or_create_response(survey_round, organisation)
    result = SaveResult(response=response)
    if not response.is_editable:
        raise ValidationError(LOCKED_MESSAGE)
    by_name = {slot.field_name: slot for slot in slots}
    now = timezone.now()
    # deferred(): the audit entries of the answers and of the response in one INSERT.
    with transaction.atomic(), audit_services.deferred():
        fields, at, stored_rows = _locked_answers(response, result)
        changed: list[Answer] = []
        conflict_editors: dict[str, int] = {}  # field name → the last editor's id
        for name, (data, loaded_version) in posted.items():
            slot = by_name.get(name)
            if slot is None:
                continue
            error = field_error(slot, data)
            if error:
                result.errors[name] = error
                data.value = None
            row = stored_rows.get(name)
            stored_data = _stored_content(row, at)
            current_version = row[at["version"]] if row else 0
            if stored_data.same_content(data):
                result.versions[name] = current_version
                continue
            if loaded_version != current_version:
                result.conflicts.append(
                    Conflict(name, slot.label, stored_data, data, current_version)
                )
                if row and row[at["updated_by_id"]]:
                    conflict_editors[name] = row[at["updated_by_id"]]
                continue
            stored = None if row is None else Answer.from_db(connection.alias, fields, row)
            value = None if data.not_reported else data.value
            if stored is None:
                conflict = _create_answer(response, slot, data, value=value, by=by, now=now)
                if conflict is not None:
                    result.conflicts.append(conflict)
                    continue
                result.versions[name] = 1
            else:
                _apply_posted(stored, data, value=value, by=by, now=now, version=loaded_version + 1)
                stored.response = response  # the audit entry's organisation, without a query
                changed.append(stored)
                result.versions[name] = loaded_version + 1
            result.saved.append(name)
            result.answers[name] = data
        if conflict_editors:  # who made the colleague's change, named in the conflict
            _name_conflict_editors(result, conflict_editors)
        if changed:
            _update_answers(changed, by=by, now=now)
        if result.saved:
            _mark_response_saved(response, result, by=by, now=now)
        if result.conflicts:
            _log_conflicts(response, result, by=by)
    return result
