"""Reading an import file (CSV or XLSX) into rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

# --- reading ----------------------------------------------------------------------------------


class ImportFileError(ValueError):
    pass


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """The data rows as dicts keyed by column name (header row required)."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _normalise_header(cells: Sequence[Any]) -> list[str]:
    return [str(c or "").strip().lower() for c in cells]


def _read_csv(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    header = _normalise_header(rows[0])
    return [
        {header[i]: (cell or "").strip() for i, cell in enumerate(row) if i < len(header)}
        for row in rows[1:]
    ]


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise ImportFileError(_("Filen går inte att läsa som XLSX.")) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    header = _normalise_header(rows[0])

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    return [
        {header[i]: text(cell) for i, cell in enumerate(row) if i < len(header)}
        for row in rows[1:]
        if any(cell not in (None, "") for cell in row)
    ]
