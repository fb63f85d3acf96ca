"""Demo survey data for ``manage.py load_demo_data``: three survey years as they happen.

* The 2024 round is the baseline: it collects 2022 and 2023. Most of the 37 first partners are
  approved; half of the 17 who joined on 30 November 2023 have no 2022 figures ("not reported").
* The 2025 round collects 2024; Balticgruppen changed its boundary (Umeå → Sweden, base year
  recalculated for a structural change).
* The 2026 round collects 2025 and is still open, so the demo logins can fill it in: Umeå Energi
  (anna) has a complete draft but for the stable answers her first view carries over from 2025
  (issue 20.3), Bostaden (cecilia) was reopened by the office.
* Every round has gaps: not started, draft, submitted and waiting, reopened.
* Umeå universitet reports its public figures (2022: S1 49, S2 679, S3 23,259; 2023 total 23,332;
  own target −19 %/yr); Umeå Energi's scope 1 (waste and biofuel CHP) dwarfs the rest.
* The overlap: Vakin is included in Umeå kommun's report, by its answer and by a group relation.

Approved and submitted responses pass every hard rule of the questionnaire.
"""

from __future__ import annotations

from surveys.demo.answers import answers_for
from surveys.demo.profiles import (
    ANNA,
    BOUNDARY_CHANGE,
    CECILIA,
    S3_SHARES,
    SECTOR_INTENSITY,
    TERRITORIAL,
    UNIVERSITY,
    YEARS,
    Profile,
    profile_for,
)
from surveys.demo.rounds import PLANNED_STATES, create_demo

__all__ = [
    "ANNA",
    "BOUNDARY_CHANGE",
    "CECILIA",
    "PLANNED_STATES",
    "S3_SHARES",
    "SECTOR_INTENSITY",
    "TERRITORIAL",
    "UNIVERSITY",
    "YEARS",
    "Profile",
    "answers_for",
    "create_demo",
    "profile_for",
]
