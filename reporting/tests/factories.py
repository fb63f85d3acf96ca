"""A small, fully known partnership year for the report tests (figures checked in the PDFs).

Three organisations (the ``world``'s A and B, and C), ten confirmed commitments (five each for A
and B; C's set is a draft), three activities in 2025 (one completed), two meetings held, and the
survey's stored indicator values: the panel's emissions 2022–2025 against the 20 % path, one
enabling-goal question answered by all three, and one indicator with a target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from activities.models import Activity, Meeting, MeetingAttendance, Participation
from partners.models import Commitment, CommitmentSet, Organisation
from partners.tests.factories import OrganisationFactory
from roadmap.models import Challenge, Goal, PartnershipPeriod
from surveys.models import Indicator, IndicatorTarget, IndicatorValue

YEAR = 2025
PANEL = {2022: 10000, 2023: 9000, 2024: 8000, 2025: 7000}
ALFA = {2022: 5000, 2023: 4500, 2024: 4000, 2025: 3500}
ENABLING_QUESTION = "Vi samarbetar med andra partner i klimatfrågor"
TARGET_INDICATOR = "Andel partner med eget klimatmål"


@dataclass
class Seeded:
    org_c: Organisation
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


def _indicators(org_a: Organisation, org_b: Organisation, org_c: Organisation) -> None:
    emissions = Indicator.objects.create(
        goal=Goal.objects.get(code="impact-1"),
        key="emissions_s1s2",
        name_sv="Utsläpp scope 1 + 2",
        name_en="Emissions scope 1 + 2",
        kind=Indicator.Kind.QUANTITATIVE,
        unit="t CO2e",
        direction=Indicator.Direction.DECREASE,
        source=Indicator.Source.SURVEY_FIELD,
        source_key="s1s2",
        aggregation=Indicator.Aggregation.EMISSIONS,
    )
    for year, value in PANEL.items():
        IndicatorValue.objects.create(
            indicator=emissions,
            year=year,
            value=Decimal(value),
            n=3,
            n_total=3,
            details={"panel_n": 3, "path": 10000 * 0.8 ** (year - 2022)},
        )
    for year, value in ALFA.items():
        IndicatorValue.objects.create(
            indicator=emissions,
            year=year,
            organisation=org_a,
            value=Decimal(value),
            n=1,
            n_total=1,
            details={
                "path": 5000 * 0.8 ** (year - 2022),
                "own_target": 5000 * 0.9 ** (year - 2022),
            },
        )
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
    return Seeded(org_c=org_c, period=period)
