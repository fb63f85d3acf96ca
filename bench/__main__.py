"""`python -m bench`: every page's server time at ten times the real size, against the budgets.

One run, in one process, on its own PostgreSQL database (``<DATABASE_URL's name>_bench``, created
and dropped): it builds the access matrix's world, seeds the real size (1×), counts each page's
SQL queries, grows the data to ``--scale`` (10×), counts again and times every page ``--repeat``
times, the pages interleaved in a shuffled order each round so that a burst of load on this
shared machine falls on all of them alike. The run is saved as JSON (``var/bench/<label>.json``)
and docs/benchmarks.md is written from it, beside an earlier run given with ``--compare``.

    python -m bench [--label after] [--compare var/bench/before.json] [--repeat 30] [--scale 10]
    python -m bench --report var/bench/before.json var/bench/after.json   # only write the doc
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks.md"
WARM_UP = 2
SLOW_MS = 1000
SLOW_REPEAT = 5


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 requests is the 29th fastest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def _request(client: Any, url: str) -> tuple[int, str, float]:
    """One GET through the whole middleware stack; (status, content type, ms). The body of a
    streamed download is read, as the server would send it."""
    start = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    elapsed = (time.perf_counter() - start) * 1000
    return response.status_code, response.get("Content-Type", ""), elapsed


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _request(client, url)
    return len(captured.captured_queries)


def _warm_up(
    found: list[Any], rows: dict[str, dict[str, Any]], clients: dict[str, Any], *, repeat: int
) -> list[Any]:
    """Warm every page up and record its status, type and queries at full scale; the pages
    that answered (not 5xx), to be timed."""
    timed = []
    for page in found:
        row = rows[page.key]
        client = clients[page.role]
        for _ in range(WARM_UP):
            status, ctype, ms = _request(client, page.url)
            if ms > SLOW_MS:
                break
        row.update(
            status=status,
            content_type=ctype.split(";")[0],
            queries=_queries(client, page.url),
            times=[],
            # A page slower than a second is far past any budget: a few requests tell it.
            n_wanted=min(repeat, SLOW_REPEAT) if ms > SLOW_MS else repeat,
        )
        if status >= 500:
            row["error"] = f"answered {status}"
        else:
            timed.append(page)
    return timed


def _time_rounds(
    timed: list[Any], rows: dict[str, dict[str, Any]], clients: dict[str, Any], *, repeat: int
) -> None:
    """Request the pages in rounds, in a shuffled order each round, recording each time."""
    # As each web worker does once it has loaded the app (gunicorn.conf.py): what lives as long
    # as the process is kept out of the garbage collector's full passes.
    gc.collect()
    gc.freeze()
    rng = random.Random(19)
    for n in range(repeat):
        order = timed[:]
        rng.shuffle(order)
        for page in order:
            if len(rows[page.key]["times"]) >= rows[page.key]["n_wanted"]:
                continue
            _status, _ctype, ms = _request(clients[page.role], page.url)
            rows[page.key]["times"].append(ms)
        if n % 10 == 9:
            sys.stderr.write(f"bench: round {n + 1}/{repeat}\n")


def _summarise(rows: dict[str, dict[str, Any]], *, repeat: int) -> None:
    """Replace each page's times by their count, p50 and p95."""
    for row in rows.values():
        times = row.pop("times")
        row.pop("n_wanted", None)
        if times:
            row.update(
                n=len(times),
                repeat=repeat,
                p50_ms=round(statistics.median(times), 1),
                p95_ms=round(percentile(times, 0.95), 1),
            )


def measure(args: argparse.Namespace) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench.pages import pages
    from bench.seed import Seeded, build_world, grow
    from tests.fixtures import client_for

    if connection.vendor != "postgresql":
        raise SystemExit(
            "bench: the budgets are for PostgreSQL; set DATABASE_URL to a postgres:// URL"
        )
    started = time.monotonic()
    load_before = os.getloadavg()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        t0 = time.monotonic()
        world, samples = build_world()
        users = world.users()
        seeded = Seeded()
        grow(seeded, 1)
        seed_1x = time.monotonic() - t0
        found, skipped = pages(samples)
        clients = {role: client_for(users[role]) for role in {p.role for p in found}}
        sys.stderr.write(f"bench: {len(found)} pages, {len(skipped)} patterns left out\n")

        def analyse() -> None:
            # Fresh planner statistics after bulk inserts, as autovacuum would have them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        analyse()
        rows: dict[str, dict[str, Any]] = {}
        for page in found:
            status, _ctype, _ms = _request(clients[page.role], page.url)
            rows[page.key] = {
                "name": page.name,
                "role": page.role,
                "url": page.url,
                "budget_ms": page.budget_ms,
                "queries_1x": _queries(clients[page.role], page.url),
                "status_1x": status,
            }
        t1 = time.monotonic()
        grow(seeded, args.scale)
        seed_nx = time.monotonic() - t1
        analyse()
        sys.stderr.write(f"bench: seeded {seeded.counts} in {seed_1x + seed_nx:.0f} s\n")
        timed = _warm_up(found, rows, clients, repeat=args.repeat)
        _time_rounds(timed, rows, clients, repeat=args.repeat)
        _summarise(rows, repeat=args.repeat)
        return {
            "label": args.label,
            "tree": str(ROOT),
            "commit": _git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": len(_git("status", "--porcelain").splitlines()),
            "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            "machine": f"{platform.node()}, {os.cpu_count()} cores, "
            f"{platform.python_implementation()} {platform.python_version()}",
            "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}".strip(),
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "load_before": [round(x, 1) for x in load_before],
            "load_after": [round(x, 1) for x in os.getloadavg()],
            "scale": args.scale,
            "repeat": args.repeat,
            "counts": seeded.counts,
            "refreshed": sorted(seeded.refreshed),
            "seed_seconds": round(seed_1x + seed_nx, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "pages": list(rows.values()),
            "skipped": skipped,
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default="this tree")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", type=Path, help="where to save the run (var/bench/<label>.json)")
    parser.add_argument("--compare", type=Path, help="an earlier run's JSON, shown first")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--report", nargs="+", type=Path, help="only write the doc from runs")
    args = parser.parse_args()

    from bench.report import write

    if args.report:
        runs = [json.loads(p.read_text()) for p in args.report]
    else:
        run = measure(args)
        out = args.json or ROOT / "var" / "bench" / f"{args.label.replace(' ', '-')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(run, indent=1, ensure_ascii=False))
        sys.stderr.write(f"bench: run saved to {out}\n")
        runs = ([json.loads(args.compare.read_text())] if args.compare else []) + [run]
    problems = write(runs, args.output)
    for problem in problems:
        sys.stderr.write(f"bench: {problem}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
