"""docs/benchmarks.md as `make bench` writes it: the runs side by side, budgets marked, and the
hand-written notes and the load test's section kept across reruns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import write


def _run(label: str, p95: float) -> dict[str, Any]:
    return {
        "label": label,
        "tree": "/work/main",
        "commit": "abc1234",
        "uncommitted_files": 0,
        "date": "2026-12-06 14:00 UTC",
        "machine": "vm, 2 cores",
        "database": "postgresql 150020",
        "cache": "TolerantRedisCache",
        "load_before": [0.5, 0.4, 0.3],
        "load_after": [1.0, 0.9, 0.8],
        "scale": 10,
        "repeat": 30,
        "counts": {"partners.Organisation": 552},
        "refreshed": [],
        "seed_seconds": 60.0,
        "total_seconds": 600.0,
        "pages": [
            {
                "name": "partners:organisation_list",
                "role": "office",
                "url": "/partners/",
                "budget_ms": 150,
                "queries_1x": 7,
                "queries": 7,
                "status_1x": 200,
                "status": 200,
                "content_type": "text/html",
                "n": 30,
                "repeat": 30,
                "p50_ms": p95 / 2,
                "p95_ms": p95,
            }
        ],
        "skipped": [],
    }


def test_reruns_keep_the_notes_and_the_load_section_and_mark_budgets(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    output.write_text(
        "# old\n<!-- notes:start -->\n## Notes\n- a hand-written note\n<!-- notes:end -->\n"
        "old table\n<!-- load:start -->\n## Load\nload numbers\n<!-- load:end -->\n",
        encoding="utf-8",
    )
    problems = write([_run("before", 212.0), _run("after", 61.0)], output)
    text = output.read_text(encoding="utf-8")
    assert problems == []  # the last run is within budget
    assert "old table" not in text
    assert text.count("- a hand-written note") == 1
    assert text.index("## Runs") < text.index("a hand-written note") < text.index("## Pages")
    assert text.rstrip().endswith("load numbers\n<!-- load:end -->")
    row = next(line for line in text.splitlines() if line.startswith("| partners:"))
    assert "| 106 / 212 | **not met** | 30 / 61 | met |" in row
    assert write([_run("after", 151.0)], output) == [
        "partners:organisation_list (office) p95 151.0 ms > 150 ms"
    ]
