"""The office's round list reads newest round first (QA walk, issue 17): the counts' GROUP BY
dropped the model's ``-year`` ordering, and the demo listed 2024, 2026, 2025."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from surveys import services
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_round_list_shows_the_newest_round_first(world: World) -> None:
    # Created out of order, as a copied or imported round can be.
    for year in (2024, 2026, 2025):
        services.create_round(
            year=year,
            opens_on=date(year, 1, 15),
            closes_on=date(year, 3, 31),
            data_years=[year - 1],
            by=world.office,
        )
    html = client_for(world.office).get(reverse("surveys:round_list")).content.decode()
    listed = [int(y) for y in re.findall(r'href="/surveys/rounds/\d+/"[^>]*>[^<]*?(20\d\d)', html)]
    assert listed == [2026, 2025, 2024], html
