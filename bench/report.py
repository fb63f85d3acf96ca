"""docs/benchmarks.md from one or more saved runs of ``python -m bench``, side by side.

The load test's section (between ``<!-- load:start -->`` and ``<!-- load:end -->``, written by
load/check.py) is kept as it is, and so are the engineers' notes on the runs (between
``<!-- notes:start -->`` and ``<!-- notes:end -->``), shown after the runs' summary.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

START, END = "<!-- load:start -->", "<!-- load:end -->"
NOTES_START, NOTES_END = "<!-- notes:start -->", "<!-- notes:end -->"


def _kept(previous: str, start: str, end: str) -> str | None:
    """The block between the two markers (markers included) of the previous document."""
    first, last = previous.find(start), previous.find(end)
    return previous[first : last + len(end)] if 0 <= first < last else None


def _keyed(run: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Rows by (pattern, role, n-th URL of that pattern and role): ids differ between trees."""
    seen: defaultdict[tuple[str, str], int] = defaultdict(int)
    out = {}
    for row in run["pages"]:
        pair = (row["name"], row["role"])
        out[(*pair, seen[pair])] = row
        seen[pair] += 1
    return out


def _grows(row: dict[str, Any]) -> bool:
    """More queries at 10× than at 1× for the same answer (a later page may not exist at 1×)."""
    return bool(row["queries"] > row["queries_1x"] and row.get("status_1x") == row.get("status"))


def _is_page(row: dict[str, Any]) -> bool:
    return row.get("content_type", "text/html") == "text/html"


def _met(row: dict[str, Any] | None) -> str:
    if row is None:
        return "–"
    if "error" in row:
        return f"**{row['error']}**"
    if "p95_ms" not in row:
        return "–"
    return "met" if row["p95_ms"] <= row["budget_ms"] else "**not met**"


def _cells(row: dict[str, Any] | None) -> tuple[list[str], str]:
    """([p50 / p95, met], SQL 1× → 10×) of one run's row."""
    if row is None:
        return ["–", "–"], "–"
    queries = f"{row['queries_1x']} → {row['queries']}" + (" **↑**" if _grows(row) else "")
    if row.get("status_1x") != row.get("status"):
        queries += f" (1×: HTTP {row.get('status_1x')})"
    status = row.get("status", 200)
    odd = f" (HTTP {status})" if status >= 400 else ""
    few = f" (n={row['n']})" if row.get("n", 0) < row.get("repeat", row.get("n", 0)) else ""
    times = f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f}{few}{odd}" if "p95_ms" in row else odd
    return [times, _met(row)], queries


def _page(name: str, row: dict[str, Any]) -> str:
    query = row["url"].partition("?")[2]
    if not query:
        return name
    return f"{name} `?{query if len(query) < 40 else query[:37] + '…'}`"


def _table(runs: list[dict[str, Any]], pages: bool) -> list[str]:
    keyed = [_keyed(r) for r in runs]
    keys: list[tuple[str, str, int]] = []
    for k in keyed:
        keys += [key for key in k if key not in keys]
    labels = [r["label"] for r in runs]
    head = "| page | role | budget p95 |"
    head += "".join(f" {label} p50 / p95 ms | {label} |" for label in labels)
    head += "".join(
        f" SQL {label} 1× → {r['scale']}× |" for label, r in zip(labels, runs, strict=True)
    )
    rule = "|---|---|---:|" + "---:|---|" * len(runs) + "---:|" * len(runs)
    lines = [head, rule]
    for key in keys:
        rows = [k.get(key) for k in keyed]
        last = next(r for r in reversed(rows) if r is not None)
        if _is_page(last) != pages:
            continue
        cells = [_cells(row) for row in rows]
        line = f"| {_page(key[0], last)} | {key[1]} | {last['budget_ms']} |"
        line += "".join(" " + " | ".join(c[0]) + " |" for c in cells)
        line += "".join(f" {c[1]} |" for c in cells)
        lines.append(line)
    return lines


def _summary(run: dict[str, Any]) -> str:
    rows = [r for r in run["pages"] if _is_page(r)]
    met = sum(1 for r in rows if _met(r) == "met")
    grows = sum(1 for r in run["pages"] if _grows(r))
    return (
        f"**{run['label']}**: {met} of {len(rows)} pages within budget; "
        f"query count growing with the rows: {grows} of {len(run['pages'])} requests"
    )


