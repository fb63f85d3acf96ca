"""Import of a round's answers from its *long* export (CSV or XLSX), for the office.

Last years' figures live in spreadsheets; the office exports a round (``exports.long_frame``:
one row per answer), or writes the empty template (:func:`template_rows`), fills it in and
imports it back. The import is two-step and all-or-nothing:

* :func:`plan_import` reads every row, names each bad row with its number (the header is row 1)
  and its reason, and compares the rest with the stored answers: what would be new, changed or
  left alone, per organisation. It writes nothing.
* :func:`import_long` plans the same bytes inside one transaction and, only when no row is bad,
  writes the new and changed answers through :func:`surveys.services.save_answers` (the form's
  path: the same validation, answer versions, audit trail and "saved" event), then, with
  ``approve=True``, approves the organisations' responses through
  :func:`surveys.services.approve_response` (which schedules the indicators' recompute).

Columns (as the long export writes them): ``organisation;organisation_number;state;section;key;
field;year;challenge;unit;value;choice;text;not_reported;comment``. Organisations are matched
by ``organisation_number``; an answer by ``field`` (or, when that is blank, by ``key``, ``year``
and ``challenge``). ``organisation``, ``state``, ``section`` and ``unit`` are for the reader and
are not imported. CSV with ``;`` or ``,``, UTF-8 with or without BOM, decimal comma or point.

Rules that make the import safe to repeat and safe on a sparse sheet:

* a row with no value, choice, text, comment or "not reported" is skipped (a blank cell never
  erases a stored answer);
* a number equal to the stored one is unchanged whatever way it is written (``1234,5`` and
  ``1234.500``), so importing the same file twice changes nothing: no new versions, no events;
* an organisation's submitted or approved response is reopened (without e-mail: this is the
  office's own change, logged as an event) only when one of its answers changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.validators import normalise_organisation_number
from surveys import selectors, services
from surveys.models import Answer, Question, Response, ResponseEvent, SurveyRound
from surveys.rules import AnswerData, Slot, build_slots, check_response, field_error, parse_number

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation

COLUMNS = [
    "organisation",
    "organisation_number",
    "state",
    "section",
    "key",
    "field",
    "year",
    "challenge",
    "unit",
    "value",
    "choice",
    "text",
    "not_reported",
    "comment",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TRUE = {"true", "1", "ja", "yes", "x", "sant"}
_FALSE = {"", "false", "0", "nej", "no", "falskt"}
_CHOICE_KINDS = {
    Question.Kind.CHOICE,
    Question.Kind.LIKERT,
    Question.Kind.ORGANISATION,
    Question.Kind.MULTI,
}
_APOSTROPHE_PREFIXES = tuple("'" + p for p in ("=", "+", "-", "@", "\t", "\r"))


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, missing columns)."""


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class FieldChange:
    field_name: str
    label: str
    old: str
    new: str
    row: int


@dataclass
class OrganisationPlan:
    """What the file does to one organisation's response."""

    organisation: Organisation
    response: Response | None
    slots: list[Slot]
    rows: int = 0
    new: list[FieldChange] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    unchanged: int = 0
    # field name → (the answer to write, the version it replaces: 0 for a new answer)
    posted: dict[str, tuple[AnswerData, int]] = field(default_factory=dict)
    approve: bool = False  # its response will be approved by this import

    @property
    def state(self) -> str:
        return self.response.state if self.response else Response.State.NOT_STARTED

    @property
    def reopens(self) -> bool:
        """Its locked (submitted or approved) response must be reopened to take the changes."""
        return bool(self.posted) and self.response is not None and not self.response.is_editable

    @property
    def action(self) -> str:
        if self.posted:
            return "update" if self.response is not None else "create"
        return "approve" if self.approve else "unchanged"

    @property
    def changes(self) -> list[FieldChange]:
        return sorted(self.new + self.changed, key=lambda c: c.row)


