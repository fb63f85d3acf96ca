"""Reads for the survey: rounds, responses, the form page and indicator follow-up.

Public selectors for other apps (reports, issue 6):

* :func:`indicator_followup` ``(year=None, *, organisation=None)`` — every indicator with its
  stored partnership values (and, with ``organisation``, that organisation's own values) per
  year, its targets and its goal. Values are the precomputed :class:`IndicatorValue` rows
  (aggregates are computed when data changes, never per page view). Suppressed aggregates
  (fewer than 3 organisations) carry ``value=None`` and ``suppressed=True``.
* :func:`organisation_emissions_series` ``(organisation)`` — the organisation's own S1 + S2
  series against the 20 % path and its own target, as stored from ``surveys.figures``: a list
  of dicts per year with ``emissions``, ``path``, ``gap``, ``on_path``, ``average_rate``,
  ``required_rate`` and ``own_target`` (Decimals or None).
* :func:`figure_inputs` — everything :mod:`surveys.figures` reads (the one module that owns the
  emissions arithmetic), in a fixed number of queries; call ``surveys.figures`` rather than this.

Access is decided by the caller's policy check; selectors that list things take ``visible_to=``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from django.db import connection
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import policy
from surveys.models import (
    Answer,
    DeadlineExtension,
    FollowUpSettings,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Question,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.rules import AnswerData, Slot, build_slots

if TYPE_CHECKING:
    from partners.models import Organisation
    from roadmap.models import PartnershipPeriod

EXPECTED_STATUSES = ("signed", "active")
EMISSIONS_INDICATOR = "emissions_s1s2"


def list_rounds() -> QuerySet[SurveyRound]:
    """Rounds with ``n_organisations``: the organisations the round's tracker lists (see
    :func:`round_overview`: every expected organisation and any other that responded), and
    ``n_submitted`` of them, so the list and the tracker count the same thing (issue 17)."""
    from partners.models import Organisation

    expected = Organisation.objects.filter(status__in=EXPECTED_STATUSES).count()
    # Ordered here: a GROUP BY query ignores Meta.ordering (the list read 2024, 2026, 2025).
    rounds = SurveyRound.objects.select_related("period").order_by("-year")
    return rounds.annotate(
        n_organisations=Value(expected)
        + Count(
            "responses",
            filter=~Q(responses__organisation__status__in=EXPECTED_STATUSES),
        ),
        n_submitted=Count(
            "responses",
            filter=Q(responses__state__in=[Response.State.SUBMITTED, Response.State.APPROVED]),
        ),
    )


def latest_round() -> SurveyRound | None:
    return SurveyRound.objects.order_by("-year").first()


def expected_organisations() -> QuerySet[Organisation]:
    from partners.models import Organisation

    return Organisation.objects.filter(status__in=EXPECTED_STATUSES).order_by("name")


def rounds_with_deadline(organisation_id: int) -> QuerySet[SurveyRound]:
    """Rounds annotated with ``extended_until``: the organisation's deadline extension (or
    None), so the form page needs no query of its own for it (see :func:`deadline_for`)."""
    return SurveyRound.objects.annotate(
        extended_until=Subquery(
            DeadlineExtension.objects.filter(
                round_id=OuterRef("pk"), organisation_id=organisation_id
            ).values("until")[:1]  # unique per round and organisation
        ),
        extension_for=Value(organisation_id),
    )


def deadline_for(survey_round: SurveyRound, organisation_id: int) -> date:
    extension: date | None
    if getattr(survey_round, "extension_for", None) == organisation_id:
        # Loaded through rounds_with_deadline() for this organisation: no query.
        extension = getattr(survey_round, "extended_until", None)
        return max(extension, survey_round.closes_on) if extension else survey_round.closes_on
    extension = (
        DeadlineExtension.objects.filter(round=survey_round, organisation_id=organisation_id)
        .values_list("until", flat=True)
        .first()
    )
    return max(extension, survey_round.closes_on) if extension else survey_round.closes_on


def list_my_responses(*, visible_to: Any) -> list[dict[str, Any]]:
    """For a partner contact: each of their organisations × each round, with the state."""
    from partners.models import Organisation

    org_ids = policy.organisation_ids(visible_to)
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    rounds = list(SurveyRound.objects.order_by("-year")[:10])
    responses = {
        (r.round_id, r.organisation_id): r
        for r in Response.objects.filter(organisation_id__in=org_ids, round__in=rounds)
    }
    return [
        {
            "organisation": org,
            "round": rnd,
            "response": responses.get((rnd.pk, org.pk)),
        }
        for rnd in rounds
        for org in organisations
    ]


# --- values_list() queries compiled once per process ----------------------------------------------
#
# The form page and the autosave run the same few row queries on every request, differing only
# in ids. Compiling them through the ORM cost more than running them: each is compiled once per
# process (and database vendor) with stand-in ids, and later run with the real ids as
# parameters, its rows converted by the converters the ORM would apply.

# Stand-in ids: within every integer field's range (a lookup with an out-of-range value is
# compiled away), each of which must appear exactly once among the compiled parameters.
_STAND_IN = 32_001
_COMPILED: dict[tuple[str, str, str], tuple[str, list[int | None], list[Any], list[Any]]] = {}


def _rows(name: str, build: Callable[..., QuerySet[Any]], *ids: int) -> list[tuple[Any, ...]]:
    """The rows of the ``values_list()`` queryset ``build(*ids)``, ``ids`` integers, compiled
    once (``name`` names the query; ``build`` must make the same query for any ids)."""
    key = (name, connection.alias, connection.vendor)
    entry = _COMPILED.get(key)
    if entry is None:
        stand_ins = [_STAND_IN + i for i in range(len(ids))]
        queryset = build(*stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        positions = [
            stand_ins.index(p) if type(p) is int and p in stand_ins else None for p in params
        ]
        if sorted(i for i in positions if i is not None) != list(range(len(ids))):
            return [tuple(row) for row in build(*ids)]  # not a query to reuse: run it as is
        converters = [
            (i, convs, expression)
            for i, (convs, expression) in compiler.get_converters(
                [expression for expression, _sql, _alias in compiler.select]
            ).items()
        ]
        entry = (sql, positions, list(params), converters)
        _COMPILED[key] = entry
    sql, positions, params, converters = entry
    values = [p if i is None else ids[i] for i, p in zip(positions, params, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    result = []
    for fetched in rows:
        row = list(fetched)
        for i, convs, expression in converters:
            value = row[i]
            for converter in convs:
                value = converter(value, expression, connection)
            row[i] = value
        result.append(tuple(row))
    return result


def _instance(
    name: str, model: type[Any], build: Callable[..., QuerySet[Any]], *ids: int, extra: int = 0
) -> tuple[Any, tuple[Any, ...]] | None:
    """The one ``model`` instance ``build(*ids)`` finds (or None), loaded as the ORM loads it
    (``Model.from_db()``), through :func:`_rows`. ``build`` returns a ``values_list()`` of the
    model's concrete fields (:func:`_fields`) then ``extra`` more values, given back beside it."""
    rows = _rows(name, build, *ids)
    if not rows:
        return None
    row = rows[0]
    n = len(row) - extra
    return model.from_db(connection.alias, _fields(model), row[:n]), row[n:]


