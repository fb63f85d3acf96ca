"""Every page works for every role, in Swedish and English, on a desktop and a phone (issue 17).

What it covers, on the demo data (``manage.py load_demo_data``), signed in as each demo role:
office staff with its second factor (kansliet), the strategic group (strategi), a survey
submitter (anna) and a contributor (bertil) of one organisation, another organisation's contact
(cecilia) and the superuser (admin):

1. ``test_every_page_opens``: per role and language an HTTP crawl with Django's test client
   (tests/crawl.py) from the home page: every same-site link and GET form, at most three paths
   per URL pattern and twelve query strings per path in Swedish (one and four in English). No 5xx, no template variable that does not
   resolve (TEMPLATES' ``string_if_invalid`` records them), no English month abbreviation on a
   Swedish page. Django's admin is crawled by the superuser in Swedish and the office in
   English; PDFs are fetched by the office in Swedish.
2. tests/browser/test_crawl_flows.py: the pages only reached through a POST's redirect, and
   one page per URL pattern per role and language in Chromium at 390 px (axe, page width).

Deterministic: the demo's seed is fixed and the crawl is breadth first in document order.
Cost, measured on the shared 2-core machine under a load of about 10 (other suites running):
the demo data loads once per module; the twelve HTTP crawls took 12 to 23 minutes together
(about 1,500 requests); test_crawl_flows.py took 19 minutes (the Chromium pass, about 240 pages
with axe, most of it). PDFs are the costly part (the activity gallery PDF took over a minute),
hence fetched by one crawl only. Not measured on an idle machine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.test import Client

from accounts.models import User
from tests.crawl import crawl, recording_invalid_variables
from tests.fixtures import client_for

ROLES = {
    "office": "kansliet",
    "strategic": "strategi",
    "submitter": "anna",
    "contributor": "bertil",
    "other_organisation": "cecilia",
    "superuser": "admin",
}
LANGUAGES = ("sv", "en")
# Django's "M" capitalises the month: a Swedish page showed "6 Dec", read as English.
ENGLISH_MONTHS = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
# A route each role must reach, so a crawl stopped early (a broken menu) cannot pass unseen.
MUST_REACH = {
    "office": "surveys/rounds/<id:round_pk>/organisations/<id:organisation_pk>/",
    "strategic": "surveys/followup/",
    "submitter": "surveys/rounds/<id:round_pk>/organisations/<id:organisation_pk>/",
    "contributor": "surveys/rounds/<id:round_pk>/organisations/<id:organisation_pk>/",
    "other_organisation": "partners/<id:pk>/",
    "superuser": "surveys/rounds/",
}


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The demo data, loaded once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint of it (pytest-django's ``db``)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo_data", stdout=io.StringIO())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def signed_in(role: str, language: str) -> Client:
    client = client_for(User.objects.get(username=ROLES[role]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_opens(demo_data: None, db: None, role: str, language: str) -> None:
    client = signed_in(role, language)
    with recording_invalid_variables() as marker:
        result = crawl(
            client,
            # English shows the same pages with other texts: one path per pattern, four
            # query strings per path are enough to see each template in English.
            paths_per_route=3 if language == "sv" else 1,
            queries_per_path=12 if language == "sv" else 4,
            marker=marker,
            admin=(role, language) in {("superuser", "sv"), ("office", "en")},
            pdfs=(role, language) == ("office", "sv"),
            month_names=ENGLISH_MONTHS if language == "sv" else None,
        )
    assert not result.problems, "\n".join(result.problems)
    assert MUST_REACH[role] in result.representatives(), sorted(result.representatives())


def test_the_crawl_sees_a_template_variable_that_does_not_resolve(db: None) -> None:
    """Guards the guard: a missing attribute, even behind ``default``, is reported."""
    with recording_invalid_variables() as marker:
        Template("{{ user.no_such_field|default:'x' }} {{ fine }}").render(
            Context({"user": object(), "fine": 1})
        )
    assert len(marker.found) == 1
    assert "user.no_such_field" in marker.found[0]
