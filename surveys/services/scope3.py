"""Scope 3 categories set to "not relevant" together (issue 20.3).

Most partners find most of the 15 categories irrelevant; choosing the status 15 (or, in a
baseline round, 30) times is the survey's most tedious step. The form's scope 3 section offers
the categories without a value as one list of checkboxes (those not yet answered ticked), and
one button sets the chosen ones to "Inte relevant". The change goes through the ordinary save
(``services.save_answers``) with the versions the page loaded, so a colleague's change since is
a conflict, never overwritten, and each category keeps its comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from surveys.models import Question
from surveys.rules import AnswerData
from surveys.services.answers import SaveResult, save_answers

if TYPE_CHECKING:
    from accounts.models import User
    from surveys.selectors import FieldView, FormState

NOT_RELEVANT = "not_relevant"


def candidates(fields: list[FieldView]) -> list[FieldView]:
    """The scope 3 inputs that may be set to "not relevant" together: those without a value
    (a calculated category is left alone: its value would be lost)."""
    return [f for f in fields if f.question.kind == Question.Kind.SCOPE3 and not f.data.raw.strip()]


def mark_not_relevant(
    *, state: FormState, chosen: list[str], versions: Mapping[str, int], by: User
) -> SaveResult:
    """Set the ``chosen`` scope 3 fields (field names) to "not relevant", each written at the
    version the page loaded (``versions``; a missing one is 0, a new answer). Fields that are
    not scope 3 categories without a value are ignored."""
    fields = {f.name: f for section in state.sections for f in candidates(section.fields)}
    posted = {}
    for name in chosen:
        field = fields.get(name)
        if field is None:
            continue
        data = AnswerData(choice=NOT_RELEVANT, comment=field.data.comment)
        posted[name] = (data, versions.get(name, 0))
    return save_answers(
        survey_round=state.survey_round,
        organisation=state.organisation,
        slots=state.slots,
        posted=posted,
        by=by,
        response=state.response,
    )
