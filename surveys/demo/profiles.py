"""Demo organisations' emission profiles, drawn from their sector and size."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from partners.demo import PARENT, SECOND_ROUND, DemoOrganisation

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
