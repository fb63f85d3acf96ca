"""Reading an import file (CSV or XLSX) into rows of text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from surveys.models import Question

COLUMNS = [
    "organisation",
    "organisation_number",
    "state",
    "section",
    "key",
    "field",
    "year",
    "challenge",
    "unit",
    "value",
    "choice",
    "text",
    "not_reported",
    "comment",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TRUE = {"true", "1", "ja", "yes", "x", "sant"}
_FALSE = {"", "false", "0", "nej", "no", "falskt"}
_CHOICE_KINDS = {
    Question.Kind.CHOICE,
    Question.Kind.LIKERT,
    Question.Kind.ORGANISATION,
    Question.Kind.MULTI,
}
_APOSTROPHE_PREFIXES = tuple("'" + p for p in ("=", "+", "-", "@", "\t", "\r"))


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, missing columns)."""


# --- reading ----------------------------------------------------------------------------------


def read_content(file_obj: Any) -> tuple[bytes, str]:
    """The bytes and name of ``file_obj``: bytes, a path, or an open binary file (an upload)."""
    if isinstance(file_obj, bytes | bytearray):
        return bytes(file_obj), ""
    if isinstance(file_obj, str | Path):
        path = Path(file_obj)
        return path.read_bytes(), path.name
    handle: IO[bytes] = file_obj
    if hasattr(handle, "seek"):
        handle.seek(0)
    content: Any = handle.read()
    if isinstance(content, str):  # a text-mode file: the CSV as typed
        content = content.encode("utf-8")
    return content, str(getattr(handle, "name", "") or "")


def read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number, cells by column name) of every data row; the header is row 1. XLSX is
    recognised by its content (a zip), anything else is read as CSV."""
    rows = _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    (_first, header_cells), data = rows[0], rows[1:]
    header = [str(c or "").strip().lower().lstrip("\ufeff") for c in header_cells]
    if "organisation_number" not in header or not {"field", "key"} & set(header):
        raise ImportFileError(
            _(
                "Första raden ska vara rubrikerna i den långa exporten (minst organisation_number "
                "och field eller key)."
            )
        )
    return [
        (number, {header[i]: cell for i, cell in enumerate(cells) if i < len(header)})
        for number, cells in data
    ]


def _csv_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    first_line = text.split("\n", 1)[0]
    # The header names hold no separators, so its line says which one the file uses.
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    line = 1
    for cells in reader:
        rows.append((line, list(cells)))
        line = reader.line_num + 1  # a quoted cell may span lines: the next row starts after it
    return rows


def _xlsx_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFile…)
        raise ImportFileError(_("Filen går inte att läsa som XLSX.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, list(cells))
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _text(cell: Any) -> str:
    """A cell as text: numbers as plain decimals (never ``1e+16`` or ``2023.0``), dates as ISO,
    and the apostrophe an export puts before formula-like text (``'-5``) removed."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if cell != cell:  # NaN: an empty numeric cell
            return ""
        number = Decimal(repr(cell))  # the shortest text that reads back as the same float
        if number == number.to_integral_value():
            number = number.normalize()
        return f"{number:f}"
    if isinstance(cell, int | Decimal):
        return f"{cell:f}" if isinstance(cell, Decimal) else str(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    if text.startswith(_APOSTROPHE_PREFIXES):
        text = text[1:]
    return text


def _whole_number(text: str) -> int | None:
    """``2023``, ``2023.0`` or ``2023,0`` → 2023; anything else None."""
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
