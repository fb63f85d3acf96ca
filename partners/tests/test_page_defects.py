"""Issue 17, point 2: defects of the partner pages a new user met."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roadmap.models import FocusArea
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_the_commitments_form_shows_each_focus_area_heading_once(world: World) -> None:
    html = (
        client_for(world.office)
        .get(reverse("partners:commitments_edit", args=[world.org_a.pk]))
        .content.decode()
    )
    headings = re.findall(r'<h2 class="h5 mt-3">([^<]+)</h2>', html)
    assert headings.count("Övriga kompletterande åtgärder") == 1
    assert headings == [area.name for area in FocusArea.objects.order_by("order")]
    # Every challenge is still on the form, under its own focus area's heading.
    other = html.split("Övriga kompletterande åtgärder</h2>", 1)[1]
    for number in (16, 20, 21):
        assert re.search(rf'fw-semibold" for="[^"]+">{number}\. ', other)


def test_an_empty_matching_list_is_a_sentence_not_a_numbered_item(world: World) -> None:
    html = client_for(world.contact_a).get(world.org_a.get_absolute_url()).content.decode()
    assert "Inga andra partner delar era utmaningar ännu." in html
    section = html.split('id="matchmaking-heading"', 1)[1].split("</section>", 1)[0]
    empty = section.split("Inga andra partner delar", 1)[0]
    # No <ol> around the message: a browser would number it "1.".
    assert "<ol" not in empty.rsplit("</h3>", 1)[1]
