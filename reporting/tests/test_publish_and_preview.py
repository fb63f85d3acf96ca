"""Issue 20, point 6: publishing asks for confirmation and says who will see what; the
narrative's Markdown has a preview, rendered as the report will render it, before anything is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import ReportYear
from tests.fixtures import World, client_for


def _form_data(report_year: ReportYear, **changes: str) -> dict[str, str]:
    data = {
        "version": str(report_year.version),
        "title": report_year.title,
        "story_sv": report_year.story_sv,
        "story_en": report_year.story_en,
        "conclusions_sv": report_year.conclusions_sv,
        "conclusions_en": "",
        "way_forward_sv": report_year.way_forward_sv,
        "way_forward_en": "",
    }
    for name in ("emissions", "indicators", "enabling", "commitments", "activities", "meetings"):
        data[f"include_{name}"] = "on"
    data.update(changes)
    return data


@pytest.mark.django_db
def test_preview_shows_the_markdown_as_the_report_will_and_saves_nothing(
    world: World, report_year: ReportYear
) -> None:
    url = reverse("reporting:report_year_update", kwargs={"year": report_year.year})
    story = "Vi satte **tjugo** laddplatser.\n\n- en lista\n\n<script>alert(1)</script>"
    response = client_for(world.office).post(
        url, {**_form_data(report_year, story_sv=story), "preview": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    preview = page.split('data-testid="narrative-preview"', 1)[1].split("</section>", 1)[0]
    assert "<strong>tjugo</strong>" in preview
    assert "<li>en lista</li>" in preview
    assert "<script>" not in preview  # sanitised exactly as the snapshot sanitises it
    assert "Årets berättelse (SV)" in preview
    assert 'lang="en"' in preview  # the English text is marked as English for screen readers
    # The form keeps what was typed, and nothing is stored until "Spara".
    assert "tjugo" in page.split('data-testid="narrative-preview"', 1)[0]
    report_year.refresh_from_db()
    assert report_year.story_sv == "Året då **tolv tak** fick solceller."


@pytest.mark.django_db
def test_saving_after_the_preview_stores_the_text(world: World, report_year: ReportYear) -> None:
    url = reverse("reporting:report_year_update", kwargs={"year": report_year.year})
    response = client_for(world.office).post(url, _form_data(report_year, story_sv="Ny **text**."))
    assert response.status_code == 302
    report_year.refresh_from_db()
    assert report_year.story_sv == "Ny **text**."


@pytest.mark.django_db
def test_publish_page_offers_no_publishing_before_the_report_is_built(
    world: World, report_year: ReportYear
) -> None:
    url = reverse("reporting:report_year_publish", kwargs={"year": report_year.year})
    page = client_for(world.office).get(url).content.decode()
    audience = page.split('data-testid="publish-audience"', 1)[1].split("</ul>", 1)[0]
    assert "Partnerskapets rapport är inte byggd ännu" in audience
    assert "Inga organisationsrapporter är byggda" in audience
    assert 'name="confirm"' not in page  # no form that could only fail
    assert report_year.get_absolute_url() in page