def _fields(model: type[Any]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def round_for_form(round_pk: int, organisation_id: int) -> SurveyRound | None:
    """The round as :func:`rounds_with_deadline` loads it for the organisation (its deadline
    extension included), compiled once per process. Without its period."""

    def build(round_pk: int, organisation_id: int) -> QuerySet[Any]:
        return (
            rounds_with_deadline(organisation_id)
            .filter(pk=round_pk)
            .order_by()
            .values_list(*_fields(SurveyRound), "extended_until")
        )

    found = _instance("round_for_form", SurveyRound, build, round_pk, organisation_id, extra=1)
    if found is None:
        return None
    survey_round, (extended_until,) = found
    survey_round.extended_until = extended_until
    survey_round.extension_for = organisation_id
    return cast(SurveyRound, survey_round)


def organisation_by_pk(organisation_pk: int) -> Organisation | None:
    """``Organisation.objects.get(pk=...)`` (or None), compiled once per process."""
    from partners.models import Organisation as Org

    def build(pk: int) -> QuerySet[Any]:
        return Org.objects.filter(pk=pk).order_by().values_list(*_fields(Org))

    found = _instance("organisation_by_pk", Org, build, organisation_pk)
    return None if found is None else cast("Organisation", found[0])


def locked_answer_rows(response_id: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every answer of the response, locked (``select_for_update()``, inside a transaction):
    the Answer model's concrete field names, and a row per answer of those fields' values. One
    query (no join: FOR UPDATE locks the answers only), compiled once per process."""
    fields = _fields(Answer)

    def build(response_id: int) -> QuerySet[Any]:
        # No ORDER BY: the model's default ordering would join the response, the round, the
        # organisation and the question for nothing.
        return (
            Answer.objects.filter(response_id=response_id)
            .select_for_update(of=("self",))
            .order_by()
            .values_list(*fields)
        )

    return fields, _rows("locked_answers", build, response_id)


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


# The questionnaires of the rounds in use, read once per process: (round pk, questions_token) →
# questions. The token changes with every question saved or deleted, so a stale entry is never
# hit again; the few old entries are dropped when the dict grows. Shared between requests: the
# Question objects are only read, never changed.
_QUESTIONNAIRES: dict[tuple[int, Any], tuple[Question, ...]] = {}


def round_questions(survey_round: SurveyRound) -> tuple[Question, ...]:
    """The round's questions in order. No query unless they changed since this process last
    read them."""
    key = (survey_round.pk, survey_round.questions_token)
    questions = _QUESTIONNAIRES.get(key)
    if questions is None:
        questions = tuple(Question.objects.filter(round_id=survey_round.pk))
        if len(_QUESTIONNAIRES) >= 16:
            _QUESTIONNAIRES.clear()
        _QUESTIONNAIRES[key] = questions
    return questions


def partner_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """Other partners, for "our figures are included in partner X's report". One query; the
    form page asks only when that question is on screen."""
    from partners.models import Organisation as Org

    def build(organisation_id: int) -> QuerySet[Any]:
        return (
            Org.objects.exclude(pk=organisation_id)
            .filter(status__in=EXPECTED_STATUSES)
            .order_by("name")
            .values_list("pk", "name")
        )

    return [(pk, name) for pk, name in _rows("partner_choices", build, organisation.pk)]


def commitment_challenges(organisation: Organisation, survey_round: SurveyRound) -> list[Any]:
    """(id, number, label) of the challenges the organisation committed to for the round's
    period (confirmed sets; a draft set if none is confirmed). One query."""
    try:
        from partners.models import Commitment
    except ImportError:  # partners without commitments (issue 3 not merged)
        return []
    # Plain rows, not three model instances per commitment (commitment, set and challenge).

    def build(organisation_id: int, period_id: int | None = None) -> QuerySet[Any]:
        qs = Commitment.objects.filter(commitment_set__organisation_id=organisation_id)
        if period_id is not None:
            qs = qs.filter(commitment_set__period_id=period_id)
        return qs.order_by("challenge__number").values_list(
            "challenge_id",
            "challenge__number",
            "challenge__name_sv",
            "challenge__name_en",
            "commitment_set__status",
        )

    if survey_round.period_id:
        rows = _rows("commitments:period", build, organisation.pk, survey_round.period_id)
    else:
        rows = _rows("commitments", build, organisation.pk)
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
            "updated_by__first_name",
            "updated_by__last_name",
            "updated_by__username",
        )
    )


def _form_response(round_id: int, organisation_id: int, *, with_editor: bool) -> Response | None:
    """The organisation's response for the round (or None), as
    ``select_related("last_edited_by")`` loads it ``with_editor`` (the page names the last
    editor; a save only writes it). One query, compiled once per process."""
    from accounts.models import User

    user_fields = _fields(User) if with_editor else []

    def build(round_id: int, organisation_id: int) -> QuerySet[Any]:
        return (
            Response.objects.filter(round_id=round_id, organisation_id=organisation_id)
            .order_by()
            .values_list(*_fields(Response), *(f"last_edited_by__{f}" for f in user_fields))
        )

    name = "form_response:editor" if with_editor else "form_response"
    found = _instance(name, Response, build, round_id, organisation_id, extra=len(user_fields))
    if found is None:
        return None
    response, editor_row = found
    if with_editor:
        editor = None
        if response.last_edited_by_id is not None:
            editor = User.from_db(connection.alias, user_fields, editor_row)
        Response.last_edited_by.field.set_cached_value(response, editor)
    return cast(Response, response)


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

    ``survey_round`` as just loaded (its ``questions_token`` names the questionnaire, see
    :func:`round_questions`). ``for_save``: for saving a section, which needs the inputs and
    the response, but not the stored answers (the save reads them itself, locked, and its
    result gives them for the progress it returns: set ``answers`` from it), last year's
    figures, each stored field's problem or the response's last editor: two queries, a join
    and the checks fewer."""
    questions = round_questions(survey_round)
    # At most one row (unique per round and organisation): no ORDER BY (the model's default
    # ordering would join the round and the organisation for nothing).
    response = _form_response(survey_round.pk, organisation.pk, with_editor=not for_save)
    challenges = commitment_challenges(organisation, survey_round)
    slots = build_slots(
        questions,
        years=survey_round.years(),
        reporting_year=survey_round.reporting_year,
        challenges=challenges,
    )
    answers: dict[str, AnswerData] = {}
    versions: dict[str, int] = {}
    editors: dict[str, str] = {}
    if response is not None and not for_save:  # a save reads them itself, locked
        # Plain rows, not model instances: a page holds ~100 answers (and Answer is audited,
        # which snapshots every loaded instance). Unordered: they are looked up by field name,
        # and the model's default ordering would join the round, organisation and question.
        rows = _rows("answers", _answer_rows, response.pk)
        for name, raw, choice, not_reported, comment, value, version, first, last, user in rows:
            answers[name] = AnswerData(raw, choice, not_reported, comment, value)
            versions[name] = version
            if user:
                editors[name] = f"{first} {last}".strip() or user
    previous: dict[tuple[str, int], Decimal] = (
        {} if for_save else previous_values(organisation, survey_round)
    )
    # Within a baseline response, the earlier year is "last year" for the later one.
    for slot in slots:
        data = answers.get(slot.field_name)
        if data is not None and data.value is not None and slot.question.per_year:
            previous.setdefault((slot.question.key, slot.year), data.value)
    sections: list[SectionView] = []
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
            )
        )
    sections = [s for s in by_section.values() if s.fields]
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

    def build(organisation_id: int, year: int) -> QuerySet[Any]:
        return (
            Answer.objects.filter(
                response__organisation_id=organisation_id,
                response__round__year__lt=year,
                response__state__in=[Response.State.SUBMITTED, Response.State.APPROVED],
                value__isnull=False,
            )
            .order_by("response__round__year")
            .values_list("question__key", "year", "value")
        )

    rows = _rows("previous_values", build, organisation.pk, survey_round.year)
    return {(key, year): value for key, year, value in rows if value is not None}


