"""Phone width (390 px): charts keep room to be read (QA walk, issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities.tests.factories import ActivityFactory
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
    assert gantt is not None and chart is not None
    # Before the fix the name column took up to 18rem and left the bars about 70 of 366 px.
    assert chart["width"] >= 0.5 * gantt["width"]

    labels = [
        box
        for box in (
            label.bounding_box() for label in page.locator(".kf-gantt-year-label").all()
        )
        if box is not None
    ]
    assert len(labels) >= 3
    labels.sort(key=lambda box: box["x"])
    for left, right in zip(labels, labels[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"], "year labels overlap"
