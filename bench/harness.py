"""Timing helpers: server-side time of a request through the full middleware stack.

Every page is also given as a ratio to the minimal template view, timed request by request
alternately with the page by the same signed-in client, because this machine is noisy and only
ratios taken together mean something.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Row:
    section: str
    name: str
    scale: str
    median_ms: float
    p95_ms: float
    queries: int | None = None
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# The yardstick: a minimal Django template view through the same middleware (bench/urls.py).
MINIMAL_URL = "/bench/minimal/"


def time_minimal(client: Client) -> float:
    """One request to the minimal view with ``client``, in ms."""
    start = time.perf_counter()
    response = client.get(MINIMAL_URL)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200
    return elapsed


def time_request(
    client: Client,
    method: str,
    url: str,
    *,
    repeat: int = 30,
    data: dict[str, Any] | None = None,
    expect: int = 200,
    paired: list[float] | None = None,
) -> tuple[list[float], int]:
    """Time ``repeat`` requests (after 2 warm-ups); return the times in ms and the query count.

    With ``paired`` (a list), each request is followed by one to the minimal view with the same
    client, timed into ``paired``: page and yardstick then share the machine's moment and the
    signed-in user, so a burst of load on this shared machine moves both, not the ratio."""
    call = getattr(client, method.lower())
    for _ in range(2):
        response = call(url, data) if data is not None else call(url)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {url} answered {response.status_code}, not {expect}")
        if paired is not None:
            time_minimal(client)
    with CaptureQueriesContext(connection) as captured:
        response = call(url, data) if data is not None else call(url)
    queries = len(captured.captured_queries)
    times = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        response = call(url, data) if data is not None else call(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect
        if paired is not None:
            paired.append(time_minimal(client))
    return times, queries


def measure_view(
    client: Client,
    url: str,
    *,
    section: str,
    name: str,
    scale: str,
    baseline_ms: float,
    target_ratio: float | None = None,
    method: str = "GET",
    data: dict[str, Any] | None = None,
    repeat: int = 30,
    expect: int = 200,
) -> Row:
    """Time a page; its ratio is over the minimal view timed alternately with it (same client).
    ``baseline_ms`` (the section's yardstick measured alone) is given in the note beside it."""
    minimal: list[float] = []
    times, queries = time_request(
        client, method, url, repeat=repeat, data=data, expect=expect, paired=minimal
    )
    median = statistics.median(times)
    minimal_ms = statistics.median(minimal)
    ratio = median / minimal_ms
    return Row(
        section=section,
        name=name,
        scale=scale,
        median_ms=median,
        p95_ms=percentile(times, 0.95),
        queries=queries,
        ratio=ratio,
        target=f"≤ {target_ratio:g}× minimal" if target_ratio else "",
        ok=(ratio <= target_ratio) if (target_ratio and ratio is not None) else None,
        note=f"minimal view alongside: {minimal_ms:.1f} ms"
        + (f", alone before: {baseline_ms:.1f} ms" if baseline_ms else ""),
    )


def time_call(fn: Callable[[], Any], *, repeat: int = 5) -> tuple[list[float], int]:
    """Time a callable; return times in ms and the peak traced memory (bytes) of one run."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, peak
