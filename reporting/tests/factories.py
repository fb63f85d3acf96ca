"""A small, fully known partnership year for the report tests (figures checked in the PDFs).

Four organisations (the ``world``'s A and B, C and D), ten confirmed commitments (five each for A
and B; C's set is a draft), three activities in 2025 (one completed), two meetings held, the
survey's approved answers for 2022–2025 (``SCENARIO``, imported as the office imports history),
and stored indicator values for one enabling-goal question answered by three and one indicator
with a target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from activities.models import Activity, Meeting, MeetingAttendance, Participation
from partners.models import Commitment, CommitmentSet, Organisation
from partners.tests.factories import OrganisationFactory
from roadmap.models import Challenge, Goal, PartnershipPeriod
from surveys import importing, services
from surveys.models import Indicator, IndicatorTarget, IndicatorValue

YEAR = 2025
# Scope 1 and scope 2 (both methods) for 2022–2025, t CO2e. A (Alfa Energi AB) is the energy
# company; C (Gamma Gods AB) is its subsidiary whose figures are inside A's report; D (Delta
# Data AB) is the one partner on the 20 % path. The figures these give are computed by hand in
# reporting/tests/test_figures_in_reports.py.
SCENARIO = {
    "A": {
        "scope1_total": [4000, 3600, 3000, 2500],
        "scope2_location": [500, 500, 500, 500],
        "scope2_market": [1000, 1000, 1000, 1000],
    },
    "B": {
        "scope1_total": [1000, 900, 850, 800],
        "scope2_location": [300, 300, 250, 200],
        "scope2_market": [600, 600, 500, 400],
    },
    "C": {
        "scope1_total": [200, 200, 200, 200],
        "scope2_location": [50, 50, 50, 50],
        "scope2_market": [100, 100, 100, 100],
    },
    "D": {
        "scope1_total": [500, 450, 400, 250],
        "scope2_location": [100, 100, 100, 100],
        "scope2_market": [200, 200, 150, 100],
    },
}
ENABLING_QUESTION = "Vi samarbetar med andra partner i klimatfrågor"
TARGET_INDICATOR = "Andel partner med eget klimatmål"


@dataclass
class Seeded:
    org_c: Organisation
    org_d: Organisation
    period: PartnershipPeriod


def _commitments(
    organisation: Organisation,
    period: PartnershipPeriod,
    numbers: list[int],
    *,
    confirmed: bool = True,
) -> None:
    commitment_set = CommitmentSet.objects.create(
        organisation=organisation,
        period=period,
        status=CommitmentSet.Status.CONFIRMED if confirmed else CommitmentSet.Status.DRAFT,
    )
    for number in numbers:
        Commitment.objects.create(
            commitment_set=commitment_set,
            challenge=Challenge.objects.get(number=number),
            plan=f"Plan för utmaning {number}",
        )


def _activity(
    title: str, lifecycle: str, *, shared: bool, orgs: list[Organisation], outcome: str = ""
) -> Activity:
    activity = Activity.objects.create(
        title=title,
        kind=Activity.Kind.INITIATIVE,
        purpose=f"Syftet med {title.lower()}",
        goal="Minskade utsläpp",
        start_date=dt.date(YEAR, 2, 1),
        end_date=dt.date(YEAR, 11, 30),
        lifecycle=lifecycle,
        is_shared=shared,
        outcome=outcome,
    )
    for index, org in enumerate(orgs):
        Participation.objects.create(activity=activity, organisation=org, is_lead=index == 0)
    return activity


def _meeting(title: str, day: dt.date, attendees: list[Organisation]) -> Meeting:
    starts = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.PARTNERSHIP_DAY,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    for org in attendees:
        MeetingAttendance.objects.create(meeting=meeting, organisation=org)
    return meeting


def _scenario(org_a: Organisation, org_b: Organisation, org_c: Organisation) -> Organisation:
    """The survey answers of ``SCENARIO`` imported through the office's import (approved),
    three rounds: the baseline (2022 and 2023), 2024 and 2025. Returns Delta."""
    org_d = OrganisationFactory(name="Delta Data AB")
    orgs = {"A": org_a, "B": org_b, "C": org_c, "D": org_d}
    rounds = {
        (2022, 2023): services.create_round(
            year=2024, opens_on=dt.date(2024, 1, 15), closes_on=dt.date(2024, 3, 31),
            by=None, data_years=[2022, 2023],
        ),
        (2024,): services.create_round(
            year=2025, opens_on=dt.date(2025, 1, 15), closes_on=dt.date(2025, 3, 31), by=None
        ),
        (2025,): services.create_round(
            year=2026, opens_on=dt.date(2026, 1, 15), closes_on=dt.date(2026, 3, 31), by=None
        ),
    }  # fmt: skip
    for years, survey_round in rounds.items():
        lines = [";".join(importing.COLUMNS)]

        def row(org: Organisation, field: str, value: object = "", choice: str = "") -> None:
            lines.append(  # noqa: B023  # called within this iteration only
                f"{org.name};{org.organisation_number};;;;{field};;;;{value};{choice};;;"
            )

        for letter, scopes in SCENARIO.items():
            org = orgs[letter]
            for year in years:
                for key, series in scopes.items():
                    row(org, f"{key}__{year}", series[year - 2022])
            if letter == "C":  # its figures are inside Alfa's report, in every round
                row(org, "included_in_partner", choice=org_a.organisation_number)
        if years == (2025,):
            row(org_a, "scope3_c1__2025", 1200, "calculated")
            row(org_a, "scope3_c6__2025", 50, "calculated")
            row(org_a, "target_rate_pct", 10)
            row(org_a, "target_base_year", 2022)
            row(org_a, "target_scopes", choice="s1,s2")
        result = importing.import_long(
            survey_round, "\n".join(lines).encode(), approve=True, by=None
        )
        assert result.applied, result.errors  # a broken seed must stop the tests
    return org_d


def _indicators(org_a: Organisation, org_b: Organisation, org_c: Organisation) -> None:
    likert = Indicator.objects.create(
        goal=Goal.objects.get(code="enabling"),
        key="enabling_collaboration",
        name_sv=ENABLING_QUESTION,
        name_en="We work with other partners on climate",
        kind=Indicator.Kind.QUALITATIVE,
        direction=Indicator.Direction.INCREASE,
        source=Indicator.Source.SURVEY_FIELD,
        source_key="q_collaboration",
        aggregation=Indicator.Aggregation.LIKERT,
    )
    IndicatorValue.objects.create(
        indicator=likert,
        year=YEAR,
        value=Decimal("66.7"),
        n=3,
        n_total=3,
        distribution={"1": 0, "2": 0, "3": 33.3, "4": 33.3, "5": 33.4},
        details={"top2": 66.7, "bottom2": 0, "median": 4, "n_dont_know": 0},
    )
    for org, answer in ((org_a, 5), (org_b, 3), (org_c, 4)):
        IndicatorValue.objects.create(
            indicator=likert, year=YEAR, organisation=org, value=Decimal(answer), n=1, n_total=1
        )
    share = Indicator.objects.create(
        goal=Goal.objects.get(code="impact-2"),
        key="share_with_target",
        name_sv=TARGET_INDICATOR,
        name_en="Share of partners with a climate target",
        kind=Indicator.Kind.QUANTITATIVE,
        unit="%",
        direction=Indicator.Direction.INCREASE,
        source=Indicator.Source.SURVEY_FIELD,
        source_key="has_target",
        aggregation=Indicator.Aggregation.SHARE_ANSWERED,
    )
    IndicatorValue.objects.create(indicator=share, year=YEAR, value=Decimal(60), n=3, n_total=3)
    IndicatorTarget.objects.create(indicator=share, year=YEAR, value=Decimal(75))


def seed_report_data(org_a: Organisation, org_b: Organisation) -> Seeded:
    period = PartnershipPeriod.objects.get(start_year=2023)
    org_c = OrganisationFactory(name="Gamma Gods AB")
    _commitments(org_a, period, [1, 2, 3, 4, 5])
    _commitments(org_b, period, [1, 6, 7, 8, 9])
    _commitments(org_c, period, [10], confirmed=False)
    _activity(
        "Solceller på taken",
        Activity.Lifecycle.COMPLETED,
        shared=True,
        orgs=[org_a, org_b],
        outcome="Tolv tak har solceller.",
    )
    _activity("Cykelpendling vintertid", Activity.Lifecycle.ONGOING, shared=True, orgs=[org_a])
    _activity("Hemlig utredning", Activity.Lifecycle.PLANNED, shared=False, orgs=[org_b])
    _meeting("Partnerskapsdag 2025", dt.date(YEAR, 5, 12), [org_a, org_b])
    _meeting("Intromöte för nya partner", dt.date(YEAR, 2, 3), [org_a])
    _indicators(org_a, org_b, org_c)
    org_d = _scenario(org_a, org_b, org_c)
    return Seeded(org_c=org_c, org_d=org_d, period=period)
