"""The "add a relation" form on a partner's page: every other organisation to choose from,
drawn from one (pk, name) read, so the page's queries do not grow with the partners."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import GroupRelation
from partners.tests.factories import OrganisationFactory
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="to_organisation"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the relation form's organisation select"
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(1))


def test_relation_select_offers_every_other_organisation_by_name(world: World) -> None:
    cedar = OrganisationFactory(name="Ceder Cirkulär AB")
    aspen = OrganisationFactory(name="Asp & Co")
    office = client_for(world.office)
    html = office.get(world.org_a.get_absolute_url()).content.decode()
    assert 'for="id_to_organisation"' in html  # labelled for screen readers
    # Everyone but Alfa itself, by name, after the empty choice; names are escaped.
    assert _options(html) == [
        ("", "---------"),
        (str(aspen.pk), "Asp &amp; Co"),
        (str(world.org_b.pk), "Beta Bygg AB"),
        (str(cedar.pk), "Ceder Cirkulär AB"),
    ]
    url = reverse("partners:group_relation_add", args=[world.org_a.pk])
    assert f'action="{url}"' in html
    office.post(url, {"kind": "parent_of", "to_organisation": str(cedar.pk)})
    assert GroupRelation.objects.filter(from_organisation=world.org_a, to_organisation=cedar)


def test_partner_page_queries_do_not_grow_with_the_organisations(
    world: World, django_assert_max_num_queries
) -> None:
    office = client_for(world.office)
    office.get(world.org_a.get_absolute_url())  # warm-up: session, reference data
    with CaptureQueriesContext(connection) as first:
        office.get(world.org_a.get_absolute_url())
    for n in range(30):
        OrganisationFactory(name=f"Partner {n:02d}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = office.get(world.org_a.get_absolute_url()).content.decode()
    assert len(_options(html)) == 1 + 31  # the empty choice, B and the 30 new ones
