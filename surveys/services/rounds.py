"""Survey rounds: opening a year's round with its questions."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from surveys import selectors
from surveys.models import Question, SurveyRound
from surveys.questionnaire import QUESTIONS

if TYPE_CHECKING:
    from accounts.models import User


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
                carry_over=spec.carry_over,
            )
            for i, spec in enumerate(QUESTIONS)
        )
    return survey_round
