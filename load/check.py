"""After a load run: no errors, no lost survey saves, and the numbers into docs/benchmarks.md.

Reads Locust's CSV (var/load/locust_stats.csv) and the acknowledged saves the scenario wrote,
compares each partner's last acknowledged value with the database, and replaces the section
between <!-- load:start --> and <!-- load:end --> in docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings")

import django  # noqa: E402

django.setup()

from surveys.models import Answer  # noqa: E402

LIST_P95_MS = 500
DASHBOARD_P95_MS = 1000
SLOW_PAGES = {"dashboard", "follow-up"}  # held to the dashboard target
# Logging in hashes the password with Argon2 on purpose (slow by design): reported, no target.
LOGIN_PAGES = {"login form", "login", "2fa verify"}


def main() -> int:
    var = Path(os.environ["VAR_DIR"])
    users = json.loads((var / "users.json").read_text())
    acked: dict[str, str] = json.loads((var / "acked.json").read_text())
    rows = list(csv.DictReader((var / "locust_stats.csv").open()))
    by_user = {p["username"]: p for p in users["partners"]}
    lost = []
    for username, value in acked.items():
        partner = by_user[username]
        stored = (
            Answer.objects.filter(
                response__organisation_id=partner["organisation"], field_name=partner["field"]
            )
            .values_list("value", flat=True)
            .first()
        )
        if stored is None or Decimal(stored) != Decimal(value):
            lost.append(f"{username}: acknowledged {value}, database has {stored}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    duration = float(os.environ.get("KF_LOAD_SECONDS", "90"))
    lines = [
        "<!-- load:start -->",
        "## Load (Locust, issue 7)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores; "
        "generator, gunicorn (4 sync workers) and PostgreSQL on the same machine, 127.0.0.1). "
        f"{os.environ.get('KF_LOAD_USERS_N', '63')} users for {duration:.0f} s (logins included): 55 partners autosaving the "
        "survey near its deadline, 3 office staff browsing and editing, 5 of the strategic group on "
        "the dashboard. DEBUG off, database `kf_load`. Percentiles are of the steady state after all "
        "users had logged in (statistics reset then, so logins are not in the table). Machine load average when the run started: "
        f"{(var / 'loadavg_before').read_text().strip() if (var / 'loadavg_before').exists() else '?'} "
        "(other test suites share the 2 cores).",
        "",
        f"Requests: {total['Request Count']}, failures: {total['Failure Count']}, "
        f"held {float(total['Requests/s']):.1f} requests/s. Survey saves acknowledged: "
        f"{len(acked)} partners' last values, lost: {len(lost)}.",
        "",
        "| Page | Requests | Failures | p50 ms | p95 ms | p99 ms | Target p95 | Met |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    breaches = []
    for row in rows:
        if (
            row["Name"] == "Aggregated"
            or row["95%"] in ("N/A", "")
            or not int(row["Request Count"])
        ):
            continue  # the logins, counted before the statistics were reset
        target = DASHBOARD_P95_MS if row["Name"] in SLOW_PAGES else LIST_P95_MS
        p95 = float(row["95%"])
        if row["Name"] in LOGIN_PAGES:
            lines.append(
                f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | – | – |"
            )
            continue
        met = p95 <= target
        if not met:
            breaches.append(f"{row['Name']} p95 {p95:.0f} ms > {target} ms")
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {target} | {'yes' if met else 'NO'} |"
        )
    lines += ["", "Reproduce: `make load` (see load/run.sh).", "<!-- load:end -->"]
    section = "\n".join(lines)
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if "<!-- load:start -->" in text and "<!-- load:end -->" in text:
        head, rest = text.split("<!-- load:start -->", 1)
        _, tail = rest.split("<!-- load:end -->", 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text)
    print(section)  # noqa: T201
    problems = []
    if int(total["Failure Count"]):
        problems.append(f"{total['Failure Count']} failed requests")
    if lost:
        problems.append("lost saves: " + "; ".join(lost[:5]))
    if not acked:
        problems.append("no survey save was acknowledged at all")
    problems += breaches
    for problem in problems:
        print("LOAD PROBLEM:", problem)  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
