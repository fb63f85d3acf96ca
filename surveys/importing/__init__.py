"""Import of a round's answers from its *long* export (CSV or XLSX), for the office.

Last years' figures live in spreadsheets; the office exports a round (``exports.long_frame``:
one row per answer), or writes the empty template (:func:`template_rows`), fills it in and
imports it back. The import is two-step and all-or-nothing:

* :func:`plan_import` reads every row, names each bad row with its number (the header is row 1)
  and its reason, and compares the rest with the stored answers: what would be new, changed or
  left alone, per organisation. It writes nothing.
* :func:`import_long` plans the same bytes inside one transaction and, only when no row is bad,
  writes the new and changed answers through :func:`surveys.services.save_answers` (the form's
  path: the same validation, answer versions, audit trail and "saved" event), then, with
  ``approve=True``, approves the organisations' responses through
  :func:`surveys.services.approve_response` (which schedules the indicators' recompute).

Columns (as the long export writes them): ``organisation;organisation_number;state;section;key;
field;year;challenge;unit;value;choice;text;not_reported;comment``. Organisations are matched
by ``organisation_number``; an answer by ``field`` (or, when that is blank, by ``key``, ``year``
and ``challenge``). ``organisation``, ``state``, ``section`` and ``unit`` are for the reader and
are not imported. CSV with ``;`` or ``,``, UTF-8 with or without BOM, decimal comma or point.

Rules that make the import safe to repeat and safe on a sparse sheet:

* a row with no value, choice, text, comment or "not reported" is skipped (a blank cell never
  erases a stored answer);
* a number equal to the stored one is unchanged whatever way it is written (``1234,5`` and
  ``1234.500``), so importing the same file twice changes nothing: no new versions, no events;
* an organisation's submitted or approved response is reopened (without e-mail: this is the
  office's own change, logged as an event) only when one of its answers changes.
"""

from __future__ import annotations

from surveys.importing.applying import import_long
from surveys.importing.planning import plan_import
from surveys.importing.reading import COLUMNS, XLSX_TYPE, ImportFileError, read_content, read_rows
from surveys.importing.results import FieldChange, ImportResult, OrganisationPlan, RowError
from surveys.importing.templates import ensure_round, file_years, template_rows, write_template

__all__ = [
    "COLUMNS",
    "XLSX_TYPE",
    "FieldChange",
    "ImportFileError",
    "ImportResult",
    "OrganisationPlan",
    "RowError",
    "ensure_round",
    "file_years",
    "import_long",
    "plan_import",
    "read_content",
    "read_rows",
    "template_rows",
    "write_template",
]
