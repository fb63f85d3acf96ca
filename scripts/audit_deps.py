"""Run pip-audit on the locked dependencies; fail on any known vulnerability.

pip-audit asks PyPI's JSON API for each package. Where that API is unreachable (our build machines
reach PyPI's package downloads but not its JSON API), every package comes back "not found", which
says nothing about vulnerabilities: we then say so loudly instead of reporting a pass, and do not
fail the build for it. A vulnerability that is found always fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    command = [
        str(ROOT / ".venv" / "bin" / "pip-audit"),
        "--requirement",
        str(ROOT / "requirements.lock"),
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stdout + result.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        sys.stdout.write(f"VULNERABLE {dep['name']} {dep['version']}: {ids}\n")
    sys.stdout.write(
        f"pip-audit: {audited} of {len(dependencies)} locked packages audited, "
        f"{len(vulnerable)} with known vulnerabilities.\n"
    )
    if skipped and audited == 0:
        sys.stdout.write(
            "pip-audit: WARNING: the vulnerability database was unreachable from this machine, "
            "so nothing could be audited; run `make audit` where PyPI's JSON API answers.\n"
        )
    elif skipped:
        names = ", ".join(d["name"] for d in skipped[:10])
        sys.stdout.write(f"pip-audit: not audited: {names}{' …' if len(skipped) > 10 else ''}\n")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    raise SystemExit(main())
