"""Writes for the annual survey: rounds, saving answers, the response state machine, deadline
extensions, reminders and manual indicator values.

State machine (survey-and-ghg.md §4): not started → draft → submitted (locked) → reopened (by the
office, with a reason) → submitted → approved. Drafts keep whatever was typed, valid or not;
rules are checked on submit. Concurrent edits: each field carries the version it was loaded
with and is written with a conditional UPDATE, so a stale save is refused for that field and
both values are handed back (nothing typed is lost).

Every change that affects indicators (approve, reopen of an approved response, a manual value)
schedules a recompute after commit (``tasks.recompute_indicators``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import registry as audit_registry
from audit import services as audit_services
from klimatfardplan.queue import publish_on_commit
from surveys import selectors
from surveys.models import (
    Answer,
    BoundaryDecision,
    DeadlineExtension,
    Indicator,
    ManualIndicatorValue,
    Question,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.questionnaire import (
    DEFAULT_INDICATORS,
    INDICATOR_NAMES_EN,
    MAX_TONNES,
    QUESTIONS,
    REPLACED_INDICATOR_NAMES,
)
from surveys.rules import LARGE_TONNES, AnswerData, Problem, Slot, check_response, field_error

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


class SubmissionBlocked(ValidationError):
    """Hard rules or soft rules without a comment stop a submission; ``problems`` lists them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__([f"{p.label}: {p.message}" for p in problems])
        self.problems = problems


LOCKED_MESSAGE = _("Svaret är inskickat och låst. Kansliet kan öppna det igen.")


# --- rounds -------------------------------------------------------------------------------------


