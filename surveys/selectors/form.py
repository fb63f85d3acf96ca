"""Reads behind the survey form page and the autosave: the form state, questions, previous values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from surveys.models import Answer, Question, Response, SurveyRound
from surveys.rules import AnswerData, Slot, build_slots
from surveys.selectors.rounds import EXPECTED_STATUSES, deadline_for, rounds_with_deadline

if TYPE_CHECKING:
    from partners.models import Organisation


def round_for_form(round_pk: int, organisation_id: int) -> SurveyRound | None:
    """The round as :func:`rounds_with_deadline` loads it for the organisation (its deadline
    extension included), or None. Without its period: the form page and the autosave never
    show it."""
    return rounds_with_deadline(organisation_id).filter(pk=round_pk).first()


def organisation_by_pk(organisation_pk: int) -> Organisation | None:
    """The organisation, or None."""
    from partners.models import Organisation as Org

    return Org.objects.filter(pk=organisation_pk).order_by().first()


def locked_answer_rows(response_id: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every answer of the response, locked (``select_for_update()``, inside a transaction):
    the Answer model's concrete field names, and a row per answer of those fields' values. One
    query (no join: FOR UPDATE locks the answers only)."""
    fields = [f.attname for f in Answer._meta.concrete_fields]  # as Answer.from_db() takes them
    # No ORDER BY: the model's default ordering would join the response, the round, the
    # organisation and the question for nothing.
    rows = (
        Answer.objects.filter(response_id=response_id)
        .select_for_update(of=("self",))
        .order_by()
        .values_list(*fields)
    )
    return fields, list(rows)


@dataclass
class FieldView:
    """What the form template needs for one input."""

    slot: Slot
    data: AnswerData
    version: int
    previous: Decimal | None = None
    error: str | None = None
    updated_by: str = ""
    conflict: Any = None
    # Issue 20.3: the survey year the answer was carried over from (None: this year's own), and
    # the soft rule's warning for the field (set by the view that shows it).
    carried_from: int | None = None
    warning: str = ""

    @property
    def name(self) -> str:
        return self.slot.field_name

    @property
    def question(self) -> Question:
        return self.slot.question

    @property
    def choice_list(self) -> list[str]:
        return [c for c in self.data.choice.split(",") if c]


@dataclass
class SectionView:
    key: str
    label: str
    fields: list[FieldView] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for f in self.fields if f.data.is_answered)

    @property
    def total(self) -> int:
        return len(self.fields)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


@dataclass
class FormState:
    survey_round: SurveyRound
    organisation: Organisation
    response: Response | None
    slots: list[Slot]
    answers: dict[str, AnswerData]
    versions: dict[str, int]
    editors: dict[str, str]
    previous: dict[tuple[str, int], Decimal]
    sections: list[SectionView]
    deadline: date

    def progress(self) -> dict[str, list[int]]:
        """section → [answered, total] from the current ``answers`` (e.g. right after a save)."""
        empty = AnswerData()
        return {
            section.key: [
                sum(1 for f in section.fields if self.answers.get(f.name, empty).is_answered),
                section.total,
            ]
            for section in self.sections
        }


def round_questions(survey_round: SurveyRound) -> tuple[Question, ...]:
    """The round's questions in order. One query (a round has about a hundred questions, read
    by their round's index in a millisecond or two: not worth a cache and its invalidation)."""
    return tuple(Question.objects.filter(round_id=survey_round.pk))


def partner_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """Other partners, for "our figures are included in partner X's report". One query; the
    form page asks only when that question is on screen."""
    from partners.models import Organisation as Org

    return list(
        Org.objects.exclude(pk=organisation.pk)
        .filter(status__in=EXPECTED_STATUSES)
        .order_by("name")
        .values_list("pk", "name")
    )


