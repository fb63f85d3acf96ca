"""A page's SQL queries do not grow with the rows (issue 19, point 5).

Every page a signed-in role may open with GET (the benchmark's list, bench/pages.py: every URL
pattern of the access matrix as the first role allowed to open it, again as a partner contact
where one may, and the busiest lists' searches and later pages) is opened once on twice the real
size (bench/seed.py's blocks: 110 organisations, 400 activities, 5 survey years) and once on four
times it: the second may not take more queries than the first (``django_assert_max_num_queries``).
Twice, not once: on one block some of the roles' lists are still empty, and a list that is empty
skips its prefetch queries (a step from none to some rows, not a growth with them). Each pass
starts from an empty cache and opens the pages in the same order, so cached values count alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from bench.pages import Page, pages
from bench.seed import Seeded, build_world, grow
from tests.fixtures import client_for


def _touch(clients: dict[str, Any], page: Page) -> None:
    """A request that answers 404 before the page: the session's "last seen" is written at most
    once a minute (security.middleware), on whichever request comes; let it fall on this one."""
    clients[page.role].get("/no-such-page-here/")


def _open(clients: dict[str, Any], page: Page) -> int:
    response = clients[page.role].get(page.url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return int(response.status_code)


@pytest.mark.django_db
def test_no_page_takes_more_queries_on_twice_the_rows(
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world, samples = build_world()
    seeded = Seeded()
    grow(seeded, 2)
    found, _skipped = pages(samples)
    assert len(found) > 100  # every page of every app, not a few
    users = world.users()
    clients = {role: client_for(users[role]) for role in {page.role for page in found}}
    small: dict[str, tuple[int, int]] = {}
    cache.clear()
    for page in found:
        _touch(clients, page)
        with CaptureQueriesContext(connection) as captured:
            status = _open(clients, page)
        small[page.key] = (status, len(captured.captured_queries))
    grow(seeded, 4)
    cache.clear()
    grown: list[str] = []
    for page in found:
        status_1x, queries_1x = small[page.key]
        if status_1x == 404:  # a later page of a list, not there yet on the smaller data
            continue
        _touch(clients, page)
        try:
            with django_assert_max_num_queries(queries_1x):
                status = _open(clients, page)
        except pytest.fail.Exception as exc:
            grown.append(f"{page.key}: {str(exc).splitlines()[0]}")
            continue
        assert status == status_1x, page.key
    assert not grown, "\n".join(grown)
