"""Password-reset requests (issue 15 red-team findings 2, 3 and 7): the request looks nobody
up, the limits count the address as Django compares it and the login found, and the client is
told apart behind the reverse proxy without believing what a client writes itself."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from security.client_ip import client_ip
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def _request_reset(email: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    return len(queries), [q["sql"] for q in queries]


def test_the_request_itself_looks_no_login_up(
    world: World, django_capture_on_commit_callbacks
) -> None:
    """Finding 7: the answer took ~104 ms for an address with a login and ~65 ms without. Now
    the request does the same work for both and queues the lookup for a task after commit."""
    with django_capture_on_commit_callbacks(execute=False) as known_tasks:
        known, known_sql = _request_reset(world.strategic.email)
    with django_capture_on_commit_callbacks(execute=False) as unknown_tasks:
        unknown, _sql = _request_reset("ingen.alls@example.org")
    assert known == unknown
    assert not any("accounts_user" in sql for sql in known_sql)
    assert len(known_tasks) == len(unknown_tasks) == 1
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        known_tasks[0]()  # the task, as the worker runs it
    (sent,) = mail.outbox
    assert sent.to == [world.strategic.email]


@override_settings(PASSWORD_RESET_PER_ADDRESS=2)
def test_a_login_gets_at_most_its_limit_of_links_however_the_address_is_spelled(
    world: World, django_capture_on_commit_callbacks
) -> None:
    """Finding 2: the task counts the login it found, so spellings that the request's limit
    cannot know to be the same (here called directly, as from many clients) add nothing."""
    assert world.strategic.email == "strateg@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        for spelling in ("strateg@example.org", "STRATEG@example.org", "\u017ftrateg@example.org"):
            services.send_password_reset(email=spelling)
    assert [m.to for m in mail.outbox] == [[world.strategic.email]] * 2


@override_settings(PASSWORD_RESET_PER_CLIENT=2)
def test_with_no_trusted_proxy_a_forwarded_for_header_is_ignored(world: World) -> None:
    """Finding 3: with TRUSTED_PROXY_COUNT=0 (development default) X-Forwarded-For is the
    client's own text: a client that writes a new one each time is still one client."""
    client = Client()
    codes = [
        client.post(
            reverse("password_reset"),
            {"email": f"x{n}@example.org"},
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.5", "192.0.2.1"),  # no proxy: the header is not believed
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),  # one proxy: the entry it appended
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # client's own entry ignored
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),  # fewer entries than proxies
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
        (1, "10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_address_counts_only_entries_trusted_proxies_wrote(
    proxies: int, remote: str, forwarded: str, expected: str
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_the_lockout_uses_the_same_client_address() -> None:
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert get_client_ip_address(request) == "203.0.113.5"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert get_client_ip_address(request) == "10.0.0.2"