def get_response_for(survey_round: SurveyRound, organisation: Organisation) -> Response | None:
    return Response.objects.filter(round=survey_round, organisation=organisation).first()


def round_overview(survey_round: SurveyRound) -> list[dict[str, Any]]:
    """The office's round view: each expected organisation (and any other that responded) with
    state, last edit, answered/required counts and deadline. Constant number of queries."""
    from partners.models import Organisation

    responses = {
        r.organisation_id: r
        for r in Response.objects.filter(round=survey_round)
        .select_related("last_edited_by")
        .annotate(n_answers=Count("answers"))
    }
    org_ids = set(responses)
    organisations = Organisation.objects.filter(
        Q(status__in=EXPECTED_STATUSES) | Q(pk__in=org_ids)
    ).order_by("name")
    extensions = dict(
        DeadlineExtension.objects.filter(round=survey_round).values_list("organisation_id", "until")
    )
    missing, required = missing_required_counts(survey_round)
    reminders = reminder_log(survey_round)
    rows = []
    for org in organisations:
        response = responses.get(org.pk)
        rows.append(
            {
                "organisation": org,
                "response": response,
                "state": response.state if response else Response.State.NOT_STARTED,
                "state_label": (
                    response.get_state_display() if response else Response.State.NOT_STARTED.label
                ),
                "missing": missing.get(org.pk, required),
                "extension": extensions.get(org.pk),
                "reminders": reminders.get(org.pk, []),
            }
        )
    return rows


