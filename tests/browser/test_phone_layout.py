"""Phone width (390 px): charts keep room to be read and the main actions are on screen (QA
walk, issue 17)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from activities.tests.factories import ActivityFactory
from surveys import services
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_timeline_keeps_room_for_the_bars_and_year_labels_on_a_phone(
    world: World, login, live_server
) -> None:
    today = timezone.localdate()
    # A long activity name and a span over four calendar years: four year labels to place.
    ActivityFactory(
        title="Ekosystemtjänster i stadsplaneringen tillsammans med partnerna",
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=700),
    )
    page = login("strateg")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/activities/dashboard/")

    gantt = page.locator(".kf-gantt").bounding_box()
    chart = page.get_by_test_id("gantt").bounding_box()
    assert gantt is not None
    assert chart is not None
    # Before the fix the name column took up to 18rem and left the bars about 70 of 366 px.
    assert chart["width"] >= 0.5 * gantt["width"]

    labels = [
        box
        for box in (label.bounding_box() for label in page.locator(".kf-gantt-year-label").all())
        if box is not None
    ]
    assert len(labels) >= 3
    labels.sort(key=lambda box: box["x"])
    for left, right in itertools.pairwise(labels):
        assert left["x"] + left["width"] <= right["x"], "year labels overlap"


def test_my_survey_list_reaches_the_form_without_sideways_scrolling_on_a_phone(
    world: World, login, live_server
) -> None:
    survey_round = services.create_round(
        year=2024,
        opens_on=dt.date(2024, 1, 15),
        closes_on=dt.date(2099, 3, 31),
        data_years=[2023],
        by=world.office,
    )
    # A long name, as many partners have: the table grows wider than the phone's screen.
    world.org_a.name = "Västerbottens regionala kollektivtrafikmyndighet, Umeåkontoret"
    world.org_a.save(update_fields=["name"])
    page = login("anna_a")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/surveys/")

    form_path = f"/surveys/rounds/{survey_round.pk}/organisations/{world.org_a.pk}/"
    boxes = [link.bounding_box() for link in page.locator(f'a[href="{form_path}"]').all()]
    # Before the fix the only link ("Fyll i") sat in the last column, right of the screen.
    assert any(box is not None and box["x"] + box["width"] <= 390 for box in boxes), boxes
