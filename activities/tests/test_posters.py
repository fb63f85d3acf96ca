"""Activity cards print as wall posters (issue 18, point 5): readable from a distance (title at
least 24 pt, nothing under 11 pt), with a logo and a contact person with organisation, one card a
page; the gallery prints the cards asked for, in the order asked for."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from activities.tests.factories import activity_with_team
from activities.tests.test_pdf import card_at_every_limit  # noqa: F401  (a fixture)
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

MM_PER_PT = 25.4 / 72


def _sizes(page) -> list[tuple[float, str]]:
    """(font size in pt as printed, text) of each run of text on the page."""
    runs: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            runs.append((round(font_size * scale, 1), text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def test_a_card_at_every_limit_is_one_readable_poster_page(world, card_at_every_limit):  # noqa: F811
    response = client_for(world.office).get(
        reverse("activities:activity_card_pdf", args=[card_at_every_limit.pk])
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = (float(v) * MM_PER_PT for v in (page.mediabox.width, page.mediabox.height))
    assert (round(width), round(height)) == (297, 420)  # A3 portrait
    runs = _sizes(page)
    title_sizes = {size for size, text in runs if "Jättelång" in text or "SLUT1" in text}
    assert title_sizes
    assert min(title_sizes) >= 24, title_sizes
    # Everything but the page number in the footer ("1 / 1") is at least 11 pt.
    body = [(size, text) for size, text in runs if text != "1 / 1"]
    assert min(size for size, _text in body) >= 11, sorted(body)[:5]
    text = page.extract_text()
    # The contact: the lead organisation's first named person, with the organisation.
    assert (
        "Kontakt: Maria-Kristina Andersson-Lindqvist0, "
        "Västerbottens Långa Organisationsnamn Nummer 0 Aktiebolag" in " ".join(text.split())
    )
    # People are listed with their organisation.
    assert "Andersson-Lindqvist1 (Västerbottens Långa Organisationsnamn Nummer 1" in " ".join(
        text.split()
    )


def test_the_gallery_takes_a_comma_separated_list_in_that_order(world):
    first = activity_with_team(world.org_a, title="Cykelpendling")
    second = activity_with_team(world.org_b, title="Solceller på taken")
    third = activity_with_team(world.org_b, title="Matsvinn i skolan")
    response = client_for(world.office).get(
        reverse("activities:gallery_pdf"),
        {"ids": f"{third.pk},{first.pk},x,{third.pk},99999999999"},
    )
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    titles = [
        next(t for t in ("Cykelpendling", "Solceller", "Matsvinn") if t in page.extract_text())
        for page in reader.pages
    ]
    # As listed, each once; "x" and an id beyond the column ignored; "second" not asked for.
    assert titles == ["Matsvinn", "Cykelpendling"]
    assert second.pk not in (first.pk, third.pk)


def test_the_poster_shows_the_leading_organisations_logo_else_the_partnerships(world):
    from django.core.files.base import ContentFile
    from django.template.loader import render_to_string

    from activities import selectors

    activity = activity_with_team(world.org_a, world.org_b, lead=world.org_a)

    def card_html() -> str:
        card = selectors.list_cards(visible_to=world.office, ids=[activity.pk])[0]
        return render_to_string("activities/pdf/card.html", {"activities": [card]})

    assert 'src="/static/img/favicon.svg"' in card_html()  # nobody has a logo
    world.org_b.logo.save("beta.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    assert world.org_b.logo.url in card_html()  # a member's logo, the lead having none
    world.org_a.logo.save("alfa.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    html = card_html()
    assert world.org_a.logo.url in html
    assert world.org_b.logo.url not in html
