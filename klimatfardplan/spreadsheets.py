"""Cells for CSV and XLSX exports, shared by every app that exports."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a cell: text that would run as a formula is prefixed with ' so it stays text;
    lazy translations become plain strings (openpyxl accepts only real types)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
