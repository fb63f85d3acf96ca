"""Reads for the office's view of a round: overview, reminders, what is missing, boundary review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from surveys.models import (
    Answer,
    DeadlineExtension,
    Question,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.selectors.rounds import EXPECTED_STATUSES

if TYPE_CHECKING:
    from partners.models import Organisation


def _tracked(survey_round: SurveyRound) -> QuerySet[Organisation]:
    """Every expected organisation and any other that responded to the round."""
    from partners.models import Organisation

    responded = Response.objects.filter(round=survey_round, organisation=OuterRef("pk"))
    return Organisation.objects.filter(Q(status__in=EXPECTED_STATUSES) | Exists(responded))


def _state_of(survey_round: SurveyRound) -> Coalesce:
    """An organisation's state in the round: its response's, or not started without one."""
    response = Response.objects.filter(round=survey_round, organisation=OuterRef("pk"))
    return Coalesce(Subquery(response.values("state")[:1]), Value(Response.State.NOT_STARTED.value))


def tracker_organisations(survey_round: SurveyRound, state: str = "") -> QuerySet[Organisation]:
    """The tracker's organisations by name, only those in ``state`` when it is a known state.
    One query, for a paginator to slice."""
    organisations = _tracked(survey_round)
    if state in Response.State.values:
        organisations = organisations.alias(tracker_state=_state_of(survey_round)).filter(
            tracker_state=state
        )
    return organisations.order_by("name", "pk")


def tracker_state_counts(survey_round: SurveyRound) -> list[tuple[str, str, int]]:
    """(state, label, number of organisations) for every state, in the state machine's order:
    the counts of the rows :func:`tracker_organisations` lists for each state. One query."""
    counts = dict(
        _tracked(survey_round)
        .annotate(tracker_state=_state_of(survey_round))
        .order_by()
        .values_list("tracker_state")
        .annotate(n=Count("pk"))
        .values_list("tracker_state", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in Response.State.choices]


def tracker_rows(
    survey_round: SurveyRound, organisations: Iterable[Organisation]
) -> list[dict[str, Any]]:
    """The tracker's rows for ``organisations`` (one page of :func:`tracker_organisations`):
    state, last edit, answered/required counts, deadline and reminders. Queries do not grow
    with the number of organisations (six, whatever the page's size)."""
    organisations = list(organisations)
    ids = [org.pk for org in organisations]
    responses = {
        r.organisation_id: r
        for r in Response.objects.filter(round=survey_round, organisation_id__in=ids)
        .select_related("last_edited_by")
        .annotate(n_answers=Count("answers"))
    }
    extensions = dict(
        DeadlineExtension.objects.filter(round=survey_round, organisation_id__in=ids).values_list(
            "organisation_id", "until"
        )
    )
    missing, required = missing_required_counts(survey_round, organisation_ids=ids)
    reminders = reminder_log(survey_round, organisation_ids=ids)
    sections = dict(Question.Section.choices)
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
                # (section's label, number missing): the template draws it without a lookup.
                "missing_labelled": [
                    (sections.get(section, section), n)
                    for section, n in missing.get(org.pk, required).items()
                ],
                "extension": extensions.get(org.pk),
                "reminders": reminders.get(org.pk, []),
            }
        )
    return rows


def round_overview(survey_round: SurveyRound) -> list[dict[str, Any]]:
    """Every row of the round's tracker (all organisations at once: for tests and small reads;
    the tracker page and the office home read a page or the counts instead)."""
    return tracker_rows(survey_round, tracker_organisations(survey_round))


def reminder_log(
    survey_round: SurveyRound, *, organisation_ids: list[int] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """organisation_id → the reminders sent for the round, newest first: when, at which offset,
    whether it was escalated to the main contact, and the people it went to (names from the
    contact ids the reminder recorded, so a renamed or erased person shows as they are now).
    Two queries."""
    from partners.models import ContactPerson

    reminded = ResponseEvent.objects.filter(
        response__round=survey_round, kind=ResponseEvent.Kind.REMINDED
    )
    if organisation_ids is not None:
        reminded = reminded.filter(response__organisation_id__in=organisation_ids)
    events = list(
        reminded.values(
            "response__organisation_id", "at", "data", "by__first_name", "by__last_name"
        ).order_by("-at", "-pk")
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
    survey_round: SurveyRound, *, organisation_ids: list[int] | None = None
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
    answers = Answer.objects.filter(
        response__round=survey_round, question_id__in=[pk for pk, _s, _p in required]
    )
    if organisation_ids is not None:
        answers = answers.filter(response__organisation_id__in=organisation_ids)
    answered = (
        answers.filter(Q(not_reported=True) | ~Q(raw="") | ~Q(choice=""))
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


def last_edit(survey_round: SurveyRound) -> Any:
    return Response.objects.filter(round=survey_round).aggregate(at=Max("last_edited_at"))["at"]


def boundary_review(survey_round: SurveyRound) -> list[dict[str, Any]]:
    """The round's boundary changes for the office's review page: each organisation whose
    approved response shows a changed boundary (or that the office decided on), what changed,
    whether a recalculated base was given, and the office's decision. The changes are read from
    the follow-up's cached figures (surveys.figures.cached), versioned by the same writers."""
    from partners.models import Organisation
    from surveys.figures import cached
    from surveys.models import BoundaryDecision

    changes = cached.boundary_changes(survey_round.reporting_year)
    if not changes:
        return []
    ids = [change.organisation_id for change in changes]
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
    rows = [
        {
            "organisation": organisations[change.organisation_id],
            "reasons": [labels.get(r, r) for r in change.reasons],
            "detected": change.detected,
            "comparable": not change.changed,
            "recalculated": change.recalculated,
            "decision": decisions.get(change.organisation_id),
        }
        for change in changes
        if change.organisation_id in organisations
    ]
    return sorted(rows, key=lambda r: r["organisation"].name)


# --- the tracker's state filter (issue 20.4): the counts are the filter's links, so the numbers
# and the list always agree.


def state_counts(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(state, label, number of rows) for every state, in the state machine's order."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return [(value, str(label), counts.get(value, 0)) for value, label in Response.State.choices]


def filter_rows(rows: list[dict[str, Any]], state: str) -> list[dict[str, Any]]:
    """The rows in ``state`` (all rows for "" or an unknown state)."""
    if state not in Response.State.values:
        return rows
    return [row for row in rows if row["state"] == state]
