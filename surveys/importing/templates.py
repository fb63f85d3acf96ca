"""Rounds and templates for the import command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from surveys import selectors, services
from surveys.importing.reading import COLUMNS, _text, _whole_number, read_rows
from surveys.models import Response, SurveyRound
from surveys.rules import build_slots

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


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
    # One query for every organisation's commitments, not one per organisation.
    challenges = selectors.commitment_challenges_by_organisation(
        [organisation.pk for organisation in organisations], survey_round
    )
    rows: list[list[Any]] = []
    for organisation in organisations:
        slots = build_slots(
            questions,
            years=survey_round.years(),
            reporting_year=survey_round.reporting_year,
            challenges=challenges[organisation.pk],
        )
        challenge_numbers = {pk: number for pk, number, _label in challenges[organisation.pk]}
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