def reminder_log(survey_round: SurveyRound) -> dict[int, list[dict[str, Any]]]:
    """organisation_id → the reminders sent for the round, newest first: when, at which offset,
    whether it was escalated to the main contact, and the people it went to (names from the
    contact ids the reminder recorded, so a renamed or erased person shows as they are now).
    Two queries."""
    from partners.models import ContactPerson

    events = list(
        ResponseEvent.objects.filter(response__round=survey_round, kind=ResponseEvent.Kind.REMINDED)
        .values("response__organisation_id", "at", "data", "by__first_name", "by__last_name")
        .order_by("-at", "-pk")
    )
    contact_ids = {int(c) for e in events for c in (e["data"] or {}).get("contacts", [])}
    names = {
        c.pk: c.full_name
        for c in ContactPerson.objects.filter(pk__in=contact_ids).only("first_name", "last_name")
    }
    log: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        data = event["data"] or {}
        log.setdefault(event["response__organisation_id"], []).append(
            {
                "at": event["at"],
                "offset": data.get("offset"),
                "escalated": bool(data.get("escalated")),
                "by": " ".join(n for n in (event["by__first_name"], event["by__last_name"]) if n),
                "to": [names[int(c)] for c in data.get("contacts", []) if int(c) in names],
            }
        )
    return log


