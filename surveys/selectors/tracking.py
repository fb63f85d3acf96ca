"""Reads for the office's view of a round: overview, reminders, what is missing, boundary review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from surveys.models import Answer, DeadlineExtension, Response, ResponseEvent, SurveyRound
from surveys.selectors.rounds import EXPECTED_STATUSES

if TYPE_CHECKING:
    pass


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
