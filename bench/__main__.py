"""`python -m bench [--scale small|full] [--only NAME ...]`: run the benchmarks, write the table.

Each app's scenarios live in ``bench/scenarios/<app>.py`` with a ``run(ctx) -> list[Row]``.
The benchmark creates its own database (``test_…``), seeds it, measures and drops it again.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.harness import Row, percentile, time_request  # noqa: E402
from bench.scenarios import FULL_SCALE_ONLY, SCENARIOS, Context  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks.md"


def format_table(rows: list[Row]) -> str:
    lines = [
        "| section | measurement | scale | median ms | p95 ms | × minimal | SQL queries | target | met |",
        "|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        queries = "" if r.queries is None else str(r.queries)
        met = "" if r.ok is None else ("yes" if r.ok else "**no**")
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.section} | {r.name}{note} | {r.scale} | {r.median_ms:.1f} | {r.p95_ms:.1f} | "
            f"{ratio} | {queries} | {r.target} | {met} |"
        )
    return "\n".join(lines)


def run_scenario(name: str, module_path: str, scale: str) -> list[Row]:
    """One scenario on a fresh database, with its own measurement of the minimal view, so that
    scenarios never see each other's data and every ratio is taken within one run."""
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        ctx = Context(scale=scale, client=Client())
        ctx.prepare()
        baseline_times, baseline_queries = time_request(
            ctx.client, "GET", "/bench/minimal/", repeat=60
        )
        ctx.baseline_ms = statistics.median(baseline_times)
        baseline = Row(
            name,
            "minimal Django template view (the yardstick of this section)",
            "-",
            ctx.baseline_ms,
            percentile(baseline_times, 0.95),
            baseline_queries,
            1.0,
        )
        module_name, _, function = module_path.partition(":")
        scenario = getattr(importlib.import_module(module_name), function or "run")
        return [baseline, *scenario(ctx)]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--only", nargs="*", help="scenario names", default=None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    # No setup_test_environment(): it instruments template rendering so the test client can
    # copy every context, which would bill pages with many includes for test machinery.
    if args.child:
        # One scenario in this process (a fresh process per scenario: no shared state at all).
        found = run_scenario(args.child, SCENARIOS[args.child], args.scale)
        sys.stdout.write(json.dumps([dataclasses.asdict(r) for r in found]))
        return 0
    rows: list[Row] = []
    for name in SCENARIOS:
        if args.only and name not in args.only:
            continue
        if args.scale == "small" and name in FULL_SCALE_ONLY:
            continue
        sys.stderr.write(f"bench: {name} ...\n")
        child = subprocess.run(
            [sys.executable, "-m", "bench", "--scale", args.scale, "--child", name],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.stderr.write(child.stderr[-3000:])
            return child.returncode
        rows.extend(Row(**r) for r in json.loads(child.stdout))

    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, database {connection.vendor}, scale `{args.scale}`.\n\n"
        "Server-side time of requests through the full middleware stack (Django test client), "
        "median and p95 of repeated requests after warm-up; *× minimal* divides the median by "
        "that of a minimal Django template view through the same middleware, requested by the "
        "same signed-in client alternately with the page (its median is in the row's note; each "
        "section's first row times it alone). Numbers from this noisy 2-core machine only mean "
        "something as ratios within one run.\n\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # The load test (`make load`) writes its own section between markers: keep it.
    kept = ""
    if args.output.exists():
        previous = args.output.read_text(encoding="utf-8")
        start, end = previous.find("<!-- load:start -->"), previous.find("<!-- load:end -->")
        if 0 <= start < end:
            kept = "\n" + previous[start : end + len("<!-- load:end -->")] + "\n"
    args.output.write_text(header + format_table(rows) + "\n" + kept, encoding="utf-8")
    sys.stdout.write(format_table(rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
