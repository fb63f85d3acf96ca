"""Demo answers to the questionnaire, from an organisation's profile."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from surveys.demo.profiles import Profile, _d
from surveys.models import SurveyRound
from surveys.rules import Slot


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


_EMISSION_KEYS = {
    "scope1_total",
    "scope1_stationary",
    "scope1_mobile",
    "scope2_market",
    "scope2_location",
    "electricity_mwh",
    "district_heating_mwh",
    "go_share_pct",
    "biogenic_co2",
}


def _emission_values(key: str, year: int, profile: Profile, rng: random.Random) -> tuple[str, str]:
    """(raw, choice) of an emissions or energy question, from the profile's scopes."""
    s1, s2, s3 = profile.s1[year], profile.s2[year], profile.s3[year]
    raw, choice = "", ""
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
    return raw, choice


def _other_values(
    key: str,
    profile: Profile,
    rng: random.Random,
    *,
    reporting_year: int,
    boundary_changed: bool,
    parent_pk: int | None,
) -> tuple[str, str]:
    """(raw, choice) of a method, target, commitment or enabling-goal question."""
    raw, choice = "", ""
    if key == "consolidation_approach":
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
    return raw, choice


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
        extra = {}
        comment = profile.comments.get((key, year))
        if comment and survey_round.reporting_year == year:
            extra["comment"] = comment
        if key in _EMISSION_KEYS or key.startswith("scope3_c"):
            raw, choice = _emission_values(key, year, profile, rng)
        else:
            raw, choice = _other_values(
                key,
                profile,
                rng,
                reporting_year=reporting_year,
                boundary_changed=boundary_changed,
                parent_pk=parent_pk,
            )
        if raw or choice or extra:
            rows.append(_answer(slot, raw, choice, **extra))
    return rows