def _header(last: dict[str, Any]) -> list[str]:
    """The document's introduction (budgets, method) and the head of the runs table."""
    return [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`, see bench/__main__.py). Budgets (issue 19, "
        "point 5): **p95 ≤ 150 ms** server time for every page, **≤ 300 ms** for the dashboard "
        "and the follow-up page, at **ten times the real size**, on PostgreSQL. The earlier "
        "targets as ratios to a minimal view are withdrawn.",
        "",
        "How: one process per run, on its own database (created and dropped). It builds the "
        "access matrix's world (tests/access_world.py: a sample object of every kind for the "
        "detail pages), then bulk-creates the real size once (1×: 55 organisations with 3 "
        "contacts and 6 commitments each, 200 activities with 5 milestones, 50 meetings, 200 "
        "space posts, 5 survey years with every organisation's answers) and counts each page's "
        "SQL queries; grows the data to 10× and counts again; then times every page "
        f"{last['repeat']} times after 2 warm-up requests (a page slower than 1 s: 5 times, "
        "marked n=5), all pages interleaved in a new "
        "random order each round (this 2-core machine is shared and noisy: a burst falls on "
        "every page alike). Server time is the Django test client's request through the whole "
        "middleware stack (sessions, TOTP, security headers, audit), DEBUG off, cached "
        "templates, signed in as the role named. The page list comes from the URL "
        "configuration and tests/access_matrix.toml of the tree under test: every pattern a "
        "signed-in role may open with GET, as the first of office, strategic group, partner "
        "contact that may, and again as a partner contact when one may; a few searches, "
        "filters and later pages of the long lists are added. Patterns left out are listed "
        "at the end with the reason.",
        "",
        "SQL `a → b`: queries of one request at 1× and at 10×; **↑** marks a count that grows "
        "with the rows (to fix; the budget on query counts is asserted in the apps' tests with "
        "`django_assert_max_num_queries`, not here).",
        "",
        "## Runs",
        "",
        "| run | tree | commit | date | machine | load avg before → after | data at "
        f"{last['scale']}× | seeding | whole run | cache |",
        "|---|---|---|---|---|---|---|---:|---:|---|",
    ]


def write(runs: list[dict[str, Any]], output: Path) -> list[str]:
    """Write the document; return the problems (budgets not met, errors) of the last run."""
    last = runs[-1]
    lines = _header(last)
    for run in runs:
        counts = ", ".join(f"{n:,} {label.split('.')[1]}" for label, n in run["counts"].items())
        dirty = (
            f" + {run['uncommitted_files']} uncommitted files" if run["uncommitted_files"] else ""
        )
        lines.append(
            f"| {run['label']} | `{run['tree']}` | {run['commit']}{dirty} | {run['date']} | "
            f"{run['machine']}, {run['database']} | {run['load_before']} → {run['load_after']} | "
            f"{counts} | {run['seed_seconds']:.0f} s | {run['total_seconds']:.0f} s | "
            f"{run['cache']} |"
        )
    lines += ["", *(f"- {_summary(run)}" for run in runs), ""]
    lines += [
        "Seeding goes through the models' `bulk_create` (so the audit trail records every row, "
        "as it does for any bulk write) and then calls, once, the services that keep derived "
        "values if the tree still has them: "
        + "; ".join(f"{run['label']}: {', '.join(run['refreshed']) or 'none'}" for run in runs)
        + ". Seeding time is mostly those audit rows and the 110,000 survey answers; the "
        "machine's load average (other engineers' test suites on the same 2 cores) multiplies "
        "every figure here.",
        "",
    ]
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    if notes := _kept(previous, NOTES_START, NOTES_END):
        lines += [notes, ""]
    lines += ["## Pages (HTML)", "", *_table(runs, pages=True), ""]
    lines += [
        "## Downloads and files (not HTML)",
        "",
        "Exports, PDFs, attachments and the calendar feed, held to the same budget. The gallery "
        "PDF is requested with two cards (`?ids=…`): without ids it renders up to 300 cards "
        "(WeasyPrint, about a second a card on this machine), a batch job's size rather than a "
        "page's.",
        "",
        *_table(runs, pages=False),
        "",
    ]
    lines += ["## Query counts that grow with the rows", ""]
    for run in runs:
        grows = [r for r in run["pages"] if _grows(r)]
        lines.append(
            f"- **{run['label']}**: "
            + (
                "; ".join(
                    f"{r['name']} ({r['role']}) {r['queries_1x']} → {r['queries']}" for r in grows
                )
                or "none"
            )
        )
    lines += ["", "## Left out", ""]
    lines += [f"- `{name}`: {why}" for name, why in last["skipped"]]
    lines.append("")
    if len(runs) == 1:
        lines.insert(
            lines.index("## Runs"),
            'Run `make bench BENCH_ARGS="--compare var/bench/before.json"` to show an earlier '
            "run beside this one.\n",
        )
    text = "\n".join(lines)
    if load := _kept(previous, START, END):
        text += "\n" + load + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    problems = [
        f"{r['name']} ({r['role']}) p95 {r['p95_ms']} ms > {r['budget_ms']} ms"
        for r in last["pages"]
        if "p95_ms" in r and r["p95_ms"] > r["budget_ms"]
    ]
    problems += [f"{r['name']} ({r['role']}) {r['error']}" for r in last["pages"] if "error" in r]
    return problems
