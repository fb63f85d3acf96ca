"""Import of the office's partner spreadsheet (CSV or XLSX) and export of lists.

The import is two-step and all-or-nothing: :func:`plan_import` reads every row, names each bad
row with its reason and describes what would be created or changed, touching nothing;
:func:`apply_import` re-plans the same bytes and, only when no row is bad, applies the plan in one
transaction through the services. Rows that match the database produce no change, so importing the
same file twice changes nothing.

Columns (one row per organisation and contact person; an organisation may span several rows):
see ``COLUMNS`` and docs/examples/partners-import.csv.
"""

from __future__ import annotations

from partners.importing.applying import apply_import
from partners.importing.exporting import to_csv, to_xlsx
from partners.importing.plan import (
    COLUMNS,
    ORG_FIELDS,
    REQUIRED,
    ROLE_CODES,
    ImportPlan,
    OrganisationPlan,
    RowError,
)
from partners.importing.planning import plan_import
from partners.importing.reading import ImportFileError, read_rows

__all__ = [
    "COLUMNS",
    "ORG_FIELDS",
    "REQUIRED",
    "ROLE_CODES",
    "ImportFileError",
    "ImportPlan",
    "OrganisationPlan",
    "RowError",
    "apply_import",
    "plan_import",
    "read_rows",
    "to_csv",
    "to_xlsx",
]
