"""Project-wide pytest hooks: shared fixtures, and the rule for tests that need real services.

Tests marked ``service("postgres" | "redis")`` or ``browser`` need a real PostgreSQL, Redis or
Chromium. Under ``CI=true`` a missing service is an error (a run that skips is a red run). On a
laptop without them, those tests are left out and the last lines of the run name them.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytest_plugins = ["tests.fixtures"]

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_NOT_RUN: dict[str, list[str]] = {}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    """Debian's Chromium where it exists (our machines); None means Playwright's own download."""
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return None


def _playwright_browser_available() -> bool:
    if chromium_path():
        return True
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    return any(cache.glob("chromium*")) if cache.exists() else False


def service_status() -> dict[str, str | None]:
    """Each service's problem, or None when it is there."""
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    status: dict[str, str | None] = {}
    if not database_url.startswith(("postgres://", "postgresql://")):
        status["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    elif not _reachable(database_url, 5432):
        status["postgres"] = f"PostgreSQL at {urlparse(database_url).hostname} is unreachable"
    else:
        status["postgres"] = None
    if not broker_url.startswith("redis"):
        status["redis"] = "CELERY_BROKER_URL does not point at Redis"
    elif not _reachable(broker_url, 6379):
        status["redis"] = f"Redis at {urlparse(broker_url).hostname} is unreachable"
    else:
        status["redis"] = None
    status["chromium"] = None if _playwright_browser_available() else "no Chromium found"
    return status


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "service(name): needs a real service: postgres or redis")
    os.environ.setdefault(
        "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
    )  # Playwright's sync API + live_server


def pytest_sessionstart(session: pytest.Session) -> None:
    if not CI:
        return
    problems = {name: problem for name, problem in service_status().items() if problem}
    if problems:
        raise pytest.UsageError(
            "CI=true requires PostgreSQL, Redis and Chromium: " + "; ".join(problems.values())
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CI:
        return
    status = service_status()
    keep, drop = [], []
    for item in items:
        needs = [m.args[0] for m in item.iter_markers("service")]
        if item.get_closest_marker("browser"):
            needs.append("chromium")
        missing = [name for name in needs if status.get(name)]
        if missing:
            drop.append(item)
            for name in missing:
                _NOT_RUN.setdefault(f"{name}: {status[name]}", []).append(item.nodeid)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _NOT_RUN:
        return
    terminalreporter.section("service tests not run on this machine")
    for reason, nodeids in _NOT_RUN.items():
        terminalreporter.write_line(f"{len(nodeids)} tests need {reason}")
    terminalreporter.write_line(
        "Run them with CI=true and PostgreSQL, Redis and Chromium available."
    )


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in Swedish: a request in English (LocaleMiddleware) leaves the thread's
    language switched, which made later tests that render forms directly see English text."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts from an empty cache: cached reference data and matrix counts written in
    a rolled-back test must not answer in the next one (the test cache is in-process memory)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    args = {
        **browser_type_launch_args,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }
    path = chromium_path()
    if path:
        args["executable_path"] = path
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    return {**browser_context_args, "locale": "sv-SE"}