@transaction.atomic
def create_round(
    *,
    year: int,
    opens_on: date,
    closes_on: date,
    by: User | None,
    data_years: list[int] | None = None,
    copy_from: SurveyRound | None = None,
    name: str = "",
) -> SurveyRound:
    """Create the round for ``year`` by copying the last round's questionnaire (or the default
    questionnaire for the very first round). The office then edits the copy."""
    if SurveyRound.objects.filter(year=year).exists():
        raise ValidationError(_("Det finns redan en enkätomgång för %(year)s.") % {"year": year})
    if closes_on < opens_on:
        raise ValidationError(_("Stängningsdatum kan inte ligga före öppningsdatum."))
    source = copy_from or SurveyRound.objects.filter(year__lt=year).order_by("-year").first()
    period = selectors.current_period()
    survey_round = SurveyRound.objects.create(
        year=year,
        name=name or _("Enkät %(year)s") % {"year": year},
        reporting_year=year - 1,
        data_years=data_years or [year - 1],
        opens_on=opens_on,
        closes_on=closes_on,
        period=period,
        copied_from=source,
        reminder_offsets=list(source.reminder_offsets) if source else [14, 7, 1],
        escalation_offsets=list(source.escalation_offsets) if source else [1],
    )
    if source is not None:
        copies = []
        for question in source.questions.all():
            question.pk = None
            question.round = survey_round
            copies.append(question)
        Question.objects.bulk_create(copies)
    else:
        Question.objects.bulk_create(
            Question(
                round=survey_round,
                key=spec.key,
                section=spec.section,
                order=i * 10,
                kind=spec.kind,
                text_sv=spec.text,
                text_en=spec.text_en,
                help_sv=spec.help,
                help_en=spec.help_en,
                unit=spec.unit,
                choices=spec.choices,
                required=spec.required,
                per_year=spec.per_year,
                per_commitment=spec.per_commitment,
                min_value=spec.min_value,
                max_value=spec.max_value,
                breakdown_of=spec.breakdown_of,
            )
            for i, spec in enumerate(QUESTIONS)
        )
    return survey_round


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
    a column all of them give the same value is set plainly, a CASE on the id only where they
    differ (``bulk_update()`` would build a CASE for every column). The version goes up by one
    in SQL: each row was read, locked, at the version the form had loaded. The audit trail
    records one entry per answer from the values as loaded, as it does for bulk_update().

    Hand-written SQL (names quoted from ``_meta``, every value a parameter prepared by its
    field): compiling the CASE expressions through the ORM cost more than running them."""
    meta = Answer._meta
    qn = connection.ops.quote_name
    casted = connection.features.requires_casted_case_in_updates
    pk_column = qn(meta.pk.column)
    assignments: list[str] = []
    params: list[Any] = []

    def model_field(name: str) -> Field[Any, Any]:
        return cast("Field[Any, Any]", meta.get_field(name))

    def prep(name: str, value: Any) -> Any:
        return model_field(name).get_db_prep_save(value, connection)

    # by=None: a command or the import run by the system (no acting user).
    for name, value in (("updated_by", by.pk if by else None), ("updated_at", now)):
        assignments.append(f"{qn(model_field(name).column)} = %s")
        params.append(prep(name, value))
    version = qn(model_field("version").column)
    assignments.append(f"{version} = {version} + 1")
    for name in ("raw", "choice", "not_reported", "comment", "value"):
        column = qn(model_field(name).column)
        first = getattr(answers[0], name)
        if all(getattr(answer, name) == first for answer in answers):
            assignments.append(f"{column} = %s")
            params.append(prep(name, first))
            continue
        whens = []
        for answer in answers:
            whens.append(f"WHEN {pk_column} = %s THEN %s")
            params.extend([answer.pk, prep(name, getattr(answer, name))])
        case = f"CASE {' '.join(whens)} ELSE NULL END"
        if casted:
            case = f"CAST({case} AS {model_field(name).db_type(connection)})"
        assignments.append(f"{column} = {case}")
    ids = [answer.pk for answer in answers]
    params.extend(ids)
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 (names quoted)
        f"WHERE {pk_column} IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    # The entries as update_instances() records them (from the instances as loaded).
    audit_registry.record_instances(
        Answer,
        answers,
        [
            "updated_by",
            "updated_at",
            "version",
            "raw",
            "choice",
            "not_reported",
            "comment",
            "value",
        ],
    )


def _editor(user: User | None) -> str:
    """The last editor's name as ``User.get_full_name()`` gives it, else the username."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.get_username()


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
        # The response's stored answers, read inside the transaction and locked until it
        # commits (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock
        # from its start): the version compared below is then the version the row still has
        # when it is written, so a colleague's save in between is a conflict, never overwritten.
        # Plain rows (one query compiled once per process), all of the response's answers: they
        # are also the progress the save returns. An instance only for a row written.
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
            stored_data = (
                AnswerData(
                    row[at["raw"]], row[at["choice"]], row[at["not_reported"]], row[at["comment"]]
                )
                if row
                else AnswerData()
            )
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
                    result.conflicts.append(
                        Conflict(
                            name,
                            slot.label,
                            AnswerData(
                                theirs.raw, theirs.choice, theirs.not_reported, theirs.comment
                            ),
                            data,
                            theirs.version,
                        )
                    )
                    continue
                result.versions[name] = 1
            else:
                stored.raw = data.raw
                stored.choice = data.choice
                stored.not_reported = data.not_reported
                stored.comment = data.comment
                stored.value = value
                stored.updated_by = by
                stored.updated_at = now
                stored.version = loaded_version + 1  # as the UPDATE writes it: F("version") + 1
                stored.response = response  # the audit entry's organisation, without a query
                changed.append(stored)
                result.versions[name] = loaded_version + 1
            result.saved.append(name)
            result.answers[name] = data
        if conflict_editors:  # who made the colleague's change, named in the conflict
            from accounts.models import User as UserModel

            editors = {
                user.pk: _editor(user)
                for user in UserModel.objects.filter(pk__in=set(conflict_editors.values()))
            }
            for conflict in result.conflicts:
                if conflict.field_name in conflict_editors:
                    conflict.by = editors.get(conflict_editors[conflict.field_name], "")
        if changed:
            _update_answers(changed, by=by, now=now)
        if result.saved:
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
        if result.conflicts:
            ResponseEvent.objects.create(
                response=response,
                kind=ResponseEvent.Kind.CONFLICT,
                by=by,
                data={"fields": [c.field_name for c in result.conflicts][:50]},
            )
    return result


def response_problems(state: selectors.FormState) -> list[Problem]:
    settings = selectors.followup_settings(state.survey_round.period)
    return check_response(
        state.slots,
        state.answers,
        state.previous,
        reporting_year=state.survey_round.reporting_year,
        change_warning_ratio=settings.change_warning_ratio,
    )


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


# --- reminders ----------------------------------------------------------------------------------


def _survey_contacts(organisation: Organisation, *, escalate: bool) -> list[tuple[Any, bool]]:
    """Who gets the organisation's survey mail: every active contributor and the submitter,
    and on an escalation the main contact as well (added, never instead). An organisation
    with nobody in a survey role reaches its main contact, so the mail goes to someone.
    Returns (contact, is main contact), one per address, in name order."""
    from partners.models import Membership

    memberships = list(
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("contact__user")
        .order_by("contact__last_name", "contact__first_name", "contact_id")
    )
    workers = [m for m in memberships if m.is_survey_contributor or m.is_survey_submitter]
    mains = [m for m in memberships if m.is_main_contact]
    chosen = workers + mains if escalate or not workers else workers
    is_main = {m.contact_id for m in mains}
    found: dict[str, tuple[Any, bool]] = {}
    for membership in chosen:
        contact = membership.contact
        address = (contact.email or "").strip().lower()
        if address and address not in found:
            found[address] = (contact, contact.pk in is_main)
    return list(found.values())


