"""`python -m bench.profile SCENARIO [--match TEXT] [--top N]`: where a benchmarked page spends its time.

Runs the scenario's own seeding on a throw-away database exactly as `python -m bench` does, but
instead of timing each page it profiles repeated requests with cProfile and prints the heaviest
functions by cumulative and by own time. A tool for making pages faster, not a benchmark.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
from typing import Any

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.harness import Row  # noqa: E402
from bench.scenarios import SCENARIOS, Context  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=list(SCENARIOS))
    parser.add_argument("--match", default="", help="profile only pages whose name contains this")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    module_name, _, function = SCENARIOS[args.scenario].partition(":")
    module = importlib.import_module(module_name)
    recorded: list[dict[str, Any]] = []

    def record(client: Client, url: str, **kwargs: Any) -> Row:
        recorded.append({"client": client, "url": url, **kwargs})
        return Row(kwargs["section"], kwargs["name"], kwargs["scale"], 0.0, 0.0)

    module.measure_view = record  # the scenario seeds, then hands us each page instead of timing it
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        ctx = Context(scale=args.scale, client=Client())
        ctx.prepare()
        getattr(module, function or "run")(ctx)
        for page in recorded:
            if args.match not in page["name"]:
                continue
            call = getattr(page["client"], page.get("method", "GET").lower())
            data = page.get("data")

            def request(call: Any = call, url: str = page["url"], data: Any = data) -> Any:
                return call(url, data) if data is not None else call(url)

            for _ in range(3):
                request()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                request()
            profiler.disable()
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                print(f"===== {page['name']} ({page['url']}), by {order}, {args.repeat} requests")
                print(out.getvalue())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
