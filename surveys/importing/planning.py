"""Planning an import: each row checked and compared with the stored answers, nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partners.validators import normalise_organisation_number
from surveys import selectors
from surveys.importing.reading import (
    _CHOICE_KINDS,
    _FALSE,
    _TRUE,
    COLUMNS,
    ImportFileError,
    _plain,
    _text,
    _whole_number,
    read_rows,
)
from surveys.importing.results import FieldChange, ImportResult, OrganisationPlan, RowError
from surveys.models import Answer, Question, Response, SurveyRound
from surveys.rules import AnswerData, Slot, build_slots, check_response, field_error, parse_number

if TYPE_CHECKING:
    from partners.models import Organisation


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
    stored = _stored_answers(survey_round)
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
        organisation, year, challenge = _row_organisation(cells, ctx, errors)
        if organisation is None or errors:
            result.errors.append(RowError(number, "; ".join(errors)))
            continue
        plan = plans.get(organisation.pk)
        if plan is None:
            plan = plans[organisation.pk] = _organisation_plan(
                organisation, responses.get(organisation.pk), questions, ctx
            )
        slots = {slot.field_name: slot for slot in plan.slots}
        name, key = _field_name(cells, ctx, year=year, challenge=challenge)
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
        errors += _slot_errors(cells, slot, name=name, year=year, ctx=ctx)
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
        _plan_answer(plan, slot, data, stored.get((organisation.pk, name), (None, 0)), row=number)

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


def _stored_answers(survey_round: SurveyRound) -> dict[tuple[int, str], tuple[AnswerData, int]]:
    """The round's stored answers and their versions by (organisation, field name); one query."""
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
    return stored


def _row_organisation(
    cells: dict[str, str], ctx: _Context, errors: list[str]
) -> tuple[Organisation | None, int | None, int | None]:
    """The row's organisation, year and challenge; what is wrong goes to ``errors``."""
    organisation = None
    try:
        organisation = ctx.by_number.get(
            normalise_organisation_number(cells["organisation_number"])
        )
        if organisation is None:
            errors.append(
                _("okänt organisationsnummer %(value)r") % {"value": cells["organisation_number"]}
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
    return organisation, year, challenge


def _organisation_plan(
    organisation: Organisation,
    response: Response | None,
    questions: Sequence[Question],
    ctx: _Context,
) -> OrganisationPlan:
    """An empty plan for the organisation, with the form's fields (slots) for its commitments."""
    challenges = selectors.commitment_challenges(organisation, ctx.survey_round)
    return OrganisationPlan(
        organisation=organisation,
        response=response,
        slots=build_slots(
            questions,
            years=ctx.years,
            reporting_year=ctx.survey_round.reporting_year,
            challenges=challenges,
        ),
    )


def _field_name(
    cells: dict[str, str], ctx: _Context, *, year: int | None, challenge: int | None
) -> tuple[str, str]:
    """The form field a row fills in (its ``field`` column, or made from key, year and
    challenge) and the question key."""
    name = cells["field"]
    key = cells["key"] or name.split("__", 1)[0]
    if not name:
        question = ctx.questions.get(key)
        name = key
        if question is not None and question.per_year and year is not None:
            name = f"{key}__{year}"
        if question is not None and question.per_commitment and challenge is not None:
            name = f"{key}__c{challenge}"
    return name, key


def _slot_errors(
    cells: dict[str, str], slot: Slot, *, name: str, year: int | None, ctx: _Context
) -> list[str]:
    """The row's key and year must agree with the field it fills in."""
    errors = []
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
    return errors


def _plan_answer(
    plan: OrganisationPlan,
    slot: Slot,
    data: AnswerData,
    stored: tuple[AnswerData | None, int],
    *,
    row: int,
) -> None:
    """Count the row's answer in the plan: unchanged, changed or new."""
    name = slot.field_name
    plan.rows += 1
    old, version = stored
    if old is not None and _same(old, data, slot.question):
        plan.unchanged += 1
        return
    change = FieldChange(
        field_name=name,
        label=slot.label,
        old=_display(old, slot.question) if old is not None else "",
        new=_display(data, slot.question),
        row=row,
    )
    (plan.changed if old is not None and old.is_answered else plan.new).append(change)
    plan.posted[name] = (data, version)


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