def _mail_survey_contacts(
    survey_round: SurveyRound,
    organisation: Organisation,
    *,
    template: str,
    context: dict[str, Any],
    dedupe_key: str | None,
    escalate: bool,
    bulk: bool,
) -> list[int]:
    """One mail per person (each in their own language, see outbox.mail), the form's absolute
    link in each. Returns the ids of the contacts a mail was queued for."""
    from outbox import mail

    form_url = mail.url(
        "surveys:response_form", round_pk=survey_round.pk, organisation_pk=organisation.pk
    )
    # Reminders are bulk mail: List-Unsubscribe names the organisation's page, where the survey
    # roles are listed, and a mail to the office that takes a person off the survey.
    unsubscribe = (
        mail.Unsubscribe(
            url=mail.url("partners:organisation_detail", pk=organisation.pk),
            mailto_subject=f"Enkätpåminnelser {organisation.name}",
        )
        if bulk
        else None
    )
    queued = []
    for contact, is_main_contact in _survey_contacts(organisation, escalate=escalate):
        email = mail.send_mail(
            to=mail.recipient_for_contact(contact),
            template=template,
            context={
                "round": survey_round,
                "organisation": organisation,
                "contact": contact,
                "as_main_contact": is_main_contact and escalate,
                "form_url": form_url,
                "action_url": form_url,
                "action_label": gettext_lazy("Öppna enkäten"),
                **context,
            },
            dedupe_key=f"{dedupe_key}:c{contact.pk}" if dedupe_key else None,
            unsubscribe=unsubscribe,
        )
        if email is not None:
            queued.append(contact.pk)
    return queued


def send_reminder(
    *,
    survey_round: SurveyRound,
    organisation: Organisation,
    by: User | None,
    offset: int | None = None,
    deadline: date | None = None,
    today: date | None = None,
) -> bool:
    """Email the organisation's survey contributors and submitter; on an escalation offset
    (``survey_round.escalation_offsets``) its main contact too. The response's history records
    who was reminded (contact ids), which the office's round page shows.

    With an ``offset`` the reminder for that offset is sent at most once, whatever beat does:
    each mail's dedupe key is ``survey-reminder:{round}:{org}:{offset}:c{contact}``."""
    from outbox.models import OutgoingEmail

    today = today or timezone.localdate()
    escalate = offset is not None and offset in [int(o) for o in survey_round.escalation_offsets]
    if offset is None:
        key = f"survey-reminder:{survey_round.pk}:{organisation.pk}:manual:{timezone.now().isoformat()}"
    else:
        key = f"survey-reminder:{survey_round.pk}:{organisation.pk}:{offset}"
        # Sent before (also in the one-mail-for-all form of earlier releases: the bare key).
        if OutgoingEmail.objects.filter(dedupe_key__startswith=key + ":").exists() or (
            OutgoingEmail.objects.filter(dedupe_key=key).exists()
        ):
            return False
    deadline = deadline or selectors.deadline_for(survey_round, organisation.pk)
    contacts = _mail_survey_contacts(
        survey_round,
        organisation,
        template="surveys/mail/reminder",
        context={"deadline": deadline, "days_left": (deadline - today).days},
        dedupe_key=key,
        escalate=escalate,
        bulk=True,
    )
    if not contacts:
        return False
    response = _get_or_create_response(survey_round, organisation, Response.State.NOT_STARTED)
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.REMINDED,
        by=by,
        data={"offset": offset, "escalated": escalate, "contacts": contacts},
    )
    return True


def current_offset(offsets: list[int], days_left: int) -> int | None:
    """The reminder window we are in: the smallest offset ≥ days left (None outside any).

    E.g. offsets [14, 7, 1]: 10 days left → 14, 5 days left → 7, deadline day → 1. A missed
    beat run therefore catches up with the current window only, never with older ones."""
    if days_left < 0:
        return None
    candidates = [o for o in offsets if o >= days_left]
    return min(candidates) if candidates else None


def send_due_reminders(*, today: date | None = None) -> int:
    """Send the automatic reminders due today to organisations that have not submitted.
    Safe to run any number of times a day (dedupe keys)."""
    today = today or timezone.localdate()
    sent = 0
    rounds = SurveyRound.objects.filter(opens_on__lte=today, closes_on__gte=today - timedelta(60))
    for survey_round in rounds:
        done = set(
            Response.objects.filter(
                round=survey_round,
                state__in=[Response.State.SUBMITTED, Response.State.APPROVED],
            ).values_list("organisation_id", flat=True)
        )
        extensions = dict(
            DeadlineExtension.objects.filter(round=survey_round).values_list(
                "organisation_id", "until"
            )
        )
        for organisation in selectors.expected_organisations():
            if organisation.pk in done:
                continue
            deadline = max(
                extensions.get(organisation.pk, survey_round.closes_on), survey_round.closes_on
            )
            # An escalation offset is a reminder day too, even if the office left it out of
            # the reminder offsets: the escalation adds the main contact to that day's mail.
            offset = current_offset(
                [int(o) for o in survey_round.reminder_offsets]
                + [int(o) for o in survey_round.escalation_offsets],
                (deadline - today).days,
            )
            if offset is None:
                continue
            if send_reminder(
                survey_round=survey_round,
                organisation=organisation,
                by=None,
                offset=offset,
                deadline=deadline,
                today=today,
            ):
                sent += 1
    return sent


