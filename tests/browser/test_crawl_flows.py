"""Issue 17, point 1, continued (see test_crawl.py): the pages only a POST leads to, and the
Chromium pass. Each test loads the demo data in its own transaction (a POST flow must not
undo the crawl module's shared data)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import HttpResponseBase
from django.test import Client
from playwright.sync_api import Browser, Route

from partners.models import Membership
from reporting.models import ReportYear
from surveys import selectors
from surveys.models import Question, SurveyRound
from tests.browser.conftest import blocking_violations
from tests.browser.test_crawl import LANGUAGES, ROLES, signed_in
from tests.crawl import CrawlResult, crawl, recording_invalid_variables

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo_data", stdout=io.StringIO())


def _after_post(client: Client, response: HttpResponseBase, found: CrawlResult) -> None:
    """A POST's answer: no 5xx; a redirect's target and what it links to, crawled one step."""
    assert response.status_code < 500, response
    if response.status_code in {301, 302, 303}:
        target = urlsplit(response["Location"])
        start = target.path + (f"?{target.query}" if target.query else "")
        with recording_invalid_variables() as marker:
            result = crawl(client, start=start, depth=1, admin=False, pdfs=True, marker=marker)
        found.visits += result.visits
        found.problems += result.problems


def test_pages_after_a_post(demo: None) -> None:
    """The pages only a POST leads to, walked once: the office reopens a response, its partner
    saves a change and submits it; the office uploads the round's own long export as an import
    and confirms it; the office builds the year's partnership report."""
    found = CrawlResult()
    office = signed_in("office", "sv")
    partner = signed_in("submitter", "sv")
    survey_round = SurveyRound.objects.order_by("-year").first()
    assert survey_round is not None
    organisation = Membership.objects.get(contact__user__username=ROLES["submitter"]).organisation
    base = f"/surveys/rounds/{survey_round.pk}/organisations/{organisation.pk}/"

    # A survey reopened, changed and submitted again.
    _after_post(office, office.post(base + "reopen/", {"reason": "Rätta scope 2."}), found)
    question = Question.objects.filter(round=survey_round, kind=Question.Kind.TEXT).first()
    assert question is not None
    field = question.key + (f"__{survey_round.reporting_year}" if question.per_year else "")
    version = selectors.get_form_state(survey_round, organisation).versions.get(field, 0)
    saved = partner.post(
        base,
        {"section": question.section, field: "Ändrat i testet", f"{field}__version": version},
    )
    _after_post(partner, saved, found)
    _after_post(partner, partner.post(base + "submit/"), found)

    # The round's long export, imported back: upload, preview, confirm.
    export = office.get(f"/surveys/rounds/{survey_round.pk}/export/?format=csv&layout=long")
    upload = SimpleUploadedFile("svar.csv", export.content, content_type="text/csv")
    uploaded = office.post(f"/surveys/rounds/{survey_round.pk}/import/", {"file": upload})
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    _after_post(office, uploaded, found)
    _after_post(office, office.post(f"/surveys/rounds/{survey_round.pk}/import/preview/"), found)

    # A report built (the tasks run eagerly in the tests).
    year = ReportYear.objects.order_by("-year").first()
    assert year is not None
    _after_post(office, office.post(f"/reports/{year.year}/build/", {"language": "sv"}), found)

    assert not found.problems, "\n".join(found.problems)
    reached = {visit.route for visit in found.visits}
    assert "surveys/rounds/<id:pk>/import/preview/" in reached
    assert "reports/<id:year>/" in reached


PHONE = {"width": 390, "height": 844}
ORIGIN = "http://testserver"


class _Pages:
    """Answers Chromium's requests without a live server: the page itself as Django's test
    client answered it (fetched by the test, in the test's transaction: Playwright runs route
    handlers in another greenlet, which would see another database connection), static files
    from the finders as ``runserver`` serves them, anything else (a logo, a fetch) empty."""

    def __init__(self) -> None:
        self.url = ""
        self.response: HttpResponseBase | None = None

    def handle(self, route: Route) -> None:
        parts = urlsplit(route.request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc != "testserver":
            route.abort()
        elif parts.path.startswith(settings.STATIC_URL):
            found = finders.find(parts.path.removeprefix(settings.STATIC_URL))
            if isinstance(found, str):
                route.fulfill(path=found)
            else:
                route.fulfill(status=404, body="")
        elif path == self.url and self.response is not None:
            route.fulfill(
                status=self.response.status_code,
                headers=dict(self.response.items()),
                body=self.response.content,
            )
        else:
            route.fulfill(status=204, body="")


@pytest.mark.browser
def test_each_pattern_in_chromium(demo: None, browser: Browser) -> None:
    """One page per URL pattern, per role and language, at 390 px: no serious or critical axe
    violation, nothing wider than the screen."""
    failures = []
    for role in ROLES:
        for language in LANGUAGES:
            client = signed_in(role, language)
            pages = crawl(
                client, paths_per_route=1, queries_per_path=0, admin=False, pdfs=False
            ).representatives()
            served = _Pages()
            context = browser.new_context(viewport=PHONE, locale="sv-SE")
            context.route("**/*", served.handle)
            page = context.new_page()
            for url in sorted(pages.values()):
                served.url, served.response = url, client.get(url)
                page.goto(ORIGIN + url)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    failures.append(f"{role} {language} {url}: {overflow} px wider than 390 px")
                failures += [f"{role} {language} {url}: {v}" for v in blocking_violations(page)]
            context.close()
    assert not failures, "\n".join(failures)