@dataclass
class ImportResult:
    """The plan of an import and, after :func:`import_long`, whether it was applied."""

    survey_round: SurveyRound
    approve: bool
    organisations: list[OrganisationPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0  # data rows that hold an answer (blank rows are not counted)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    @property
    def changed_organisations(self) -> list[OrganisationPlan]:
        return [o for o in self.organisations if o.action != "unchanged"]

    def count(self, what: str) -> int:
        """Answers ``new``, ``changed`` or ``unchanged``; organisations ``approved``."""
        if what == "new":
            return sum(len(o.new) for o in self.organisations)
        if what == "changed":
            return sum(len(o.changed) for o in self.organisations)
        if what == "unchanged":
            return sum(o.unchanged for o in self.organisations)
        if what == "approved":
            return sum(1 for o in self.organisations if o.approve)
        raise KeyError(what)

    @property
    def summary(self) -> dict[str, int]:
        """The counts of :meth:`count`, for templates."""
        return {what: self.count(what) for what in ("new", "changed", "unchanged", "approved")}


# --- reading ----------------------------------------------------------------------------------


def read_content(file_obj: Any) -> tuple[bytes, str]:
    """The bytes and name of ``file_obj``: bytes, a path, or an open binary file (an upload)."""
    if isinstance(file_obj, bytes | bytearray):
        return bytes(file_obj), ""
    if isinstance(file_obj, str | Path):
        path = Path(file_obj)
        return path.read_bytes(), path.name
    handle: IO[bytes] = file_obj
    if hasattr(handle, "seek"):
        handle.seek(0)
    content: Any = handle.read()
    if isinstance(content, str):  # a text-mode file: the CSV as typed
        content = content.encode("utf-8")
    return content, str(getattr(handle, "name", "") or "")


def read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number, cells by column name) of every data row; the header is row 1. XLSX is
    recognised by its content (a zip), anything else is read as CSV."""
    rows = _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    (_first, header_cells), data = rows[0], rows[1:]
    header = [str(c or "").strip().lower().lstrip("\ufeff") for c in header_cells]
    if "organisation_number" not in header or not {"field", "key"} & set(header):
        raise ImportFileError(
            _(
                "Första raden ska vara rubrikerna i den långa exporten (minst organisation_number "
                "och field eller key)."
            )
        )
    return [
        (number, {header[i]: cell for i, cell in enumerate(cells) if i < len(header)})
        for number, cells in data
    ]


def _csv_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    first_line = text.split("\n", 1)[0]
    # The header names hold no separators, so its line says which one the file uses.
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    line = 1
    for cells in reader:
        rows.append((line, list(cells)))
        line = reader.line_num + 1  # a quoted cell may span lines: the next row starts after it
    return rows


def _xlsx_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFile…)
        raise ImportFileError(_("Filen går inte att läsa som XLSX.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, list(cells))
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _text(cell: Any) -> str:
    """A cell as text: numbers as plain decimals (never ``1e+16`` or ``2023.0``), dates as ISO,
    and the apostrophe an export puts before formula-like text (``'-5``) removed."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if cell != cell:  # NaN: an empty numeric cell
            return ""
        number = Decimal(repr(cell))  # the shortest text that reads back as the same float
        if number == number.to_integral_value():
            number = number.normalize()
        return f"{number:f}"
    if isinstance(cell, int | Decimal):
        return f"{cell:f}" if isinstance(cell, Decimal) else str(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    if text.startswith(_APOSTROPHE_PREFIXES):
        text = text[1:]
    return text


def _whole_number(text: str) -> int | None:
    """``2023``, ``2023.0`` or ``2023,0`` → 2023; anything else None."""
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- planning ---------------------------------------------------------------------------------


def _choice_lookup(question: Question) -> dict[str, str]:
    """Choice codes and their labels (case-insensitive) → code."""
    lookup: dict[str, str] = {}
    for code, *label in question.choices:
        lookup[str(code).lower()] = str(code)
        if label:
            lookup[str(label[0]).lower()] = str(code)
    return lookup


def _organisation_choice(text: str, by_number: dict[str, Organisation], ids: set[int]) -> str:
    """The "other partner" answer: an organisation number (or, as the export writes it, the
    organisation's id) → its id as text; "" when unknown."""
    try:
        found = by_number.get(normalise_organisation_number(text))
    except ValidationError:
        found = None
    if found is not None:
        return str(found.pk)
    number = _whole_number(text)
    return str(number) if number is not None and number in ids else ""


def _display(data: AnswerData, question: Question) -> str:
    if data.not_reported:
        return _("ej rapporterat")
    parts = [p for p in (data.raw.strip(), data.choice) if p]
    if question.is_numeric and data.value is not None:
        parts = [_plain(data.value), *([data.choice] if data.choice else [])]
    text = " / ".join(parts)
    if data.comment:
        label = _("kommentar")
        text = f"{text} ({label}: {data.comment})" if text else data.comment
    return text or "–"


def _same(stored: AnswerData, new: AnswerData, question: Question) -> bool:
    """Same answer? Numbers compare by value, so ``1234,5`` equals a stored ``1234.500``."""
    if question.is_numeric:
        return (stored.value, stored.choice, stored.not_reported, stored.comment) == (
            new.value,
            new.choice,
            new.not_reported,
            new.comment,
        )
    return stored.same_content(new)


def _slot_problem(
    name: str, key: str, year: int | None, challenge: int | None, ctx: _Context
) -> str:
    """Why a field is not one of the organisation's inputs for the round."""
    question = ctx.questions.get(key)
    if question is None:
        return _("okänd fråga %(key)r i omgången %(round)s") % {
            "key": key,
            "round": ctx.survey_round.name,
        }
    if question.per_year and year is None:
        return _("ange året för %(key)r (%(years)s) i kolumnen year eller i fältet") % {
            "key": key,
            "years": ", ".join(str(y) for y in ctx.years),
        }
    if question.per_year and year is not None and year not in ctx.years:
        return _("året %(year)s ingår inte i omgången (%(years)s)") % {
            "year": year,
            "years": ", ".join(str(y) for y in ctx.years),
        }
    if question.per_commitment and challenge is not None:
        return _(
            "organisationen har inget åtagande för klimatutmaning %(number)s i omgångens period"
        ) % {"number": challenge}
    return _("okänt fält %(field)r för frågan %(key)r") % {"field": name, "key": key}


@dataclass
class _Context:
    survey_round: SurveyRound
    questions: dict[str, Question]
    years: list[int]
    by_number: dict[str, Organisation]
    org_ids: set[int]


def _answer(
    slot: Slot, cells: dict[str, str], ctx: _Context, errors: list[str]
) -> AnswerData | None:
    """The answer a row gives ``slot``, validated as the form validates it; None when the row
    holds nothing (or is bad: the reason is appended to ``errors``)."""
    question = slot.question
    value, choice, text = cells["value"], cells["choice"], cells["text"]
    comment = cells["comment"]
    flag = cells["not_reported"].lower()
    if flag not in _TRUE | _FALSE:
        errors.append(
            _("not_reported %(value)r ska vara sant eller falskt (ja/nej)")
            % {"value": cells["not_reported"]}
        )
        return None
    not_reported = flag in _TRUE
    if not (value or choice or text or comment or not_reported):
        return None
    data = AnswerData(comment=comment, not_reported=not_reported)
    kind = question.kind
    if question.is_numeric:
        number_text = value or text
        data.raw = number_text
        if value and text and value != text:
            # The text column is what was typed; keep it if it says the same number.
            typed, _error = parse_number(question, text)
            number, _error = parse_number(question, value)
            data.raw = text if typed is not None and typed == number else value
        if kind == Question.Kind.SCOPE3 and choice:
            data.choice = _choice_lookup(question).get(choice.lower(), choice)
    elif kind in _CHOICE_KINDS:
        given = choice or value or text
        if kind == Question.Kind.ORGANISATION:
            data.choice = _organisation_choice(given, ctx.by_number, ctx.org_ids) if given else ""
            if given and not data.choice:
                errors.append(
                    _("%(field)s: okänd partner %(value)r (ange organisationsnumret)")
                    % {"field": slot.field_name, "value": given}
                )
                return None
        elif kind == Question.Kind.MULTI:
            lookup = _choice_lookup(question)
            parts = [p.strip() for p in given.replace(";", ",").split(",") if p.strip()]
            data.choice = ",".join(lookup.get(p.lower(), p) for p in parts)
        else:
            data.choice = _choice_lookup(question).get(given.lower(), given) if given else ""
    else:
        data.raw = text or value
    error = field_error(slot, data)  # also parses the number into data.value
    if error:
        shown = value or text or choice
        errors.append(
            _("%(field)s %(value)r: %(reason)s")
            % {"field": slot.field_name, "value": shown, "reason": error}
        )
        return None
    if not_reported:
        data.value = None
    return data


def plan_import(survey_round: SurveyRound, content: bytes, *, approve: bool) -> ImportResult:
    """What importing ``content`` into ``survey_round`` would do; writes nothing."""
    from partners.models import Organisation

    result = ImportResult(survey_round=survey_round, approve=approve)
    try:
        rows = read_rows(content)
    except ImportFileError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    questions = selectors.round_questions(survey_round)
    organisations = list(Organisation.objects.all())
    ctx = _Context(
        survey_round=survey_round,
        questions={q.key: q for q in questions},
        years=survey_round.years(),
        by_number={o.organisation_number: o for o in organisations},
        org_ids={o.pk for o in organisations},
    )
    responses = {r.organisation_id: r for r in Response.objects.filter(round=survey_round)}
    stored: dict[tuple[int, str], tuple[AnswerData, int]] = {}
    for org_id, name, raw, choice, not_reported, comment, value, version in (
        Answer.objects.filter(response__round=survey_round)
        .order_by()
        .values_list(
            "response__organisation_id",
            "field_name",
            "raw",
            "choice",
            "not_reported",
            "comment",
            "value",
            "version",
        )
    ):
        stored[(org_id, name)] = (AnswerData(raw, choice, not_reported, comment, value), version)
    plans: dict[int, OrganisationPlan] = {}
    seen: dict[tuple[int, str], int] = {}

    for number, raw_cells in rows:
        cells = {column: _text(raw_cells.get(column)) for column in COLUMNS}
        if not any(cells[c] for c in ("value", "choice", "text", "comment")) and (
            cells["not_reported"].lower() in _FALSE
        ):
            continue  # a blank row of the template: nothing to import
        result.row_count += 1
        errors: list[str] = []
        organisation = None
        try:
            organisation = ctx.by_number.get(
                normalise_organisation_number(cells["organisation_number"])
            )
            if organisation is None:
                errors.append(
                    _("okänt organisationsnummer %(value)r")
                    % {"value": cells["organisation_number"]}
                )
        except ValidationError as exc:
            errors.append(
                _("organisationsnummer %(value)r: %(reason)s")
                % {"value": cells["organisation_number"], "reason": " ".join(exc.messages)}
            )
        year = _whole_number(cells["year"]) if cells["year"] else None
        if cells["year"] and year is None:
            errors.append(_("året %(value)r är inget årtal") % {"value": cells["year"]})
        challenge = _whole_number(cells["challenge"]) if cells["challenge"] else None
        if cells["challenge"] and challenge is None:
            errors.append(
                _("klimatutmaningen %(value)r är inget nummer") % {"value": cells["challenge"]}
            )
        if organisation is None or errors:
            result.errors.append(RowError(number, "; ".join(errors)))
            continue
        plan = plans.get(organisation.pk)
        if plan is None:
            challenges = selectors.commitment_challenges(organisation, survey_round)
            plan = OrganisationPlan(
                organisation=organisation,
                response=responses.get(organisation.pk),
                slots=build_slots(
                    questions,
                    years=ctx.years,
                    reporting_year=survey_round.reporting_year,
                    challenges=challenges,
                ),
            )
            plans[organisation.pk] = plan
        slots = {slot.field_name: slot for slot in plan.slots}
        name = cells["field"]
        key = cells["key"] or name.split("__", 1)[0]
        if not name:
            question = ctx.questions.get(key)
            name = key
            if question is not None and question.per_year and year is not None:
                name = f"{key}__{year}"
            if question is not None and question.per_commitment and challenge is not None:
                name = f"{key}__c{challenge}"
        slot = slots.get(name)
        if slot is None:
            suffix = name.split("__", 1)[1] if "__" in name else ""
            field_year = _whole_number(suffix) if suffix.isdigit() else year
            field_challenge = (
                _whole_number(suffix[1:]) if suffix.startswith("c") and suffix[1:] else challenge
            )
            problem = _slot_problem(name, key, field_year, field_challenge, ctx)
            result.errors.append(RowError(number, problem))
            continue
        if cells["key"] and cells["key"] != slot.question.key:
            errors.append(
                _("fältet %(field)r hör inte till frågan %(key)r")
                % {"field": name, "key": cells["key"]}
            )
        if year is not None and year not in ctx.years:
            errors.append(
                _("året %(year)s ingår inte i omgången (%(years)s)")
                % {"year": year, "years": ", ".join(str(y) for y in ctx.years)}
            )
        elif year is not None and year != slot.year:
            errors.append(
                _("året %(year)s stämmer inte med fältet %(field)s") % {"year": year, "field": name}
            )
        if (organisation.pk, name) in seen:
            errors.append(
                _("fältet %(field)s finns redan på rad %(row)s för samma organisation")
                % {"field": name, "row": seen[(organisation.pk, name)]}
            )
        seen.setdefault((organisation.pk, name), number)
        data = _answer(slot, cells, ctx, errors) if not errors else None
        if errors:
            result.errors.append(RowError(number, "; ".join(errors)))
            continue
        if data is None:  # not_reported given as "false" and nothing else: nothing to import
            result.row_count -= 1
            continue
        plan.rows += 1
        old, version = stored.get((organisation.pk, name), (None, 0))
        if old is not None and _same(old, data, slot.question):
            plan.unchanged += 1
            continue
        change = FieldChange(
            field_name=name,
            label=slot.label,
            old=_display(old, slot.question) if old is not None else "",
            new=_display(data, slot.question),
            row=number,
        )
        (plan.changed if old is not None and old.is_answered else plan.new).append(change)
        plan.posted[name] = (data, version)

    if result.row_count == 0 and not result.errors:
        result.errors.append(RowError(1, _("Filen innehåller inga svar.")))
    result.organisations = sorted(plans.values(), key=lambda p: p.organisation.name)
    if not result.errors:
        _check_responses(result, stored)
    for plan in result.organisations:
        # An approved response stays approved unless the file changes it (then it is reopened,
        # changed and approved again).
        plan.approve = approve and (plan.state != Response.State.APPROVED or bool(plan.posted))
    return result


def _check_responses(result: ImportResult, stored: dict[tuple[int, str], Any]) -> None:
    """The rules across fields (a breakdown that does not sum to its total, a base year after the
    reporting year, …) on each response as it would be after the import. Only problems of the
    fields the file writes count: a spreadsheet of last years' figures need not answer every
    required question of the form."""
    survey_round = result.survey_round
    by_organisation: dict[int, dict[str, AnswerData]] = {}
    for (org_id, name), (data, _version) in stored.items():
        by_organisation.setdefault(org_id, {})[name] = data
    for plan in result.organisations:
        if not plan.posted:
            continue
        answers = dict(by_organisation.get(plan.organisation.pk, {}))
        answers.update({name: data for name, (data, _version) in plan.posted.items()})
        rows = {change.field_name: change.row for change in plan.new + plan.changed}
        problems = check_response(
            plan.slots,
            {name: AnswerData(**vars(data)) for name, data in answers.items()},
            {},
            reporting_year=survey_round.reporting_year,
        )
        for problem in problems:
            if problem.hard and problem.field_name in rows:
                result.errors.append(
                    RowError(
                        rows[problem.field_name],
                        _("%(field)s: %(reason)s")
                        % {"field": problem.field_name, "reason": problem.message},
                    )
                )
    result.errors.sort(key=lambda e: e.row)


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


# --- rounds and templates for the command -----------------------------------------------------


def file_years(content: bytes) -> list[int]:
    """The data years a long file holds (its ``year`` column, or the year of a ``key__year``
    field), for creating the round it belongs to."""
    years: set[int] = set()
    for _number, cells in read_rows(content):
        year = _whole_number(_text(cells.get("year")))
        name = _text(cells.get("field"))
        suffix = name.split("__", 1)[1] if "__" in name else ""
        if suffix.isdigit():
            year = int(suffix)
        if year is not None:
            years.add(year)
    return sorted(years)


def ensure_round(
    *, reporting_year: int, years: Iterable[int] = (), by: User | None = None
) -> tuple[SurveyRound, bool]:
    """The round for ``reporting_year`` (and whether it was created now). A missing round is
    created from the latest round's questions (the default questionnaire when there is none),
    as a baseline round collecting both years when ``years`` holds two."""
    found = SurveyRound.objects.filter(reporting_year=reporting_year).order_by("-year").first()
    if found is not None:
        return found, False
    wanted = sorted({int(y) for y in years} | {reporting_year})
    if wanted[-1] != reporting_year or len(wanted) > 2:
        raise ValidationError(
            _(
                "Filen har år %(years)s; en omgång för redovisningsåret %(year)s samlar in det "
                "året och högst ett basår före det."
            )
            % {"years": ", ".join(str(y) for y in wanted), "year": reporting_year}
        )
    survey_year = reporting_year + 1
    survey_round = services.create_round(
        year=survey_year,
        opens_on=dt.date(survey_year, 1, 1),
        closes_on=dt.date(survey_year, 3, 31),
        by=by,
        data_years=wanted,
        copy_from=selectors.latest_round(),
    )
    return survey_round, True


def template_rows(
    survey_round: SurveyRound, organisations: Sequence[Organisation]
) -> list[list[Any]]:
    """The empty long file: one row per input of each organisation (its per-commitment inputs
    from its commitments), with the columns the import reads and the answer cells blank."""
    questions = selectors.round_questions(survey_round)
    states = dict(
        Response.objects.filter(round=survey_round).values_list("organisation_id", "state")
    )
    rows: list[list[Any]] = []
    for organisation in organisations:
        slots = build_slots(
            questions,
            years=survey_round.years(),
            reporting_year=survey_round.reporting_year,
            challenges=selectors.commitment_challenges(organisation, survey_round),
        )
        challenge_numbers = {
            pk: number
            for pk, number, _label in selectors.commitment_challenges(organisation, survey_round)
        }
        for slot in slots:
            rows.append(
                [
                    organisation.name,
                    organisation.organisation_number,
                    states.get(organisation.pk, ""),
                    slot.question.section,
                    slot.question.key,
                    slot.field_name,
                    slot.year,
                    challenge_numbers.get(slot.challenge_id, "") if slot.challenge_id else "",
                    slot.question.unit,
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return rows


def write_template(
    survey_round: SurveyRound, organisations: Sequence[Organisation], *, file_format: str
) -> bytes:
    """The template as CSV (``;``, UTF-8 with BOM, as Excel opens it) or XLSX."""
    from partners.importing import to_csv, to_xlsx

    rows = template_rows(survey_round, organisations)
    if file_format == "xlsx":
        return to_xlsx(COLUMNS, rows, title="svar")
    return to_csv(COLUMNS, rows)
