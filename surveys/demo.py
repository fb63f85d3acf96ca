"""Demo survey data for ``manage.py load_demo_data``: three survey years as they happen.

* The 2024 round is the baseline: it collects 2022 and 2023. Most of the 37 first partners are
  approved; half of the 17 who joined on 30 November 2023 have no 2022 figures ("not reported").
* The 2025 round collects 2024; Balticgruppen changed its boundary (Umeå → Sweden, base year
  recalculated for a structural change).
* The 2026 round collects 2025 and is still open, so the demo logins can fill it in: Umeå Energi
  (anna) has a complete draft, Bostaden (cecilia) was reopened by the office.
* Every round has gaps: not started, draft, submitted and waiting, reopened.
* Umeå universitet reports its public figures (2022: S1 49, S2 679, S3 23,259; 2023 total 23,332;
  own target −19 %/yr); Umeå Energi's scope 1 (waste and biofuel CHP) dwarfs the rest.
* The overlap: Vakin is included in Umeå kommun's report, by its answer and by a group relation.

Approved and submitted responses pass every hard rule of the questionnaire.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from partners.demo import (
    INCLUDED_IN_KOMMUN,
    PARENT,
    SECOND_ROUND,
    DemoOrganisation,
    demo_by_name,
)
from surveys import indicators, selectors, services
from surveys.models import (
    Answer,
    Indicator,
    IndicatorTarget,
    ManualIndicatorValue,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.rules import Slot, build_slots

# Umeå's territorial emissions (t CO2e), rounded, in the spirit of Nationella emissionsdatabasen.
TERRITORIAL = {2019: 370000, 2020: 338000, 2021: 352000, 2022: 331000, 2023: 305000}

BOUNDARY_CHANGE = "Balticgruppen AB"
ANNA = "Umeå Energi AB"
CECILIA = "AB Bostaden i Umeå"
UNIVERSITY = "Umeå universitet"

# Scope 3 category shares (of the organisation's scope 3) for the categories it calculates.
S3_SHARES: dict[str, dict[int, float]] = {
    "office": {1: 0.45, 6: 0.30, 7: 0.20, 5: 0.05},
    "property": {1: 0.25, 2: 0.55, 3: 0.10, 5: 0.10},
    "build": {1: 0.70, 4: 0.15, 5: 0.10, 7: 0.05},
    "industry": {1: 0.60, 4: 0.20, 9: 0.10, 12: 0.10},
    "energy": {1: 0.55, 3: 0.35, 4: 0.10},
    "university": {1: 0.4213, 2: 0.1333, 3: 0.0133, 5: 0.0064, 6: 0.2967, 7: 0.1290},
}

# (scope 1, scope 2 market-based, scope 3) per employee in t CO2e, by sector, and the
# scope 3 profile.
SECTOR_INTENSITY: dict[str, tuple[float, float, float, str]] = {
    "Offentlig förvaltning": (0.25, 0.6, 7.0, "office"),
    "Hälso- och sjukvård": (0.3, 0.7, 6.0, "office"),
    "Utbildning och forskning": (0.05, 0.2, 5.0, "office"),
    "Energi": (2.0, 0.3, 8.0, "energy"),
    "Fastigheter": (0.6, 22.0, 40.0, "property"),
    "Vatten och avfall": (15.0, 2.0, 8.0, "industry"),
    "Parkering och mobilitet": (0.5, 3.0, 4.0, "property"),
    "Transport och logistik": (9.0, 0.4, 3.0, "build"),
    "Bygg och anläggning": (3.0, 0.5, 30.0, "build"),
    "Teknikkonsult och arkitektur": (0.2, 0.3, 1.8, "office"),
    "Bank och finans": (0.1, 0.3, 1.5, "office"),
    "Industri": (4.5, 1.5, 25.0, "industry"),
    "Kultur och turism": (0.2, 1.2, 2.5, "office"),
    "Ideell förening": (0.1, 0.3, 1.0, "office"),
    "Hotell och restaurang": (0.4, 1.5, 6.0, "office"),
    "IT och telekom": (0.2, 0.4, 6.0, "office"),
    "Handel": (0.8, 0.8, 20.0, "industry"),
    "Revision och rådgivning": (0.1, 0.2, 1.5, "office"),
    "Jordbruk och livsmedel": (6.0, 0.8, 12.0, "build"),
}


@dataclass
class Profile:
    """One organisation's figures by data year: scope 1, scope 2 (market) and scope 3 totals."""

    s1: dict[int, Decimal]
    s2: dict[int, Decimal]
    s3: dict[int, Decimal]
    s3_shares: dict[int, float]
    geography: dict[int, str]  # by reporting year
    target: int | None = None
    public_report: bool = False
    employees: int = 10
    heated_area: int | None = None
    biogenic: Decimal | None = None
    verified: bool = False
    missing_years: set[int] = field(default_factory=set)  # "not reported" (joined late)
    comments: dict[tuple[str, int], str] = field(default_factory=dict)


