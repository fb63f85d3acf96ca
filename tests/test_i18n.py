"""The translation catalogues are current: every UI string in the code is in locale/en and
translated, so an English-speaking user never meets untranslated Swedish."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _entries(po: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy) for the entries of a .po file (plural forms: the first msgstr)."""
    found = {}
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'(?m)^msgid ((?:".*"\n?)+)', block)
        msgstr = re.search(r'(?m)^msgstr(?:\[0\])? ((?:".*"\n?)+)', block)
        if not msgid or not msgstr:
            continue
        key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if key:
            found[key] = ("".join(re.findall(r'"(.*)"', msgstr.group(1))), "#, fuzzy" in block)
    return found


def test_english_catalogue_is_current_and_complete(tmp_path: Path) -> None:
    assert shutil.which("xgettext"), "gettext is needed (make installs it)"
    # makemessages writes into every locale/ folder it finds under the working directory, so it
    # runs on a copy of the source tree and the committed catalogue is never touched.
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv",
            "node_modules",
            "var",
            ".git",
            "*.mo",
            "__pycache__",
            ".mypy_cache",
            ".ruff_cache",
            ".pytest_cache",
            ".hypothesis",
            "static",
            "docs",
        ),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "klimatfardplan.settings"}
    env["VAR_DIR"] = str(tmp_path / "var")
    for name in ("DATABASE_URL", "LOCALE_DIR"):
        env.pop(name, None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            # The chart component's SVG template carries translated text too.
            "-e",
            "html,txt,py,svg",
            "--ignore=bench",
            "-v0",
        ],
        cwd=tree,
        check=True,
        env=env,
        timeout=300,
    )
    extracted = _entries(tree / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = _entries(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(extracted) - set(committed))
    untranslated = sorted(
        k for k, (v, fuzzy) in committed.items() if k in extracted and (not v or fuzzy)
    )
    assert not missing, (
        f"{len(missing)} strings not in locale/en (run make makemessages): {missing[:10]}"
    )
    assert not untranslated, (
        f"{len(untranslated)} strings untranslated in locale/en: {untranslated[:10]}"
    )


# gettext(...) or _(...) called inside an f-string's braces.
_TRANSLATED_IN_F_STRING = re.compile(
    r"""\b[rR]?[fF][rR]?(['"]).*\{[^}]*\b(?:_|gettext|ngettext|pgettext|gettext_lazy)\("""
)


def test_no_text_is_translated_inside_an_f_string() -> None:
    """makemessages (xgettext) does not read inside f-strings: a text translated there never
    reaches the catalogue, so the test above cannot see it missing and English pages show
    Swedish. Translate into a variable first."""
    skipped = {".venv", "node_modules", "var", "static", ".git"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        if skipped.intersection(path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _TRANSLATED_IN_F_STRING.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders
