"""Copy the front-end assets that `npm ci` installed into static/vendor/ (served locally).

Only the files the pages use are copied, so nothing at run time reaches outside the app.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/css/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/js/bootstrap.bundle.min.js.map",
    "bootstrap/LICENSE": "bootstrap/LICENSE",
    "@fontsource/source-sans-3/LICENSE": "fonts/LICENSE",
}
FONT_DIR = "@fontsource/source-sans-3/files"
FONT_FILES = [
    f"source-sans-3-{subset}-{weight}-{style}.{ext}"
    for subset in ("latin", "latin-ext")
    for weight, style in (
        ("400", "normal"),
        ("400", "italic"),
        ("600", "normal"),
        ("700", "normal"),
    )
    for ext in ("woff2", "woff")
]


def main() -> int:
    missing = []
    for source, target in [
        *FILES.items(),
        *((f"{FONT_DIR}/{name}", f"fonts/{name}") for name in FONT_FILES),
    ]:
        src = MODULES / source
        if not src.exists():
            missing.append(source)
            continue
        dst = VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    if missing:
        sys.stderr.write("Missing front-end files (run `npm ci`): " + ", ".join(missing) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
