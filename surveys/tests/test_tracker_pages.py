"""The round tracker at scale: shown a page at a time, its state counts and filter links agree
with the rows across every page, and its queries do not grow with the organisations."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.tests.factories import OrganisationFactory
from surveys import services
from surveys.models import DeadlineExtension, Response, ResponseEvent, SurveyRound
from surveys.views import office
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    return services.create_round(
        year=2026,
        opens_on=date(2026, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2025],
        by=world.office,
    )


def _add(survey_round: SurveyRound, n: int, state: str | None, prefix: str) -> set[int]:
    """``n`` active organisations; with ``state``, each has a response in it, a reminder and
    an extended deadline (the per-row reads the tracker draws)."""
    ids = set()
    for i in range(n):
        organisation = OrganisationFactory(name=f"{prefix} {i:02d}", status="active")
        if state is not None:
            response = Response.objects.create(
                round=survey_round, organisation=organisation, state=state
            )
            ResponseEvent.objects.create(
                response=response, kind=ResponseEvent.Kind.REMINDED, data={"offset": 7}
            )
            DeadlineExtension.objects.create(
                round=survey_round, organisation=organisation, until=date(2099, 4, 30)
            )
        ids.add(organisation.pk)
    return ids


def _walk(client: Client, url: str, query: str) -> list[int]:
    """The organisations listed on every page of ``url?query``, following "Nästa"."""
    listed: list[int] = []
    pending: str | None = query
    while pending is not None:
        html = client.get(f"{url}?{pending}").content.decode()
        listed += [int(pk) for pk in re.findall(r'data-organisation="(\d+)"', html)]
        following = re.search(r'href="\?([^"]*)">Nästa', html)
        pending = following.group(1).replace("&amp;", "&") if following else None
    return listed


def test_each_state_link_lists_its_counted_organisations_across_pages(
    world: World, survey_round: SurveyRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office, "TRACKER_PER_PAGE", 3)
    expected = {
        "not_started": _add(survey_round, 5, None, "Tyst") | {world.org_a.pk, world.org_b.pk},
        "draft": _add(survey_round, 7, Response.State.DRAFT, "Utkast"),
        "submitted": _add(survey_round, 4, Response.State.SUBMITTED, "Inskickad"),
        "reopened": set(),
        "approved": set(),
    }
    client = client_for(world.office)
    url = reverse("surveys:round_detail", args=[survey_round.pk])
    html = client.get(url).content.decode()
    assert re.search(r"Alla <strong>18</strong>", html)  # 7 not started + 7 drafts + 4
    for state, ids in expected.items():
        count = re.search(rf"kf-status-{state}[^>]*>[^<]*</span>\s*<strong>(\d+)</strong>", html)
        assert count, state
        assert int(count.group(1)) == len(ids), state
        listed = _walk(client, url, f"state={state}")
        assert sorted(listed) == sorted(ids), state  # every counted row once, on some page
    everything = _walk(client, url, "")
    assert len(everything) == len(set(everything)) == 18
    # 7 not started + 7 drafts have not submitted: the remind-all button says so.
    assert "Påminn alla 14 som inte har skickat in" in html


def test_tracker_queries_do_not_grow_with_organisations(
    world: World, survey_round: SurveyRound, django_assert_max_num_queries
) -> None:
    _add(survey_round, 2, Response.State.DRAFT, "Först")
    client = client_for(world.office)
    url = reverse("surveys:round_detail", args=[survey_round.pk])
    client.get(url)  # warm-up: session, reference data
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    _add(survey_round, 60, Response.State.DRAFT, "Fler")
    _add(survey_round, 15, Response.State.SUBMITTED, "Inskickad")
    _add(survey_round, 10, None, "Tyst")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url, {"state": "draft", "page": 3})
    # 62 drafts at 25 a page: the third page holds the last 12.
    assert page.content.decode().count("data-organisation=") == 12
