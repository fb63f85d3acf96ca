from __future__ import annotations

from datetime import date

import pytest

from surveys import services
from surveys.models import SurveyRound
from tests.fixtures import World


@pytest.fixture
def baseline_round(world: World) -> SurveyRound:
    """The 2024 baseline round (collects 2022 and 2023), open from Jan 15 to Mar 31."""
    return services.create_round(
        year=2024,
        opens_on=date(2024, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2022, 2023],
        by=world.office,
    )
