"""Issue 17, defects of the survey pages: a response nobody has edited opens, the round list
counts the organisations its tracker lists, soft warnings show right after saving, and the
section navigation works on a phone (a compact selector with previous/next)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from partners.tests.factories import OrganisationFactory
from surveys.models import Response, SurveyRound
from surveys.rules import AnswerData
from surveys.tests.helpers import fill_and_submit, save
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def form_url(survey_round: SurveyRound, organisation: object) -> str:
    return reverse(
        "surveys:response_form",
        kwargs={"round_pk": survey_round.pk, "organisation_pk": organisation.pk},
    )


def test_a_response_whose_last_editor_is_unknown_opens_for_partner_and_office(
    world: World, baseline_round: SurveyRound
) -> None:
    """Imported and demo responses have a last edit time but no editor (or the editor's account
    was deleted): the page answered 500 (``last_edited_by.username`` on None)."""
    save(baseline_round, world.org_a, world.contact_a, {"calc_tool": AnswerData(raw="Excel")})
    Response.objects.filter(round=baseline_round).update(last_edited_by=None)
    for user in (world.contact_a, world.office):
        page = client_for(user).get(form_url(baseline_round, world.org_a))
        assert page.status_code == 200
        assert "Senast ändrad" in page.content.decode()


def test_round_list_counts_the_organisations_its_tracker_lists(
    world: World, baseline_round: SurveyRound
) -> None:
    """The tracker lists the expected organisations (signed or active: A and B) and any other
    that responded (C, which has left but saved a draft): three rows, one submitted (A)."""
    org_c = OrganisationFactory(name="Cesium Consult AB", status="left")
    fill_and_submit(baseline_round, world.org_a, world.contact_a)
    save(baseline_round, org_c, world.office, {"calc_tool": AnswerData(raw="Excel")})
    client = client_for(world.office)

    tracker = client.get(reverse("surveys:round_detail", args=[baseline_round.pk])).content
    assert len(re.findall(rb"<tr data-organisation=", tracker)) == 3

    listing = client.get(reverse("surveys:round_list")).content.decode()
    assert re.search(r"<td>\s*1 / 3\s*</td>", listing), listing


def test_soft_warnings_show_after_saving_the_section(
    world: World, baseline_round: SurveyRound
) -> None:
    """Only one scope 2 method, no comment: a soft rule. It was shown only on the review page;
    now saving the section says so too."""
    client = client_for(world.contact_a)
    page = client.post(
        form_url(baseline_round, world.org_a),
        {"section": "scope2", "scope2_location__2022": "10", "scope2_location__2022__version": "0"},
        follow=True,
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Utkastet är sparat." in html
    assert "Bara en scope 2-metod är angiven" in html


def test_on_a_phone_the_sections_are_a_selector_with_previous_and_next(
    world: World, baseline_round: SurveyRound
) -> None:
    """Issue 17, point 6: below the lg breakpoint the section list is one <select> (the long
    list is hidden there); "next section" saves and opens the following section."""
    client = client_for(world.contact_a)
    html = client.get(form_url(baseline_round, world.org_a) + "?section=scope1").content.decode()
    picker = re.search(r'<select class="form-select" id="section-picker".*?</select>', html, re.S)
    assert picker is not None
    options = re.findall(r'<option value="([a-z0-9_]+)"', picker.group(0))
    assert options[:4] == ["boundary", "base_year", "scope1", "scope2"]
    assert 'value="scope1" selected' in picker.group(0)
    assert 'class="list-unstyled kf-section-nav d-none d-lg-block"' in html
    assert re.search(r'name="goto" value="base_year"[^>]*>‹ Föregående avsnitt', html)
    assert re.search(r'name="goto" value="scope2"[^>]*>Nästa avsnitt ›', html)

    saved = client.post(
        form_url(baseline_round, world.org_a),
        {
            "section": "scope1",
            "goto": "scope2",
            "scope1_total__2022": "12",
            "scope1_total__2022__version": "0",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith("?section=scope2")
    assert (
        Response.objects.get(round=baseline_round).answers.get(field_name="scope1_total__2022").raw
        == "12"
    )


@pytest.mark.parametrize(
    ("language", "shown"), [("sv", "Föregående år: 1\u00a0447,6"), ("en", "Previous year: 1,447.6")]
)
def test_last_years_value_is_written_as_the_language_writes_numbers(
    world: World, baseline_round: SurveyRound, language: str, shown: str
) -> None:
    """The hint under 2023's input showed "447,600" beside "(447.6)" in the warning."""
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {"scope1_total__2022": AnswerData(raw="1447.600")},
    )
    client = client_for(world.contact_a)
    client.cookies["django_language"] = language
    html = client.get(form_url(baseline_round, world.org_a) + "?section=scope1").content.decode()
    assert shown in html
