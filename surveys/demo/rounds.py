"""Demo survey rounds with responses in planned states, and the indicators' data."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from partners.demo import INCLUDED_IN_KOMMUN, PARENT, DemoOrganisation, demo_by_name
from surveys import indicators, selectors, services
from surveys.demo.answers import answers_for
from surveys.demo.profiles import (
    ANNA,
    BOUNDARY_CHANGE,
    CECILIA,
    TERRITORIAL,
    UNIVERSITY,
    Profile,
    profile_for,
)
from surveys.models import (
    Answer,
    Indicator,
    IndicatorTarget,
    ManualIndicatorValue,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.rules import build_slots
from surveys.services.carryover import carries_over


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


# Planned states per round for named organisations; everyone else is drawn at random in the
# open round and approved in the closed ones.
PLANNED_STATES: dict[int, dict[str, str]] = {
    2024: {
        "Norrlandsoperan AB": "submitted",
        "Umeå Folkets Hus ek. för.": "not_started",
        "Nolia AB": "not_started",
        "Klimatklok Konsult i Umeå AB": "not_started",
        "Röbäcks Lantbruk AB": "not_started",
        "Hotell Aveny i Umeå AB": "draft",
    },
    2025: {
        "Umeå Stadsodlare ek. för.": "not_started",
        "Röbäcks Lantbruk AB": "not_started",
        "Klimatklok Konsult i Umeå AB": "draft",
        "Lärkträdet Fastigheter AB": "reopened",
        "Nolia AB": "submitted",
    },
    2026: {
        PARENT: "approved",
        INCLUDED_IN_KOMMUN: "approved",
        UNIVERSITY: "approved",
        ANNA: "draft_complete",
        CECILIA: "reopened",
        BOUNDARY_CHANGE: "approved",
        "Västerbottens Byggmästare AB": "not_started",
    },
}


def _expected(demo: DemoOrganisation, survey_round: SurveyRound) -> bool:
    """Was the organisation a partner asked to answer this round?"""
    if demo.joined is None or demo.joined > survey_round.opens_on:
        return False
    if demo.status == "left":
        return survey_round.year <= 2024
    if demo.status == "paused":
        return survey_round.year <= 2025
    return True


def _state_for(name: str, survey_round: SurveyRound, rng: random.Random, is_open: bool) -> str:
    planned = PLANNED_STATES.get(survey_round.year, {}).get(name)
    if planned:
        return planned
    if not is_open:
        return "approved"
    return rng.choices(["approved", "submitted", "draft", "not_started"], weights=[45, 20, 15, 20])[
        0
    ]


def _respond(
    survey_round: SurveyRound,
    organisation: Any,
    rng: random.Random,
    profile: Profile,
    state: str,
    *,
    questions: list[Any],
    parent_pk: int | None,
    office: Any,
    editor: Any,
) -> tuple[Response, list[Answer], list[ResponseEvent]]:
    slots = build_slots(
        questions,
        years=survey_round.years(),
        reporting_year=survey_round.reporting_year,
        challenges=selectors.commitment_challenges(organisation, survey_round),
    )
    rows = answers_for(slots, rng, profile, survey_round, parent_pk=parent_pk)
    if state == "draft":
        rows = rows[: len(rows) // 3]
    if state == "draft_complete":
        # Anna's draft leaves the answers that carry over (issue 20.3) to her first view of the
        # form, which fills them in from Umeå Energi's approved 2025 response, marked for her to
        # confirm.
        rows = [row for row in rows if not carries_over(row["question"])]
    edited = min(survey_round.closes_on, timezone.localdate()) - dt.timedelta(
        days=rng.randint(3, 30)
    )
    edited = max(edited, survey_round.opens_on)
    stored_state = Response.State.DRAFT if state == "draft_complete" else state
    response = Response.objects.create(
        round=survey_round,
        organisation=organisation,
        state=stored_state,
        last_edited_at=_at(edited),
        last_edited_by=editor,
        submitted_at=_at(edited, 14) if state in {"submitted", "approved", "reopened"} else None,
        approved_at=_at(edited + dt.timedelta(days=5)) if state == "approved" else None,
        approved_by=office if state == "approved" else None,
        reopen_reason=(
            "Scope 2 marknadsbaserad ser för låg ut jämfört med elanvändningen. "
            "Kontrollera om ni har ursprungsgarantier."
            if state == "reopened"
            else ""
        ),
    )
    events = []
    if state in {"submitted", "approved", "reopened"}:
        events.append(ResponseEvent(response=response, kind=ResponseEvent.Kind.SUBMITTED))
    if state == "approved":
        events.append(ResponseEvent(response=response, kind=ResponseEvent.Kind.APPROVED, by=office))
    if state == "reopened":
        events.append(
            ResponseEvent(
                response=response,
                kind=ResponseEvent.Kind.REOPENED,
                by=office,
                message=response.reopen_reason,
            )
        )
    answers = [Answer(response=response, updated_by=editor, **row) for row in rows]
    return response, answers, events


def _rounds(today: dt.date) -> list[SurveyRound]:
    specs = [
        (2024, dt.date(2024, 1, 15), dt.date(2024, 3, 31), [2022, 2023]),
        (2025, dt.date(2025, 1, 15), dt.date(2025, 3, 31), [2024]),
        # Kept open to the end of this year so the demo logins can fill it in.
        (2026, dt.date(2026, 1, 15), max(dt.date(2026, 3, 31), dt.date(today.year, 12, 31)), [2025]),
    ]  # fmt: skip
    existing = {r.year: r for r in SurveyRound.objects.filter(year__in=[s[0] for s in specs])}
    rounds = []
    for year, opens_on, closes_on, data_years in specs:
        survey_round = existing.get(year) or services.create_round(
            year=year, opens_on=opens_on, closes_on=closes_on, data_years=data_years, by=None
        )
        rounds.append(survey_round)
    return rounds


def create_demo(rng: random.Random, organisations: list[Any]) -> str:
    from accounts.models import User

    today = timezone.localdate()
    rounds = _rounds(today)
    services.create_default_indicators()
    demos = demo_by_name()
    office = User.objects.filter(is_office_staff=True).order_by("pk").first()
    anna = User.objects.filter(username="anna").first()
    parent = next((o for o in organisations if o.name == PARENT), None)
    profiles = {
        o.pk: profile_for(demos[o.name], random.Random(f"{o.name}:{rng.random()}"))  # noqa: S311
        for o in organisations
        if o.name in demos
    }
    counts: dict[str, int] = {}
    answers: list[Answer] = []
    events: list[ResponseEvent] = []
    for survey_round in rounds:
        if survey_round.responses.exists():
            continue  # filled in by an earlier run (its "not started" gaps have no rows)
        is_open = survey_round.closes_on >= today
        questions = list(survey_round.questions.all())  # read once, not per organisation
        for organisation in organisations:
            demo = demos.get(organisation.name)
            if demo is None or not _expected(demo, survey_round):
                continue
            state = _state_for(organisation.name, survey_round, rng, is_open)
            counts[state] = counts.get(state, 0) + 1
            if state == "not_started":
                continue
            _response, new_answers, new_events = _respond(
                survey_round,
                organisation,
                rng,
                profiles[organisation.pk],
                state,
                questions=questions,
                parent_pk=parent.pk if parent and organisation.name == INCLUDED_IN_KOMMUN else None,
                office=office,
                editor=anna if organisation.name == ANNA else None,
            )
            answers += new_answers
            events += new_events
    Answer.objects.bulk_create(answers, batch_size=2000)
    ResponseEvent.objects.bulk_create(events)
    _indicator_data()
    stored = indicators.recompute_indicators()
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    return (
        f"survey rounds {', '.join(str(r.year) for r in rounds)}: {summary or 'already present'}; "
        f"{len(answers)} answers; {stored} indicator values"
    )


def _indicator_data() -> None:
    territorial = Indicator.objects.get(key="umea_territorial")
    for year, value in TERRITORIAL.items():
        ManualIndicatorValue.objects.get_or_create(
            indicator=territorial,
            year=year,
            defaults={"value": Decimal(value), "source_note": "Nationella emissionsdatabasen"},
        )
    for year in range(2023, 2026):
        IndicatorTarget.objects.get_or_create(
            indicator=territorial,
            year=year,
            defaults={"value": Decimal(TERRITORIAL[2022]) * Decimal("0.8") ** (year - 2022)},
        )
    for indicator in Indicator.objects.filter(aggregation=Indicator.Aggregation.LIKERT):
        for year, target in ((2023, 60), (2024, 65), (2025, 70)):
            IndicatorTarget.objects.get_or_create(
                indicator=indicator, year=year, defaults={"value": Decimal(target)}
            )
    for key in ("share_public_report", "share_own_target"):
        indicator = Indicator.objects.get(key=key)
        for year, target in ((2023, 50), (2024, 65), (2025, 80)):
            IndicatorTarget.objects.get_or_create(
                indicator=indicator, year=year, defaults={"value": Decimal(target)}
            )
