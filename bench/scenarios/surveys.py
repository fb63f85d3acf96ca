"""Surveys (issue 5): indicator computation at 10,000 organisations × 5 rounds, the selector
that loads approved answers, and the survey form page / section save beside the minimal view."""

from __future__ import annotations

import random
import resource
import statistics
import time
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.test import Client

from bench.harness import Row, measure_view, percentile, time_call, time_minimal
from bench.scenarios import Context

YEARS = [2022, 2023, 2024, 2025, 2026]


def _numeric_keys() -> list[str]:
    from surveys.questionnaire import QUESTIONS

    return [q.key for q in QUESTIONS if q.kind in {"decimal", "integer", "scope3"} and q.per_year]


def generate_frames(organisations: int, seed: int = 5) -> dict[str, pd.DataFrame]:
    """Every numeric per-year answer and every Likert answer of the whole questionnaire for
    ``organisations`` × 5 years, with ~10 % of answers missing (not reported)."""
    rng = np.random.default_rng(seed)
    keys = _numeric_keys()
    orgs = np.arange(1, organisations + 1, dtype="int64")
    grid = pd.MultiIndex.from_product([orgs, YEARS, keys], names=["organisation_id", "year", "key"])
    values = grid.to_frame(index=False)
    base = rng.lognormal(mean=5, sigma=1.5, size=len(values))
    decay = 0.85 ** (values["year"].to_numpy() - 2022)
    values["value"] = np.round(base * decay, 3)
    values = values[rng.random(len(values)) > 0.1].reset_index(drop=True)
    values["key"] = values["key"].astype("object")
    likert_keys = [f"enabling_{n}" for n in range(1, 9)]
    lgrid = pd.MultiIndex.from_product(
        [orgs, YEARS, likert_keys], names=["organisation_id", "year", "key"]
    ).to_frame(index=False)
    lgrid["choice"] = rng.choice(["1", "2", "3", "4", "5", "dk"], size=len(lgrid))
    overlaps = pd.DataFrame(
        {
            "organisation_id": orgs[: organisations // 50].repeat(len(YEARS)),
            "year": np.tile(YEARS, organisations // 50),
            "included_in": np.int64(organisations),
        }
    )
    expected = pd.DataFrame({"year": YEARS, "n_total": organisations}).astype("int64")
    return {"values": values, "choices": lgrid, "overlaps": overlaps, "expected": expected}


def compute_all(frames: dict[str, pd.DataFrame]) -> int:
    """The whole indicator pipeline of surveys.indicators, on frames (no database)."""
    from surveys import aggregations as agg

    values, choices = frames["values"], frames["choices"]
    overlaps, expected = frames["overlaps"], frames["expected"]
    results = [
        agg.scope_sums(
            values, overlaps, expected, ["scope1_total", "scope2_market", "scope2_location"]
        ),
        agg.medians(values, expected, [f"scope3_c{n}" for n in range(1, 16)] + ["employees_fte"]),
        agg.likert_summary(choices, expected, [f"enabling_{n}" for n in range(1, 9)]),
        agg.share_answered(values[["organisation_id", "year", "key"]], expected, ["offsets"]),
    ]
    for key in ("scope1_total", "scope2_market"):
        results.append(agg.like_for_like(values, key, base_year=2022, rate=0.2))
    series = agg.emissions_series(values, "market")
    results.append(agg.pathway(series, base_year=2022, rate=0.2))
    results.append(agg.partnership_series(series, base_year=2022))
    return sum(len(r) for r in results)


def _seed_database(organisations: int) -> Any:
    """Approved responses for ``organisations`` in two rounds (bulk inserts)."""
    from partners.models import Organisation
    from partners.tests.factories import organisation_number
    from surveys import services
    from surveys.models import Answer, Response
    from surveys.rules import build_slots

    rng = random.Random(7)
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench org {i}",
            organisation_number=organisation_number(900000 + i),
            kind="company",
            status="active",
        )
        for i in range(organisations)
    )
    rounds = [
        services.create_round(
            year=2024,
            opens_on=date(2024, 1, 1),
            closes_on=date(2099, 3, 31),
            data_years=[2022, 2023],
            by=None,
        ),
        services.create_round(
            year=2025, opens_on=date(2025, 1, 1), closes_on=date(2099, 3, 31), by=None
        ),
    ]
    services.create_default_indicators()
    for survey_round in rounds:
        responses = Response.objects.bulk_create(
            Response(round=survey_round, organisation=o, state="approved") for o in orgs
        )
        slots = build_slots(
            survey_round.questions.all(),
            years=survey_round.years(),
            reporting_year=survey_round.reporting_year,
            challenges=[],
        )
        answers = []
        for response in responses:
            for slot in slots:
                q = slot.question
                if q.kind in {"decimal", "scope3"}:
                    number = Decimal(rng.randint(0, 100000)) / 10
                    answers.append(
                        Answer(
                            response=response,
                            question=q,
                            field_name=slot.field_name,
                            year=slot.year,
                            raw=str(number),
                            value=number,
                            choice="calculated" if q.kind == "scope3" else "",
                        )
                    )
                elif q.kind == "likert":
                    answers.append(
                        Answer(
                            response=response,
                            question=q,
                            field_name=slot.field_name,
                            year=slot.year,
                            choice=rng.choice(["1", "2", "3", "4", "5", "dk"]),
                        )
                    )
        Answer.objects.bulk_create(answers, batch_size=2000)
    return rounds[0], orgs[0]


