"""Demo survey data for ``manage.py load_demo_data``: the 2024 baseline round (2022 and 2023),
the 2025 round, approved responses with plausible figures for most organisations, one draft,
one not started, indicators with targets and Umeå's territorial emissions entered by hand."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from surveys import indicators, selectors, services
from surveys.models import (
    Answer,
    Indicator,
    IndicatorTarget,
    ManualIndicatorValue,
    Response,
    SurveyRound,
)
from surveys.rules import Slot, build_slots

# Umeå's territorial emissions (t CO2e), rounded, in the spirit of Nationella emissionsdatabasen.
TERRITORIAL = {2019: 370000, 2020: 338000, 2021: 352000, 2022: 331000, 2023: 305000}


def _tonnes(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _answers_for(
    slots: list[Slot], rng: random.Random, profile: dict[str, Any], reporting_year: int
) -> list[dict[str, Any]]:
    rows = []
    for slot in slots:
        key, year = slot.question.key, slot.year
        factor = (1 - profile["cut"]) ** (year - 2022)
        s1 = profile["s1"] * factor
        raw, choice = "", ""
        if key == "scope1_total":
            raw = _tonnes(s1)
        elif key == "scope1_stationary":
            raw = _tonnes(s1 * 0.4)
        elif key == "scope1_mobile":
            raw = _tonnes(s1 * 0.6)
        elif key == "scope2_market":
            raw = _tonnes(profile["s2"] * factor)
        elif key == "scope2_location":
            raw = _tonnes(profile["s2"] * factor * 0.35)
        elif key == "electricity_mwh":
            raw = _tonnes(profile["s2"] * 9)
        elif key == "go_share_pct":
            raw = str(rng.choice([0, 50, 100]))
        elif key.startswith("scope3_c"):
            number = int(key.removeprefix("scope3_c"))
            if number in {1, 6, 7}:
                raw, choice = _tonnes(profile["s1"] * rng.uniform(0.5, 4) * factor), "calculated"
            else:
                choice = rng.choice(["not_relevant", "not_calculated", "included_elsewhere"])
        elif key == "consolidation_approach":
            choice = "operational_control"
        elif key == "geographic_scope":
            choice = profile["geography"]
        elif key == "base_year":
            raw = "2022"
        elif key == "gwp_set":
            choice = "ar6"
        elif key == "ef_sources":
            choice = "naturvardsverket,supplier_vmk"
        elif key == "verified":
            choice = rng.choice(["yes", "no"])
        elif key == "employees_fte":
            raw = str(profile["employees"])
        elif key == "report_url" and profile["public"]:
            raw = "https://example.org/hallbarhetsredovisning"
        elif key == "target_rate_pct" and profile["target"]:
            raw = str(profile["target"])
        elif key == "target_base_year" and profile["target"]:
            raw = "2022"
        elif key == "commitment_status":
            choice = rng.choice(["planned", "ongoing", "ongoing", "done"])
        elif key == "commitment_done":
            raw = "Vi har tagit fram en handlingsplan och följer upp den varje kvartal."
        elif key.startswith("enabling_"):
            choice = rng.choice(["2", "3", "4", "4", "5", "5", "dk"])
        if not raw and not choice:
            continue
        value = None
        if slot.question.is_numeric and raw:
            value = Decimal(raw.replace(",", "."))
        rows.append(
            {
                "field_name": slot.field_name,
                "question": slot.question,
                "year": year,
                "challenge_id": slot.challenge_id,
                "raw": raw,
                "choice": choice,
                "value": value,
            }
        )
    return rows


def _respond(
    survey_round: SurveyRound,
    organisation: Any,
    rng: random.Random,
    profile: dict[str, Any],
    state: str,
) -> Response:
    response = Response.objects.create(
        round=survey_round,
        organisation=organisation,
        state=state,
        last_edited_at=timezone.now(),
        submitted_at=timezone.now() if state == Response.State.APPROVED else None,
        approved_at=timezone.now() if state == Response.State.APPROVED else None,
    )
    slots = build_slots(
        survey_round.questions.all(),
        years=survey_round.years(),
        reporting_year=survey_round.reporting_year,
        challenges=selectors.commitment_challenges(organisation, survey_round),
    )
    rows = _answers_for(slots, rng, profile, survey_round.reporting_year)
    if state == Response.State.DRAFT:
        rows = rows[: len(rows) // 3]
    Answer.objects.bulk_create(Answer(response=response, **row) for row in rows)
    return response


def create_demo(rng: random.Random, organisations: list[Any]) -> str:
    if SurveyRound.objects.filter(year=2024).exists():
        return "survey rounds already present"
    baseline = services.create_round(
        year=2024,
        opens_on=date(2024, 1, 15),
        closes_on=date(2024, 3, 31),
        data_years=[2022, 2023],
        by=None,
    )
    today = timezone.localdate()
    second = services.create_round(
        year=2025,
        opens_on=date(2025, 1, 15),
        closes_on=max(date(2025, 3, 31), today.replace(month=12, day=31)),
        by=None,
    )
    services.create_default_indicators()
    expected = [o for o in organisations if o.status in selectors.EXPECTED_STATUSES]
    counts = {"approved": 0, "draft": 0, "not_started": 0}
    for index, organisation in enumerate(expected):
        employees = organisation.employees or 50
        profile = {
            "s1": max(2.0, employees * rng.uniform(0.2, 1.5)),
            "s2": max(1.0, employees * rng.uniform(0.1, 0.8)),
            "cut": rng.uniform(-0.05, 0.25),
            "geography": rng.choice(["umea", "umea", "sweden", "global"]),
            "employees": employees,
            "public": rng.random() < 0.6,
            "target": rng.choice([None, 10, 15, 20]),
        }
        _respond(baseline, organisation, rng, profile, Response.State.APPROVED)
        counts["approved"] += 1
        if index == 1:
            _respond(second, organisation, rng, profile, Response.State.DRAFT)
            counts["draft"] += 1
        elif index == 2:
            counts["not_started"] += 1
        else:
            _respond(second, organisation, rng, profile, Response.State.APPROVED)
            counts["approved"] += 1
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
    stored = indicators.recompute_indicators()
    return (
        f"survey rounds 2024 (baseline) and 2025: {counts['approved']} approved responses, "
        f"{counts['draft']} draft, {counts['not_started']} not started; {stored} indicator values"
    )
