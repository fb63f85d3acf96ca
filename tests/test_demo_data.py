"""The demo data is the partnership at its real size and mix (issue 17, point 5): every page shows
what it looks like in real use, and the survey answers are ones the questionnaire accepts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from surveys.models import Response

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    from activities.models import Activity, Meeting
    from partners.models import (
        Commitment,
        ContactPerson,
        Declaration,
        GroupRelation,
        Organisation,
        OrganisationStatusChange,
    )
    from reporting.models import ReportJob
    from spaces.models import Post
    from surveys.models import Answer, Response, SurveyRound

    models = [
        Organisation,
        ContactPerson,
        Declaration,
        Commitment,
        GroupRelation,
        OrganisationStatusChange,
        Activity,
        Meeting,
        Post,
        ReportJob,
        SurveyRound,
        Response,
        Answer,
    ]
    return {m.__name__: m.objects.count() for m in models}


def _s123(response_answers: dict[str, Decimal], year: int) -> Decimal:
    s3 = sum(
        (v for k, v in response_answers.items() if k.startswith("scope3_c") and f"__{year}" in k),
        Decimal(0),
    )
    return (
        response_answers[f"scope1_total__{year}"] + response_answers[f"scope2_market__{year}"] + s3
    )


def test_demo_is_the_real_partnership_and_loads_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from activities.models import Activity
    from partners.models import (
        CommitmentSet,
        GroupRelation,
        Organisation,
        OrganisationStatusChange,
    )
    from surveys.models import Answer, Response, SurveyRound

    call_command("load_demo_data")
    first = _counts()
    call_command("load_demo_data")
    capsys.readouterr()
    assert _counts() == first, "a second run must add nothing"

    # Size and mix.
    organisations = Organisation.objects.all()
    assert 50 <= organisations.count() <= 60
    kinds = Counter(organisations.values_list("kind", flat=True))
    assert kinds["public_body"] >= 4
    assert kinds["company"] >= 30
    assert kinds["organisation"] >= 5
    sectors = set(organisations.values_list("sector", flat=True))
    assert {"Energi", "Fastigheter", "Teknikkonsult och arkitektur", "Bank och finans"} <= sectors
    assert {"Ideell förening", "Utbildning och forskning", "Offentlig förvaltning"} <= sectors
    names = set(organisations.values_list("name", flat=True))
    assert {"Umeå kommun", "Umeå Energi AB", "Umeå universitet", "Sweco Sverige AB, Umeå"} <= names
    assert len(set(organisations.values_list("organisation_number", flat=True))) == len(names)
    assert set(organisations.values_list("status", flat=True)) == {
        "prospect",
        "signed",
        "active",
        "paused",
        "left",
    }

    # 37 joined on 1 December 2022 and 17 more on 30 November 2023.
    joined = Counter(
        OrganisationStatusChange.objects.filter(status="signed").values_list(
            "changed_on", flat=True
        )
    )
    assert joined[dt.date(2022, 12, 1)] == 37
    assert joined[dt.date(2023, 11, 30)] == 17

    # Every confirmed commitment covers at least 5 of the 21 challenges.
    confirmed = CommitmentSet.objects.filter(status=CommitmentSet.Status.CONFIRMED)
    assert confirmed.count() >= 50
    assert min(s.commitments.count() for s in confirmed) >= 5

    # Three survey years: the baseline (2022 and 2023), then 2024 and 2025.
    rounds = list(SurveyRound.objects.order_by("year"))
    assert [r.years() for r in rounds] == [[2022, 2023], [2024], [2025]]
    states = Counter(Response.objects.values_list("state", flat=True))
    for state in ("draft", "submitted", "reopened", "approved"):
        assert states[state] >= 1, state
    for survey_round in rounds:  # realistic gaps: expected partners that never started
        answered = survey_round.responses.count()
        assert answered < organisations.filter(status__in=["signed", "active"]).count()

    # Every activity state is present.
    assert set(Activity.objects.values_list("lifecycle", flat=True)) == {
        "idea",
        "planned",
        "ongoing",
        "completed",
        "cancelled",
    }

    # The overlap: Vakin is in the kommun's report by group relation and by its own answer.
    kommun = Organisation.objects.get(name="Umeå kommun")
    vakin = Organisation.objects.get(name__startswith="Umeå Vatten och Avfall")
    assert GroupRelation.objects.filter(
        from_organisation=vakin, to_organisation=kommun, kind="included_in_report_of"
    ).exists()
    assert Answer.objects.filter(
        response__organisation=vakin,
        response__state="approved",
        question__key="included_in_partner",
        choice=str(kommun.pk),
    ).exists()

    # A boundary change: an approved answer that moved from Umeå to Sweden, with the base year
    # recalculated for a structural change.
    scopes = {
        (a.response.organisation_id, a.response.round.year): a.choice
        for a in Answer.objects.filter(
            question__key="geographic_scope", response__state="approved"
        ).select_related("response__round")
    }
    changed = [
        org for (org, year), scope in scopes.items() if scopes.get((org, year - 1), scope) != scope
    ]
    assert changed
    assert Answer.objects.filter(
        response__organisation_id__in=changed,
        question__key="base_recalc_reason",
        choice="structural",
    ).exists()

    # Umeå universitet's public figures: 2022 S1 49, S2 679, S3 23,259; 2023 in total 23,332.
    university = Organisation.objects.get(name="Umeå universitet")
    baseline = Response.objects.get(organisation=university, round=rounds[0])
    values = {a.field_name: a.value for a in baseline.answers.all() if a.value is not None}
    assert values["scope1_total__2022"] == 49
    assert values["scope2_market__2022"] == 679
    assert _s123(values, 2022) == 49 + 679 + 23259
    assert _s123(values, 2023) == 23332
    assert values["target_rate_pct"] == 19

    # Umeå Energi's scope 1 is the largest of all.
    energy = Organisation.objects.get(name="Umeå Energi AB")
    largest = (
        Answer.objects.filter(field_name="scope1_total__2023", response__state="approved")
        .order_by("-value")
        .values_list("response__organisation", flat=True)
        .first()
    )
    assert largest == energy.pk


def test_demo_survey_answers_pass_the_questionnaire_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("load_demo_data")
    capsys.readouterr()
    complete = Response.objects.filter(state__in=["submitted", "approved", "reopened"])
    assert complete.count() >= 100
    # A partial draft is caught by the same check, so the check below can fail.
    assert _hard_problems(Response.objects.filter(state="draft").order_by("pk").last())
    for response in complete.select_related("round", "organisation"):
        hard = _hard_problems(response)
        assert not hard, f"{response}: {hard[:3]}"


def _hard_problems(response: Response) -> list[tuple[str, str]]:
    from surveys import selectors
    from surveys.rules import AnswerData, build_slots, check_response

    survey_round = response.round
    slots = build_slots(
        survey_round.questions.all(),
        years=survey_round.years(),
        reporting_year=survey_round.reporting_year,
        challenges=selectors.commitment_challenges(response.organisation, survey_round),
    )
    answers = {
        a.field_name: AnswerData(a.raw, a.choice, a.not_reported, a.comment)
        for a in response.answers.all()
    }
    return [
        (p.field_name, p.message)
        for p in check_response(slots, answers, {}, reporting_year=survey_round.reporting_year)
        if p.hard
    ]