def _time_section_saves(
    client: Any, url: str, year: int, repeat: int = 30
) -> tuple[list[float], list[float]]:
    """POST one section (the autosave request) with a changed value each time; each save is
    followed by the minimal view with the same client (the yardstick timed alongside)."""
    version = 0
    times, minimal = [], []
    for i in range(repeat + 2):
        data = {
            "section": "scope1",
            f"scope1_total__{year}": str(1000 + i),
            f"scope1_total__{year}__version": str(version),
            f"scope1_stationary__{year}": str(400 + i),
            f"scope1_stationary__{year}__version": str(version),
        }
        start = time.perf_counter()
        response = client.post(url, data, HTTP_ACCEPT="application/json")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        version = response.json()["versions"][f"scope1_total__{year}"]
        minimal_ms = time_minimal(client)
        if i >= 2:
            times.append(elapsed)
            minimal.append(minimal_ms)
    return times, minimal


def run(ctx: Context) -> list[Row]:
    from accounts.models import User
    from partners.models import ContactPerson, Membership
    from surveys import indicators, selectors, services

    rows: list[Row] = []
    section = "surveys"

    # 1. Pure aggregations at 10,000 organisations × 5 rounds × the whole questionnaire.
    organisations = 10_000 if ctx.scale == "full" else 2_000
    frames = generate_frames(organisations)
    n_rows = len(frames["values"]) + len(frames["choices"])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, peak = time_call(lambda: compute_all(frames), repeat=3)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    median = statistics.median(times)
    rows.append(
        Row(
            section=section,
            name="indicator computation (pure pandas)",
            scale=f"{organisations:,} orgs × 5 rounds, {n_rows:,} answers",
            median_ms=median,
            p95_ms=percentile(times, 0.95),
            target="≤ 5 s, ≤ 1 GiB",
            ok=median <= 5000 and peak <= 1024**3,
            note=f"peak traced memory {peak / 1024**2:.0f} MiB; max RSS {rss_after / 1024:.0f} MiB "
            f"(+{max(0, rss_after - rss_before) / 1024:.0f} MiB)",
        )
    )

    # 2. The selector that loads approved answers, and the full recompute, at a smaller scale.
    db_orgs = 200 if ctx.scale == "full" else 60
    _survey_round, organisation = _seed_database(db_orgs)
    times, peak = time_call(lambda: selectors.approved_values_frame(), repeat=3)
    rows.append(
        Row(
            section=section,
            name="selector: approved answers → DataFrame",
            scale=f"{db_orgs} orgs × 2 rounds (3 data years)",
            median_ms=statistics.median(times),
            p95_ms=percentile(times, 0.95),
            queries=1,
            note=f"peak traced memory {peak / 1024**2:.0f} MiB",
        )
    )
    times, peak = time_call(indicators.recompute_indicators, repeat=2)
    rows.append(
        Row(
            section=section,
            name="recompute and store all indicator values",
            scale=f"{db_orgs} orgs × 2 rounds",
            median_ms=statistics.median(times),
            p95_ms=percentile(times, 0.95),
            note="runs on approve/reopen/manual value, never per page view",
        )
    )

    # 3. The form page and a section save beside the minimal view.
    user = User.objects.create_user("bench-partner", password="x")
    contact = ContactPerson.objects.create(
        first_name="Bench", last_name="Partner", email="bench-partner@example.org", user=user
    )
    Membership.objects.create(contact=contact, organisation=organisation, is_survey_submitter=True)
    client = Client()
    client.force_login(user)
    # A fresh round (not approved) so the partner can edit it.
    edit_round = services.create_round(
        year=2026, opens_on=date(2026, 1, 1), closes_on=date(2099, 3, 31), by=None
    )
    url = f"/surveys/rounds/{edit_round.pk}/organisations/{organisation.pk}/"
    common = {"section": section, "baseline_ms": ctx.baseline_ms, "target_ratio": 3.0}
    rows.append(
        measure_view(
            client,
            url + "?section=scope1",
            name="survey form page (scope 1 section)",
            scale="whole questionnaire",
            **common,
        )
    )
    rows.append(
        measure_view(
            client,
            url + "?unanswered=1",
            name="survey form page (all unanswered, ~100 inputs)",
            scale="whole questionnaire",
            **common,
        )
    )
    times, minimal = _time_section_saves(client, url, edit_round.reporting_year)
    median, minimal_ms = statistics.median(times), statistics.median(minimal)
    ratio = median / minimal_ms
    rows.append(
        Row(
            section=section,
            name="save one section (autosave POST, changed values)",
            scale="whole questionnaire",
            median_ms=median,
            p95_ms=percentile(times, 0.95),
            ratio=ratio,
            target="≤ 3× minimal",
            ok=ratio <= 3.0,
            note=f"minimal view alongside: {minimal_ms:.1f} ms",
        )
    )
    rows.append(
        measure_view(
            ctx.client,
            "/surveys/followup/",
            name="follow-up page (office, stored values)",
            scale=f"{db_orgs} orgs",
            section=section,
            baseline_ms=ctx.baseline_ms,
        )
    )
    return rows