def missing_required_counts(
    survey_round: SurveyRound,
) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """organisation_id → {section: number of unanswered required non-commitment inputs}, and
    the required count per section (what an organisation without answers is missing).

    Counts required questions (per data year where asked per year) without an answer; the
    commitment follow-up is counted on the form itself. Two queries."""
    required = list(
        survey_round.questions.filter(required=True, per_commitment=False).values_list(
            "pk", "section", "per_year"
        )
    )
    years = len(survey_round.years())
    expected: dict[str, int] = defaultdict(int)
    for _pk, section, per_year in required:
        expected[section] += years if per_year else 1
    answered = (
        Answer.objects.filter(
            response__round=survey_round,
            question_id__in=[pk for pk, _s, _p in required],
        )
        .filter(Q(not_reported=True) | ~Q(raw="") | ~Q(choice=""))
        .values("response__organisation_id", "question__section")
        .annotate(n=Count("pk"))
    )
    result: dict[int, dict[str, int]] = {}
    done: dict[int, dict[str, int]] = defaultdict(dict)
    for row in answered:
        done[row["response__organisation_id"]][row["question__section"]] = row["n"]
    for org_id, sections in done.items():
        result[org_id] = {
            section: expected[section] - sections.get(section, 0)
            for section in expected
            if expected[section] - sections.get(section, 0) > 0
        }
    return result, dict(expected)


