"""A small XLSX writer for the data behind a report: a few sheets of plain text and numbers.

openpyxl spends ~20 ms on a report's handful of small sheets (descriptor objects, a temporary file
per write-only sheet), about a tenth of rendering the PDF; the data is a few hundred cells, written
here directly as SpreadsheetML (ECMA-376 part 1, "strict enough" for Excel, LibreOffice and
openpyxl, which the tests read it with). Text is stored as inline strings, numbers as numbers,
``None`` as an empty cell. Callers pass cells through ``safe_cell`` (no live formulas).
The file is deterministic: the same data gives the same bytes (zip times and document dates come
from ``created``), so a job run twice stores an identical workbook.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold at all (openpyxl refuses them with IllegalCharacterError).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class Workbook:
    """Sheets appended in order; :meth:`save` returns the XLSX bytes."""

    def __init__(self, *, created: datetime) -> None:
        self.created = created
        self.sheets: list[tuple[str, list[list[Any]]]] = []

    def add_sheet(self, title: str, rows: list[list[Any]]) -> None:
        self.sheets.append((title[:31], rows))

    def _sheet_xml(self, rows: list[list[Any]]) -> str:
        body = []
        for number, row in enumerate(rows, start=1):
            cells = "".join(_cell(f"{_column(i)}{number}", v) for i, v in enumerate(row))
            body.append(f'<row r="{number}">{cells}</row>')
        return (
            f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'
        )

    def save(self) -> bytes:
        count = len(self.sheets)
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                + "".join(
                    f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
                    for n in range(1, count + 1)
                )
                + f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                "</Types>"
            ),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
                'Target="docProps/core.xml"/></Relationships>'
            ),
            "docProps/core.xml": (
                f"{_HEAD}<cp:coreProperties "
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>"
            ),
            "xl/workbook.xml": (
                f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                + "".join(
                    f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                    for n, (title, _rows) in enumerate(self.sheets, start=1)
                )
                + "</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
                + "".join(
                    f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, count + 1)
                )
                + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": _STYLES,
        }
        for n, (_title, rows) in enumerate(self.sheets, start=1):
            parts[f"xl/worksheets/sheet{n}.xml"] = self._sheet_xml(rows)
        buffer = io.BytesIO()
        when = self.created.timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                archive.writestr(zipfile.ZipInfo(name, when), text.encode(), zipfile.ZIP_DEFLATED)
        return buffer.getvalue()
