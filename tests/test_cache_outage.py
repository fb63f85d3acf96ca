"""A cache outage is a miss, never an error (issue 19, point 3).

With ``CACHE_URL`` on Redis and Redis stopped, the partner list, the matrix, the activity list
and the dashboard used to answer 500. Here a Redis server of the test's own is started on a free
port, the cache pointed at it as settings point a ``redis://`` ``CACHE_URL`` (the settings'
Redis backend), a few pages opened so that the cache holds values, the server stopped, and then
every page crawled as every demo role (tests/crawl.py): no page may answer 5xx.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from klimatfardplan import cache as kf_cache
from tests.crawl import crawl
from tests.fixtures import client_for

ROLES = {
    "office": "kansliet",
    "strategic": "strategi",
    "submitter": "anna",
    "contributor": "bertil",
    "other_organisation": "cecilia",
    "superuser": "admin",
}
# Pages that answered 500 with Redis stopped before this issue, and the cached follow-up page:
# each role that may open them must have reached them in its crawl.
MUST_REACH = {
    "office": ["partners/", "partners/matrix/", "activities/", "surveys/followup/"],
    "strategic": ["activities/dashboard/", "surveys/followup/"],
    "submitter": ["surveys/followup/"],
}


@pytest.fixture(autouse=True)
def _redis_server_installed() -> None:
    # CI must fail, never skip, when a real part is missing: the outage needs a Redis of its own.
    assert shutil.which("redis-server"), "redis-server is not installed: the outage cannot be tried"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A Redis of this test's own (no persistence), stopped by the test when it wants."""
    port = _free_port()
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        yield server, url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The demo data, loaded once for the module in a transaction rolled back at its end."""
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


def _caches_for(url: str) -> dict[str, dict[str, object]]:
    """What settings make of ``CACHE_URL=<url>``."""
    import environ

    from klimatfardplan import settings as project_settings

    assert project_settings.CACHES["default"]["BACKEND"] in {
        "klimatfardplan.cache.TolerantRedisCache",
        "django.core.cache.backends.locmem.LocMemCache",
    }
    config = environ.Env.cache_url_config(url)
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    # As settings.py does for a redis:// CACHE_URL.
    config["BACKEND"] = "klimatfardplan.cache.TolerantRedisCache"
    config["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
    return {"default": config}


def test_settings_choose_the_tolerant_backend_for_a_redis_cache_url() -> None:
    """The same rule as settings.py applies, checked on the settings module's source of truth:
    a fresh import with CACHE_URL on Redis."""
    code = (
        "import os; os.environ['CACHE_URL'] = 'redis://127.0.0.1:1/0'; "
        "from klimatfardplan import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "CACHE_URL": ""},
    )
    assert done.stdout.strip() == "klimatfardplan.cache.TolerantRedisCache", done.stderr
    # Sessions and login lockouts never live in the cache only.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler") == (
        "axes.handlers.database.AxesDatabaseHandler"
    )


def test_every_page_answers_with_the_cache_server_stopped(
    demo_data: None, db: None, redis_server: tuple[subprocess.Popen[bytes], str]
) -> None:
    server, url = redis_server
    with override_settings(CACHES=_caches_for(url)):
        caches.close_all()
        office = client_for(User.objects.get(username="kansliet"))
        for name in ("partners:organisation_list", "surveys:followup", "activities:dashboard"):
            assert office.get(reverse(name)).status_code == 200
        assert redis.Redis.from_url(url).dbsize() > 0  # the pages did use the cache
        server.terminate()
        server.wait(10)
        with pytest.raises(redis.exceptions.ConnectionError):
            redis.Redis.from_url(url).ping()
        assert cache.get("anything", "missing") == "missing"  # a miss, not an error
        assert kf_cache.get_or_compute("test", "key", lambda: 42) == 42
        problems: list[str] = []
        for role, username in ROLES.items():
            client = client_for(User.objects.get(username=username))
            result = crawl(
                client,
                paths_per_route=1,
                queries_per_path=2,
                admin=False,
                pdfs=False,
            )
            problems += [f"{role}: {problem}" for problem in result.problems]
            reached = result.representatives()
            problems += [
                f"{role}: never reached {route}"
                for route in MUST_REACH.get(role, [])
                if route not in reached
            ]
        anonymous = Client().get(reverse("login"))
        assert anonymous.status_code == 200
    caches.close_all()
    assert not problems, "\n".join(problems)