def _d(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


YEARS = (2022, 2023, 2024, 2025)


def _path(start: float, cut: float, rng: random.Random) -> dict[int, Decimal]:
    """A yearly series that falls by about ``cut`` a year, with noise."""
    values, current = {}, start
    for year in YEARS:
        values[year] = _d(max(current, 0.1))
        current *= 1 - cut + rng.uniform(-0.04, 0.04)
    return values


def profile_for(demo: DemoOrganisation, rng: random.Random) -> Profile:
    s1_per, s2_per, s3_per, shares = SECTOR_INTENSITY.get(demo.sector, (0.3, 0.5, 3.0, "office"))
    size = demo.employees * rng.uniform(0.7, 1.3)
    cut = rng.uniform(-0.03, 0.18)
    joined_late = demo.joined is not None and demo.joined >= SECOND_ROUND
    profile = Profile(
        s1=_path(max(0.5, size * s1_per), cut, rng),
        s2=_path(max(0.5, size * s2_per), cut + 0.03, rng),
        s3=_path(max(2.0, size * s3_per), cut / 2, rng),
        s3_shares=S3_SHARES[shares],
        geography=dict.fromkeys(YEARS, rng.choice(["umea", "umea", "sweden", "global"])),
        target=rng.choice([None, None, 10, 15, 20]),
        public_report=demo.employees >= 100 or rng.random() < 0.3,
        employees=demo.employees,
        heated_area=demo.employees * 900 if shares == "property" else None,
        verified=demo.employees >= 300 and rng.random() < 0.6,
        missing_years={2022} if joined_late and rng.random() < 0.5 else set(),
    )
    if demo.name == UNIVERSITY:
        # The university's own klimatbokslut (survey-and-ghg.md §2.3); later years invented.
        profile.s1 = {2022: Decimal(49), 2023: Decimal(47), 2024: Decimal(45), 2025: Decimal(43)}
        profile.s2 = {
            2022: Decimal(679),
            2023: Decimal(651),
            2024: Decimal(612),
            2025: Decimal(575),
        }
        profile.s3 = {
            2022: Decimal(23259),
            2023: Decimal(22634),  # total 49 + 651 + 22,634 = 23,332 t, over its budget
            2024: Decimal(20810),
            2025: Decimal(18940),
        }
        profile.target, profile.public_report, profile.verified = 19, True, True
        profile.geography = dict.fromkeys(YEARS, "sweden")
    elif demo.name == ANNA:
        # Fossil carbon in the waste burnt at the CHP plants: by far the largest scope 1.
        profile.s1 = {
            2022: Decimal(128400),
            2023: Decimal(121700),
            2024: Decimal(116200),
            2025: Decimal(108900),
        }
        profile.s2 = {
            2022: Decimal(1210),
            2023: Decimal(1150),
            2024: Decimal(980),
            2025: Decimal(930),
        }
        profile.biogenic = Decimal(612000)
        profile.target, profile.public_report, profile.verified = 10, True, True
        profile.geography = dict.fromkeys(YEARS, "umea")
    elif demo.name == PARENT:
        profile.target, profile.public_report = 20, True
        profile.geography = dict.fromkeys(YEARS, "umea")
    elif demo.name == BOUNDARY_CHANGE:
        # Bought properties in Luleå in 2024: the 2025 answer covers Sweden, not only Umeå.
        profile.geography = {2022: "umea", 2023: "umea", 2024: "sweden", 2025: "sweden"}
        for series in (profile.s1, profile.s2, profile.s3):
            for year in (2024, 2025):
                series[year] = _d(float(series[year]) * 1.6)
        profile.comments[("scope2_market", 2024)] = (
            "Förvärv av fastigheter i Luleå 2024; gränsdragningen är nu hela Sverige."
        )
        profile.comments[("scope1_total", 2024)] = "Ökningen beror på förvärvet, se gränsdragning."
    return profile


def _tonnes(value: Decimal) -> str:
    """As a Swedish user types it: decimal comma, no grouping."""
    return f"{value:f}".replace(".", ",")


def _split(total: Decimal, shares: dict[int, float]) -> dict[int, Decimal]:
    """Split a total over categories so that the parts add up to it exactly."""
    parts = {n: _d(float(total) * share) for n, share in shares.items()}
    largest = max(parts, key=lambda n: parts[n])
    parts[largest] += total - sum(parts.values(), Decimal(0))
    return parts


def _answer(slot: Slot, raw: str = "", choice: str = "", **kw: Any) -> dict[str, Any]:
    value = None
    if slot.question.is_numeric and raw:
        value = Decimal(raw.replace(",", "."))
    return {
        "field_name": slot.field_name,
        "question": slot.question,
        "year": slot.year,
        "challenge_id": slot.challenge_id,
        "raw": raw,
        "choice": choice,
        "value": value,
        **kw,
    }


def answers_for(
    slots: list[Slot],
    rng: random.Random,
    profile: Profile,
    survey_round: SurveyRound,
    *,
    parent_pk: int | None,
) -> list[dict[str, Any]]:
    """A complete answer to every slot the organisation would fill in."""
    rows: list[dict[str, Any]] = []
    reporting_year = survey_round.reporting_year
    boundary_changed = profile.geography[reporting_year] != profile.geography.get(
        reporting_year - 1, profile.geography[reporting_year]
    )
    for slot in slots:
        key, year = slot.question.key, slot.year
        if slot.question.per_year and year in profile.missing_years:
            if key in {"scope1_total", "scope2_location"} or key.startswith("scope3_c"):
                rows.append(
                    _answer(
                        slot,
                        not_reported=True,
                        comment="Anslöt i november 2023; siffror för 2022 finns inte.",
                    )
                )
            continue
        s1, s2, s3 = profile.s1[year], profile.s2[year], profile.s3[year]
        raw, choice, extra = "", "", {}
        comment = profile.comments.get((key, year))
        if comment and survey_round.reporting_year == year:
            extra["comment"] = comment
        if key == "scope1_total":
            raw = _tonnes(s1)
        elif key == "scope1_stationary":
            raw = _tonnes(_d(float(s1) * 0.4))
        elif key == "scope1_mobile":
            raw = _tonnes(s1 - _d(float(s1) * 0.4))
        elif key == "scope2_market":
            raw = _tonnes(s2)
        elif key == "scope2_location":
            raw = _tonnes(_d(float(s2) * 0.35))
        elif key == "electricity_mwh":
            raw = _tonnes(_d(float(s2) * 4))
        elif key == "district_heating_mwh":
            raw = _tonnes(_d(float(s2) * 18))
        elif key == "go_share_pct":
            raw = str(rng.choice([0, 50, 100]))
        elif key.startswith("scope3_c"):
            number = int(key.removeprefix("scope3_c"))
            parts = _split(s3, profile.s3_shares)
            if number in parts:
                raw, choice = _tonnes(parts[number]), "calculated"
            else:
                choice = rng.choice(["not_relevant", "not_relevant", "not_calculated"])
        elif key == "biogenic_co2" and profile.biogenic is not None:
            raw = _tonnes(profile.biogenic)
        elif key == "consolidation_approach":
            choice = "operational_control"
        elif key == "geographic_scope":
            choice = profile.geography[reporting_year]
        elif key == "included_in_partner" and parent_pk is not None:
            choice = str(parent_pk)
        elif key == "base_year":
            raw = "2022" if not profile.missing_years else "2023"
        elif key == "base_recalculated":
            choice = "yes" if boundary_changed else "no"
        elif key == "base_recalc_reason" and boundary_changed:
            choice = "structural"
        elif key == "base_scope1" and boundary_changed:
            raw = _tonnes(_d(float(profile.s1[2022]) * 1.6))
        elif key == "gwp_set":
            choice = "ar6"
        elif key == "ef_sources":
            choice = "naturvardsverket,supplier_vmk"
        elif key == "calc_tool":
            raw = rng.choice(["Eget kalkylark", "Position Green", "Normative", "Konsult (WSP)"])
        elif key == "verified":
            choice = "yes" if profile.verified else "no"
        elif key == "employees_fte":
            raw = str(profile.employees)
        elif key == "heated_area_m2" and profile.heated_area:
            raw = str(profile.heated_area)
        elif key == "report_url" and profile.public_report:
            raw = "https://example.org/hallbarhetsredovisning"
        elif key == "target_rate_pct" and profile.target:
            raw = str(profile.target)
        elif key == "target_base_year" and profile.target:
            raw = "2022"
        elif key == "target_scopes" and profile.target:
            choice = "s1,s2,s3" if profile.target == 19 else "s1,s2"
        elif key == "commitment_status":
            choice = rng.choice(["planned", "ongoing", "ongoing", "done"])
        elif key == "commitment_done":
            raw = rng.choice(
                [
                    "Vi har tagit fram en handlingsplan och följer upp den varje kvartal.",
                    "Upphandlingskrav infört och första leveranserna mottagna.",
                    "Kartläggning klar; åtgärder beslutade i ledningsgruppen.",
                ]
            )
        elif key.startswith("enabling_"):
            choice = rng.choice(["2", "3", "4", "4", "5", "5", "dk"])
        if raw or choice or extra:
            rows.append(_answer(slot, raw, choice, **extra))
    return rows


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