# --- indicators ---------------------------------------------------------------------------------


def create_default_indicators() -> int:
    """Create the partnership's indicators that are missing (questionnaire.DEFAULT_INDICATORS);
    return how many were created. Part of the reference data (roadmap.services
    .load_reference_data), so a fresh install has them. Existing indicators (matched by key) are
    left as the office edited them, except a name still equal to a replaced default."""
    from roadmap.models import Goal

    goals = {g.code: g for g in Goal.objects.all()}
    created_count = 0
    for order, spec in enumerate(DEFAULT_INDICATORS):
        goal = goals.get(spec.goal)
        if goal is None:
            continue
        defaults = {
            "goal": goal,
            "name_sv": spec.name,
            "name_en": INDICATOR_NAMES_EN.get(spec.key, ""),
            "kind": spec.kind,
            "unit": spec.unit,
            "direction": spec.direction,
            "source": spec.source,
            "source_key": spec.source_key,
            "aggregation": spec.aggregation,
            "order": order,
        }
        _indicator, created = Indicator.objects.get_or_create(key=spec.key, defaults=defaults)
        created_count += created
        if not created and spec.key in INDICATOR_NAMES_EN:
            # An indicator made before the English names existed gets one; an edited one stays.
            Indicator.objects.filter(key=spec.key, name_en="").update(
                name_en=INDICATOR_NAMES_EN[spec.key]
            )
        if spec.key in REPLACED_INDICATOR_NAMES:
            # The old headline (a cross-partner S1 + S2 sum) now stores the on-path share.
            Indicator.objects.filter(
                key=spec.key, name_sv=REPLACED_INDICATOR_NAMES[spec.key]
            ).update(name_sv=spec.name, unit=spec.unit, direction=spec.direction)
    return created_count


def schedule_recompute() -> None:
    from surveys import tasks  # here: tasks import this module

    publish_on_commit(tasks.recompute_indicators)


MANUAL_LIMITS = {"t CO2e": MAX_TONNES, "%": Decimal(100)}


def check_manual_value(*, indicator: Indicator, value: Decimal, source_note: str) -> None:
    """A manual value must be plausible: never negative, within the unit's range, and one above
    1 Mt (Umeå's territorial emissions are ~0.4 Mt) only with a note saying where it is from."""
    errors: dict[str, str] = {}
    limit = MANUAL_LIMITS.get(indicator.unit)
    if value < 0:
        errors["value"] = _("Värdet kan inte vara negativt.")
    elif limit is not None and value > limit:
        errors["value"] = _("Värdet %(value)s %(unit)s är orimligt stort (högst %(limit)s).") % {
            "value": f"{value.normalize():f}",
            "unit": indicator.unit,
            "limit": f"{limit.normalize():f}",
        }
    elif indicator.unit == "t CO2e" and value > LARGE_TONNES and not source_note.strip():
        errors["source_note"] = _(
            "Över 1 miljon ton CO2e: kontrollera enheten och ange källan i en kommentar."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_manual_value(
    *, indicator: Indicator, year: int, value: Decimal, source_note: str, by: User
) -> ManualIndicatorValue:
    if indicator.source != Indicator.Source.MANUAL:
        raise ValidationError(_("Indikatorn hämtar sina värden automatiskt."))
    check_manual_value(indicator=indicator, value=value, source_note=source_note)
    manual, _created = ManualIndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"value": value, "source_note": source_note, "entered_by": by},
    )
    schedule_recompute()
    return manual


@transaction.atomic
def decide_boundary(
    *, organisation: Organisation, reporting_year: int, comparable: bool, reason: str, by: User
) -> BoundaryDecision:
    """The office confirms (not comparable) or overrides (comparable) the boundary reading of
    one organisation's response, with a written reason; the figures recompute."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför.")})
    decision, _created = BoundaryDecision.objects.update_or_create(
        organisation=organisation,
        reporting_year=reporting_year,
        defaults={"comparable": comparable, "reason": reason, "decided_by": by},
    )
    schedule_recompute()
    return decision


@transaction.atomic
def remove_boundary_decision(*, decision: BoundaryDecision) -> None:
    decision.delete()
    schedule_recompute()
