"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Used when translating: `python scripts/po_fill.py locale/en/LC_MESSAGES/django.po words.json`.
Only single-line msgids without plural forms are filled; the rest stays for a human.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(?m)^msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""\n(?!")')


def fill(po_path: Path, translations: dict[str, str]) -> int:
    text = po_path.read_text(encoding="utf-8")
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        msgid = match.group(1)
        value = translations.get(msgid)
        if not value or not msgid or "\\" in msgid:
            return match.group(0)
        count += 1
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'msgid "{msgid}"\nmsgstr "{escaped}"\n'

    po_path.write_text(ENTRY.sub(replace, text), encoding="utf-8")
    return count


if __name__ == "__main__":
    path, words = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    sys.stdout.write(f"{fill(path, words)} entries filled\n")