def commitment_challenges(organisation: Organisation, survey_round: SurveyRound) -> list[Any]:
    """(id, number, label) of the challenges the organisation committed to for the round's
    period (confirmed sets; a draft set if none is confirmed). One query."""
    try:
        from partners.models import Commitment
    except ImportError:  # partners without commitments (issue 3 not merged)
        return []
    # Plain rows, not three model instances per commitment (commitment, set and challenge).
    commitments = Commitment.objects.filter(commitment_set__organisation_id=organisation.pk)
    if survey_round.period_id:
        commitments = commitments.filter(commitment_set__period_id=survey_round.period_id)
    rows = commitments.order_by("challenge__number").values_list(
        "challenge_id",
        "challenge__number",
        "challenge__name_sv",
        "challenge__name_en",
        "commitment_set__status",
    )
    return _challenge_choices(list(rows))


def commitment_challenges_by_organisation(
    organisation_ids: list[int], survey_round: SurveyRound
) -> dict[int, list[Any]]:
    """:func:`commitment_challenges` of many organisations in one query (a file of them all)."""
    from partners.models import Commitment

    commitments = Commitment.objects.filter(commitment_set__organisation_id__in=organisation_ids)
    if survey_round.period_id:
        commitments = commitments.filter(commitment_set__period_id=survey_round.period_id)
    rows: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in organisation_ids}
    for organisation_id, *row in commitments.order_by("challenge__number").values_list(
        "commitment_set__organisation_id",
        "challenge_id",
        "challenge__number",
        "challenge__name_sv",
        "challenge__name_en",
        "commitment_set__status",
    ):
        rows[organisation_id].append(tuple(row))
    return {pk: _challenge_choices(found) for pk, found in rows.items()}


def _challenge_choices(rows: list[tuple[Any, ...]]) -> list[Any]:
    """(id, number, label) from (challenge id, number, name_sv, name_en, set status) rows in
    challenge order: the confirmed sets' challenges, a draft set's if none is confirmed."""
    confirmed = [row for row in rows if row[4] == "confirmed"]
    chosen = confirmed or rows
    english = (get_language() or "sv").startswith("en")
    seen: set[int] = set()
    result = []
    for pk, number, name_sv, name_en, _status in chosen:
        if pk in seen:
            continue
        seen.add(pk)
        # As str(challenge): "number. name", the name in the active language.
        name = name_en if english and name_en else name_sv
        result.append((pk, number, f"{number}. {name}"))
    return result


def _answer_rows(response_id: int) -> QuerySet[Any]:
    return (
        Answer.objects.filter(response_id=response_id)
        .order_by()
        .values_list(
            "field_name",
            "raw",
            "choice",
            "not_reported",
            "comment",
            "value",
            "version",
            "carried_from_year",
            "updated_by__first_name",
            "updated_by__last_name",
            "updated_by__username",
        )
    )


def _form_response(round_id: int, organisation_id: int, *, with_editor: bool) -> Response | None:
    """The organisation's response for the round (or None), with its last editor
    ``with_editor`` (the page names the last editor; a save only writes it). One query."""
    # At most one row (unique per round and organisation): no default ordering, which would
    # join the round and the organisation for nothing.
    responses = Response.objects.filter(round_id=round_id, organisation_id=organisation_id)
    if with_editor:
        responses = responses.select_related("last_edited_by")
    return responses.order_by().first()


def _stored_answers(
    response_pk: int,
) -> tuple[dict[str, AnswerData], dict[str, int], dict[str, str], dict[str, int]]:
    """The response's answers, their versions, last editors and the year each carried-over
    answer came from, by field name."""
    answers: dict[str, AnswerData] = {}
    versions: dict[str, int] = {}
    editors: dict[str, str] = {}
    carried: dict[str, int] = {}
    # Plain rows, not model instances: a page holds ~100 answers (and Answer is audited,
    # which snapshots every loaded instance). Unordered: they are looked up by field name,
    # and the model's default ordering would join the round, organisation and question.
    rows = _answer_rows(response_pk)
    for name, raw, choice, not_reported, comment, value, version, carried_from, *who in rows:
        answers[name] = AnswerData(raw, choice, not_reported, comment, value)
        versions[name] = version
        if carried_from is not None:
            carried[name] = carried_from
        first, last, user = who
        if user:
            editors[name] = f"{first} {last}".strip() or user
    return answers, versions, editors, carried


def _sections(
    slots: list[Slot],
    *,
    answers: dict[str, AnswerData],
    versions: dict[str, int],
    previous: dict[tuple[str, int], Decimal],
    editors: dict[str, str],
    carried: dict[str, int],
    for_save: bool,
) -> list[SectionView]:
    """The form's sections that have fields, each field with its data, version, last year's
    value, problem and last editor."""
    by_section: dict[str, SectionView] = {}
    for key, label in Question.Section.choices:
        by_section[key] = SectionView(key, str(label))
    from surveys.rules import field_error

    for slot in slots:
        data = answers.get(slot.field_name, AnswerData())
        error = (
            field_error(slot, AnswerData(**vars(data)))
            if data.is_answered and not for_save
            else None
        )
        by_section[slot.section].fields.append(
            FieldView(
                slot=slot,
                data=data,
                version=versions.get(slot.field_name, 0),
                previous=previous.get((slot.question.key, slot.year - 1))
                if slot.question.is_numeric
                else None,
                error=error,
                updated_by=editors.get(slot.field_name, ""),
                carried_from=carried.get(slot.field_name),
            )
        )
    return [s for s in by_section.values() if s.fields]


def get_form_state(
    survey_round: SurveyRound,
    organisation: Organisation,
    *,
    section: str | None = None,
    for_save: bool = False,
) -> FormState:
    """Everything the form page shows, in a constant number of queries:
    questions, the response, its answers, earlier answers (last year), commitments,
    the organisation list (for "included in another partner") and the deadline.

    ``for_save``: for saving a section, which needs the inputs and
    the response, but not the stored answers (the save reads them itself, locked, and its
    result gives them for the progress it returns: set ``answers`` from it), last year's
    figures, each stored field's problem or the response's last editor: two queries, a join
    and the checks fewer."""
    questions = round_questions(survey_round)
    response = _form_response(survey_round.pk, organisation.pk, with_editor=not for_save)
    challenges = commitment_challenges(organisation, survey_round)
    slots = build_slots(
        questions,
        years=survey_round.years(),
        reporting_year=survey_round.reporting_year,
        challenges=challenges,
    )
    answers, versions, editors, carried = (
        _stored_answers(response.pk)
        if response is not None and not for_save  # a save reads them itself, locked
        else ({}, {}, {}, {})
    )
    previous: dict[tuple[str, int], Decimal] = (
        {} if for_save else previous_values(organisation, survey_round)
    )
    # Within a baseline response, the earlier year is "last year" for the later one.
    for slot in slots:
        data = answers.get(slot.field_name)
        if data is not None and data.value is not None and slot.question.per_year:
            previous.setdefault((slot.question.key, slot.year), data.value)
    sections = _sections(
        slots,
        answers=answers,
        versions=versions,
        previous=previous,
        editors=editors,
        carried=carried,
        for_save=for_save,
    )
    return FormState(
        survey_round=survey_round,
        organisation=organisation,
        response=response,
        slots=slots,
        answers=answers,
        versions=versions,
        editors=editors,
        previous=previous,
        sections=sections,
        deadline=deadline_for(survey_round, organisation.pk),
    )


def previous_values(
    organisation: Organisation, survey_round: SurveyRound
) -> dict[tuple[str, int], Decimal]:
    """(key, year) → value from the organisation's earlier rounds (submitted or approved), the
    "last year" figures shown beside each number. One query."""

    rows = (
        Answer.objects.filter(
            response__organisation_id=organisation.pk,
            response__round__year__lt=survey_round.year,
            response__state__in=[Response.State.SUBMITTED, Response.State.APPROVED],
            value__isnull=False,
        )
        .order_by("response__round__year")
        .values_list("question__key", "year", "value")
    )
    return {(key, year): value for key, year, value in rows if value is not None}


def get_response_for(survey_round: SurveyRound, organisation: Organisation) -> Response | None:
    return Response.objects.filter(round=survey_round, organisation=organisation).first()
