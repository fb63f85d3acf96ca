"""Every mail the app sends is one people can act on (issue 18 point 1).

Each kind of mail is triggered through the service that really sends it, then read as its
recipient would: a plain-text and an HTML part, links that are absolute on SITE_URL and open the
right page for that recipient (a one-time link opens the set-password page), List-Unsubscribe on
bulk mail, and the recipient's own language.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import checks, mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import change_login_email
from activities import services as activity_services
from activities.models import Activity, Meeting
from outbox.checks import warn_at_start_up
from partners import services as partner_services
from partners.models import ContactPerson, Membership
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from roadmap.models import Challenge
from spaces import services as space_services
from spaces.models import MailPreference, Post, Space, Subscription
from spaces.tests.factories import commit_to
from surveys import services as survey_services
from surveys.models import SurveyRound
from surveys.tests.helpers import fill_and_submit
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

SITE = "https://klimat.example.org"
LINK_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]+|(?<![\w/.])/[a-z][\w\-/]*/")
HREF = re.compile(r"""\b(?:href|src)=["']([^"']*)["']""")
KINDS = (
    "password_reset",
    "email_changed",
    "invitation",
    "survey_reminder",
    "survey_reopened",
    "space_post",
    "space_digest",
    "space_reply",
    "space_post_hidden",
    "meeting_invitation",
    "activity_proposed",
    "proposal_reviewed",
)
BULK = {"survey_reminder", "space_post", "space_digest", "space_reply"}


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    return survey_services.create_round(
        year=2025,
        opens_on=date(2025, 1, 15),
        closes_on=date(2099, 3, 31),
        data_years=[2024],
        by=world.office,
    )


def _space(world: World) -> Space:
    commit_to(world.org_a, [1, 2, 3, 4, 5])
    commit_to(world.org_b, [3, 6, 7, 8, 9])
    space_services.ensure_spaces()
    return Space.objects.get(challenge__number=3)


def send_every_kind(
    world: World, survey_round: SurveyRound, capture: Callable[..., Any]
) -> dict[str, list[EmailMultiAlternatives]]:
    """Trigger each kind of mail through the service that sends it; the mails by kind."""
    # Ivar's login was closed: the survey mails still reach his contact record (a person can
    # work without a login), but his links cannot be followed here as him.
    Membership.objects.filter(contact__user=world.inactive).update(is_active=False)
    found: dict[str, list[EmailMultiAlternatives]] = {}

    def collect(kind: str) -> Iterator[None]:
        before = len(mail.outbox)
        yield
        found[kind] = [m for m in mail.outbox[before:] if isinstance(m, EmailMultiAlternatives)]
        assert found[kind], f"{kind}: no mail was sent"

    def run(kind: str, action: Callable[[], object]) -> None:
        steps = collect(kind)
        next(steps)
        with capture(execute=True):
            action()
        next(steps, None)

    run(
        "password_reset",
        lambda: Client().post(reverse("password_reset"), {"email": world.contact_a2.email}),
    )
    newcomer = ContactPersonFactory(email="nykomling@example.org", first_name="Nils")
    MembershipFactory(contact=newcomer, organisation=world.org_a, is_survey_contributor=False)
    run(
        "invitation",
        lambda: partner_services.invite_contact(contact=newcomer, by=world.office),
    )
    run(
        "survey_reminder",
        lambda: survey_services.send_reminder(
            survey_round=survey_round,
            organisation=world.org_a,
            by=None,
            offset=1,  # the escalation: contributors, submitter and main contact
            deadline=date(2099, 3, 31),
            today=date(2099, 3, 28),
        ),
    )
    response = fill_and_submit(survey_round, world.org_a, world.contact_a)
    run(
        "survey_reopened",
        lambda: survey_services.reopen_response(
            response=response, reason="Scope 2 saknas", by=world.office
        ),
    )
    space = _space(world)
    Subscription.objects.create(
        space=space, user=world.contact_a2, mode=Subscription.Mode.EACH_POST
    )
    Subscription.objects.create(space=space, user=world.contact_b, mode=Subscription.Mode.WEEKLY)
    # Anna's one choice for all spaces (issue 18): she hears of replies to her post.
    MailPreference.objects.create(user=world.contact_a, mode=Subscription.Mode.EACH_POST)
    posts: list[Post] = []
    run(
        "space_post",
        lambda: posts.append(
            space_services.create_post(
                space=space,
                by=world.contact_a,
                kind="post",
                title="Solceller",
                body="Vem har erfarenhet?",
            )
        ),
    )
    run(
        "space_digest",
        lambda: space_services.send_weekly_digests(now=timezone.now() + timedelta(days=7)),
    )
    run(
        "space_reply",
        lambda: space_services.add_comment(post=posts[0], by=world.contact_b, body="Vi har."),
    )
    # Hidden: a post of its own, so that the links in the mails above still open.
    duplicate = Post.objects.create(
        space=space, title="Solceller igen", body="Dubblett", author=world.contact_a
    )
    run(
        "space_post_hidden",
        lambda: space_services.hide_post(post=duplicate, by=world.office, reason="Dubblett"),
    )
    # A meeting with an invited organisation: its people get a calendar invitation with an
    # answer link (issue 18).
    start = timezone.now() + timedelta(days=30)
    run(
        "meeting_invitation",
        lambda: activity_services.create_meeting(
            by=world.office,
            kind=Meeting.Kind.GROUPING,
            title="Grupperingsträff energi",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Väven, Umeå",
            invited_organisations=[world.org_a],
        ),
    )
    proposals: list[Activity] = []
    run(
        "activity_proposed",
        lambda: proposals.append(
            activity_services.propose_activity(
                by=world.contact_a,
                organisation=world.org_a,
                challenges=list(Challenge.objects.filter(number=3)),
                title="Cykelpendling året runt",
                kind=Activity.Kind.INITIATIVE,
                purpose="Fler cyklar till jobbet.",
                goal="200 cykelpendlare",
                start_date=timezone.localdate(),
                end_date=timezone.localdate() + timedelta(days=90),
            )
        ),
    )
    run(
        "proposal_reviewed",
        lambda: activity_services.review_proposal(
            activity=proposals[0], by=world.office, approve=True
        ),
    )
    # Last: it moves a login to a new address, so the mails above still reach the old one.
    run(
        "email_changed",
        lambda: change_login_email(
            user=world.contact_a, email="anna.ny@example.org", by=world.office
        ),
    )
    assert set(found) == set(KINDS)
    return found


def _html(message: EmailMultiAlternatives) -> str:
    parts = [str(body) for body, kind in message.alternatives if kind == "text/html"]
    assert len(parts) == 1, f"{message.subject!r}: one HTML part expected"
    return parts[0]


def _links(message: EmailMultiAlternatives) -> set[str]:
    text_links = set(LINK_IN_TEXT.findall(message.body))
    html_links = {html.unescape(h) for h in HREF.findall(_html(message))}
    header = message.extra_headers.get("List-Unsubscribe", "")
    header_links = {u for u in re.findall(r"<([^>]+)>", header) if not u.startswith("mailto:")}
    return text_links | html_links | header_links


def _recipient(message: EmailMultiAlternatives) -> User | None:
    (address,) = message.to
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        contact = ContactPerson.objects.filter(email__iexact=address).first()
        user = contact.user if contact is not None else None
    return user


def test_every_mail_has_both_parts_and_absolute_links_that_open_for_its_recipient(
    world: World, survey_round: SurveyRound, django_capture_on_commit_callbacks: Any
) -> None:
    sent = send_every_kind(world, survey_round, django_capture_on_commit_callbacks)
    # The escalated reminder went to the contributor, the submitter and the main contact.
    assert {m.to[0] for m in sent["survey_reminder"]} == {
        "anna_a@example.org",
        "bertil_a@example.org",
    }
    for kind, messages in sent.items():
        for message in messages:
            assert message.body.strip(), f"{kind}: empty text part"
            page = _html(message)
            assert page.rstrip().endswith("</html>"), f"{kind}: no HTML document"
            links = _links(message)
            assert links, f"{kind}: no link to act on"
            for link in links:
                parts = urlsplit(link)
                assert f"{parts.scheme}://{parts.netloc}" == SITE, f"{kind}: {link} is not absolute"
            user = _recipient(message)
            # One-time links first: signing in (below) changes last_login, which voids them.
            for link in sorted(links, key=lambda u: ("/accounts/reset/" not in u, u)):
                _assert_opens(kind, link, user)


def _assert_opens(kind: str, link: str, user: User | None) -> None:
    parts = urlsplit(link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith("/accounts/reset/"):
        # A one-time link: Django swaps the token for its set-password step, signed out.
        visitor = Client()
        step = visitor.get(path)
        assert step.status_code == 302, f"{kind}: {link}"
        assert step["Location"].endswith("/set-password/")
        assert "new_password1" in visitor.get(step["Location"]).content.decode()
        return
    client = client_for(user) if user is not None and user.is_active else Client()
    response = client.get(path)
    assert response.status_code == 200, f"{kind}: {link} answered {response.status_code}"


def test_bulk_mails_carry_list_unsubscribe_and_the_space_link_works_with_one_click(
    world: World, survey_round: SurveyRound, django_capture_on_commit_callbacks: Any
) -> None:
    sent = send_every_kind(world, survey_round, django_capture_on_commit_callbacks)
    for kind in BULK:
        for message in sent[kind]:
            header = message.extra_headers.get("List-Unsubscribe", "")
            assert header.startswith(f"<{SITE}/"), f"{kind}: {header!r}"
    for kind in set(KINDS) - BULK:  # a password link or a security notice is not bulk mail
        assert all("List-Unsubscribe" not in m.extra_headers for m in sent[kind])
    # A survey reminder cannot be switched off with one POST: the header names the page with
    # the organisation's survey roles and a mail to the office, and asks for no POST.
    reminder = sent["survey_reminder"][0]
    assert f"<{SITE}/partners/{world.org_a.pk}/>" in reminder.extra_headers["List-Unsubscribe"]
    assert "mailto:" in reminder.extra_headers["List-Unsubscribe"]
    assert "List-Unsubscribe-Post" not in reminder.extra_headers
    # A space's mail: the mail client's own POST (RFC 8058, no CSRF token, no login) stops it.
    (notice,) = sent["space_post"]
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.findall(r"<([^>]+)>", notice.extra_headers["List-Unsubscribe"])[0]
    mail_client = Client(enforce_csrf_checks=True)
    answer = mail_client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    subscription = Subscription.objects.get(user=world.contact_a2)
    assert subscription.mode == Subscription.Mode.NONE


def test_a_recipient_who_chose_english_gets_english(
    world: World, survey_round: SurveyRound, django_capture_on_commit_callbacks: Any
) -> None:
    english = {world.contact_a2.email, world.contact_b.email}
    User.objects.filter(email__in=english).update(preferred_language="en")
    sent = send_every_kind(world, survey_round, django_capture_on_commit_callbacks)
    seen_english = seen_swedish = 0
    for kind, messages in sent.items():
        for message in messages:
            page = _html(message)
            if message.to[0] in english:
                seen_english += 1
                assert '<html lang="en">' in page, kind
                assert "Kind regards, the office of Umeå climate roadmap" in message.body, kind
                assert "Vänliga hälsningar" not in message.body + page, kind
            else:
                seen_swedish += 1
                assert '<html lang="sv">' in page, kind
                assert "Vänliga hälsningar" in message.body, kind
    # Bertil asked for a new password, got a space notice and a reminder; Cecilia a digest.
    assert seen_english >= 4
    assert seen_swedish >= 4
    (reset,) = sent["password_reset"]
    assert reset.subject == "New password for Umeå climate roadmap"


def test_the_language_switch_is_kept_for_the_persons_mails(world: World) -> None:
    client = client_for(world.contact_a2)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    world.contact_a2.refresh_from_db()
    assert world.contact_a2.preferred_language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not a language
    world.contact_a2.refresh_from_db()
    assert world.contact_a2.preferred_language == "en"


def test_check_deploy_and_start_up_warn_when_site_url_is_missing(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SITE_URL = ""
    ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "outbox.W001" in ids
    assert "outbox.W001" not in {m.id for m in checks.run_checks()}  # deploy only
    settings.SITE_URL = "http://klimat.example.org"
    assert "outbox.W002" in {m.id for m in checks.run_checks(include_deployment_checks=True)}
    settings.SITE_URL = SITE
    assert not {"outbox.W001", "outbox.W002"} & {
        m.id for m in checks.run_checks(include_deployment_checks=True)
    }
    settings.SITE_URL = ""
    settings.PRODUCTION = True
    with caplog.at_level("WARNING", logger="outbox"):
        warn_at_start_up()
    assert "SITE_URL is not set" in caplog.text


def _settings_process(mode: str, *command: str) -> subprocess.CompletedProcess[str]:
    base = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klimatfardplan.settings",
        "DJANGO_MODE": mode,
        "SITE_URL": "",
        "SECRET_KEY": "t3st-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
    }
    return subprocess.run(
        [sys.executable, str(base / "manage.py"), *command],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_site_url_defaults_to_the_development_server_and_production_is_warned() -> None:
    development = _settings_process(
        "development", "shell", "-c", "from django.conf import settings; print(settings.SITE_URL)"
    )
    assert development.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000", (
        development.stderr
    )
    production = _settings_process("production", "check", "--deploy")
    assert "outbox.W001" in production.stdout + production.stderr
    # The start-up warning, logged before any command runs.
    assert "SITE_URL is not set" in production.stderr