def followup_settings(period: PartnershipPeriod | None) -> FollowUpSettings:
    if period is None:
        return FollowUpSettings()
    found = FollowUpSettings.objects.filter(period=period).first()
    return found or FollowUpSettings(period=period)


def current_period() -> PartnershipPeriod | None:
    from roadmap.models import PartnershipPeriod

    return PartnershipPeriod.objects.order_by("-start_year").first()


# --- frames for the aggregations ---------------------------------------------------------------


def approved_values_frame(*, keys: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers of approved responses: organisation_id, year, key, value (float64; see
    surveys.aggregations on the number representation). One query."""
    qs = Answer.objects.filter(
        response__state=Response.State.APPROVED, value__isnull=False, not_reported=False
    )
    if keys is not None:
        qs = qs.filter(question__key__in=keys)
    rows = qs.values_list("response__organisation_id", "year", "question__key", "value")
    frame = pd.DataFrame.from_records(
        list(rows), columns=["organisation_id", "year", "key", "value"]
    )
    frame["value"] = frame["value"].astype("float64")
    return frame.astype({"organisation_id": "int64", "year": "int64"})


def expected_frame() -> pd.DataFrame:
    """year → n_total: the partners in each data year of a round (coverage = n / n_total).

    An organisation is a partner in year y when it was asked about y (it has a response, in any
    state, in a round covering y), or when its status at the end of y was signed or active by
    its status history. Without a status history, an organisation signed or active now counts
    from the first year its responses cover (one that never answered: the latest round's
    years). So a joiner of 2024 is not counted among the partners of 2023, and a partner that
    has since left still counts in the years it was asked (issue 16, red-team). Two queries."""
    from partners.models import Organisation

    years_of: dict[int, list[int]] = {}
    latest = -1
    asked: dict[int, set[int]] = defaultdict(set)  # year → organisations
    first_year: dict[int, int] = {}
    latest_years: set[int] = set()
    # One row per round and response (a round without responses: organisation None).
    rounds = cast(
        list[tuple[int, int, list[Any], int | None]],
        list(
            SurveyRound.objects.values_list(
                "pk", "reporting_year", "data_years", "responses__organisation_id"
            )
        ),
    )
    for round_id, reporting_year, data_years, organisation_id in rounds:
        years = sorted(int(y) for y in data_years or []) or [reporting_year]
        years_of[round_id] = years
        if reporting_year > latest:
            latest, latest_years = reporting_year, set(years)
        if organisation_id is None:
            continue
        for year in years:
            asked[year].add(organisation_id)
            first_year[organisation_id] = min(year, first_year.get(organisation_id, year))
    if not years_of:
        return pd.DataFrame(columns=["year", "n_total"]).astype("int64")
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    current: set[int] = set()
    # Current partners and everyone with a status history, one row per history step.
    organisations = cast(
        list[tuple[int, str, date | None, str | None]],
        list(
            Organisation.objects.filter(
                Q(status__in=EXPECTED_STATUSES) | Q(status_changes__isnull=False)
            )
            .order_by("pk", "status_changes__changed_on", "status_changes__id")
            .values_list("pk", "status", "status_changes__changed_on", "status_changes__status")
        ),
    )
    for organisation_id, status_now, changed_on, status in organisations:
        if changed_on is not None:
            history[organisation_id].append((changed_on, status or ""))
        elif status_now in EXPECTED_STATUSES:
            current.add(organisation_id)
    rows = []
    for year in sorted({y for years in years_of.values() for y in years}):
        partners = set(asked.get(year, set()))
        end = date(year, 12, 31)
        for organisation_id, steps in history.items():
            status = next((s for on, s in reversed(steps) if on <= end), "")
            if status in EXPECTED_STATUSES:
                partners.add(organisation_id)
        for organisation_id in current - set(history):
            start = first_year.get(organisation_id)
            if (start is None and year in latest_years) or (start is not None and year >= start):
                partners.add(organisation_id)
        rows.append({"year": year, "n_total": len(partners)})
    return pd.DataFrame.from_records(rows, columns=["year", "n_total"]).astype("int64")


# --- follow-up ----------------------------------------------------------------------------------


def indicator_followup(
    year: int | None = None, *, organisation: Organisation | None = None
) -> list[dict[str, Any]]:
    """Indicators with their stored values per year (see the module docstring). Three or four
    queries whatever the number of indicators."""
    indicators = list(
        Indicator.objects.select_related("goal").prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
        )
    )
    values = IndicatorValue.objects.filter(organisation__isnull=True)
    if year is not None:
        values = values.filter(year__lte=year)
    by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in values.order_by("year"):
        by_indicator[value.indicator_id].append(value)
    own: dict[int, list[IndicatorValue]] = defaultdict(list)
    if organisation is not None:
        own_values = IndicatorValue.objects.filter(organisation=organisation)
        if year is not None:
            own_values = own_values.filter(year__lte=year)
        for value in own_values.order_by("year"):
            own[value.indicator_id].append(value)
    result = []
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        result.append(
            {
                "indicator": indicator,
                "goal": indicator.goal,
                "values": by_indicator.get(indicator.pk, []),
                "own_values": own.get(indicator.pk, []),
                "targets": targets,
            }
        )
    return result


def organisation_emissions_series(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's S1 + S2 series with the 20 % path and its own target (stored values)."""
    rows = IndicatorValue.objects.filter(
        organisation=organisation, indicator__key=EMISSIONS_INDICATOR
    ).order_by("year")
    result = []
    for row in rows:
        details = row.details or {}

        def dec(name: str, details: dict[str, Any] = details) -> Decimal | None:
            raw = details.get(name)
            return Decimal(str(raw)) if raw is not None else None

        result.append(
            {
                "year": row.year,
                "emissions": row.value,
                "path": dec("path"),
                "gap": dec("gap"),
                "on_path": details.get("on_path"),
                "annual_change": dec("annual_change"),
                "average_rate": dec("average_rate"),
                "required_rate": dec("required_rate"),
                "own_target": dec("own_target"),
            }
        )
    return result


def last_edit(survey_round: SurveyRound) -> Any:
    return Response.objects.filter(round=survey_round).aggregate(at=Max("last_edited_at"))["at"]


# --- inputs of surveys.figures -----------------------------------------------------------------


def figure_inputs() -> Any:
    """Everything :mod:`surveys.figures` reads, in five queries (approved responses only).

    Where two approved responses cover the same organisation and year, the later round wins."""
    from partners.models import GroupRelation
    from surveys.figures.inputs import Inputs
    from surveys.models import BoundaryDecision

    approved = Response.objects.filter(state=Response.State.APPROVED)
    covers = [
        {"organisation_id": org, "reporting_year": reporting_year, "year": int(year)}
        for org, reporting_year, data_years in approved.values_list(
            "organisation_id", "round__reporting_year", "round__data_years"
        )
        for year in (sorted(int(y) for y in data_years) or [reporting_year])
    ]
    responses = pd.DataFrame.from_records(
        covers, columns=["organisation_id", "reporting_year", "year"]
    ).astype("int64")
    rows = (
        Answer.objects.filter(response__state=Response.State.APPROVED, not_reported=False)
        .exclude(value__isnull=True, choice="")
        .order_by("response__round__year")
        .values_list("response__organisation_id", "year", "question__key", "value", "choice")
    )
    answers = pd.DataFrame.from_records(
        list(rows), columns=["organisation_id", "year", "key", "value", "choice"]
    ).astype({"organisation_id": "int64", "year": "int64"})
    answers = answers.drop_duplicates(["organisation_id", "year", "key"], keep="last")
    numbers = answers[answers["value"].notna()]
    values = pd.DataFrame(
        {
            "organisation_id": numbers["organisation_id"],
            "year": numbers["year"],
            "key": numbers["key"],
            "value": numbers["value"].astype("float64"),
        }
    ).reset_index(drop=True)
    chosen = answers[answers["choice"] != ""]
    choices = chosen[["organisation_id", "year", "key", "choice"]].reset_index(drop=True)
    # The office's "included in X's report" relations, with the years each holds.
    relation_rows = GroupRelation.objects.filter(
        kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF
    ).values_list("from_organisation_id", "to_organisation_id", "from_year", "to_year")
    relations = pd.DataFrame.from_records(
        list(relation_rows),
        columns=["organisation_id", "included_in", "from_year", "to_year"],
    ).astype({"from_year": "float64", "to_year": "float64"})
    decisions = pd.DataFrame.from_records(
        list(
            BoundaryDecision.objects.values_list("organisation_id", "reporting_year", "comparable")
        ),
        columns=["organisation_id", "reporting_year", "comparable"],
    )
    expected = expected_frame()
    period = current_period()
    settings = followup_settings(period)
    return Inputs(
        values=values,
        choices=choices,
        responses=responses,
        relations=relations,
        decisions=decisions,
        n_partners={
            int(y): int(n) for y, n in zip(expected["year"], expected["n_total"], strict=True)
        },
        base_year=period.base_year if period else 2022,
        rate=float(period.annual_reduction_rate) if period else 0.2,
        scope2_method=settings.scope2_method,
        min_group=settings.min_group_size,
    )


def organisation_groups(group: str) -> pd.DataFrame:
    """organisation_id, group: the organisation's kind, sector or focus areas (from its
    commitments; an organisation sits in each focus area it committed to)."""
    from partners.models import Commitment, Organisation

    rows: list[tuple[Any, ...]]
    if group == "focus_area":
        rows = list(
            Commitment.objects.values_list(
                "commitment_set__organisation_id", "challenge__focus_area__name_sv"
            ).distinct()
        )
    elif group in {"kind", "sector"}:
        rows = list(Organisation.objects.exclude(**{group: ""}).values_list("pk", group))
    else:
        raise ValueError(group)
    return pd.DataFrame.from_records(rows, columns=["organisation_id", "group"])


def boundary_review(survey_round: SurveyRound) -> list[dict[str, Any]]:
    """The round's boundary changes for the office's review page: each organisation whose
    approved response shows a changed boundary (or that the office decided on), what changed,
    whether a recalculated base was given, and the office's decision."""
    from partners.models import Organisation
    from surveys import figures
    from surveys.figures import inputs as who
    from surveys.models import BoundaryDecision

    inputs = figures.load_inputs()
    changes = inputs.changes
    if changes.empty:
        return []
    mine = changes[changes["reporting_year"] == survey_round.reporting_year]
    ids = [int(o) for o in mine["organisation_id"]]
    organisations = Organisation.objects.in_bulk(ids)
    decisions = {
        d.organisation_id: d
        for d in BoundaryDecision.objects.filter(
            organisation_id__in=ids, reporting_year=survey_round.reporting_year
        ).select_related("decided_by")
    }
    labels = {
        "geographic_scope": _("geografisk avgränsning ändrad"),
        "consolidation_approach": _("konsolideringsmetod ändrad"),
        "base_recalculated": _("basåret omräknat"),
        "group_change": _(
            "en partner har lämnat eller kommit in i redovisningen (avyttring/förvärv)"
        ),
    }
    rows = []
    for record in mine.to_dict("records"):
        organisation_id = int(record["organisation_id"])
        recalculated = {
            key: who.recalculated_base(inputs, organisation_id, key, survey_round.reporting_year)
            for key in who.BASE_KEYS
        }
        rows.append(
            {
                "organisation": organisations[organisation_id],
                "reasons": [labels.get(r, r) for r in record["reasons"]],
                "detected": bool(record["detected"]),
                "comparable": not bool(record["changed"]),
                "recalculated": {k: v for k, v in recalculated.items() if v is not None},
                "decision": decisions.get(organisation_id),
            }
        )
    return sorted(rows, key=lambda r: r["organisation"].name)
