"""Export of a round's responses as CSV or XLSX, long (one row per answer) or wide (one row per
organisation, one column per field). Numbers are written as exact decimal strings in CSV and as
numbers in XLSX; "ej rapporterat" is its own column/marker, never a 0."""

from __future__ import annotations

import io

import pandas as pd

from klimatfardplan.spreadsheets import safe_cell
from surveys.models import Answer, SurveyRound


def long_frame(survey_round: SurveyRound) -> pd.DataFrame:
    rows = Answer.objects.filter(response__round=survey_round).values_list(
        "response__organisation__name",
        "response__organisation__organisation_number",
        "response__state",
        "question__section",
        "question__key",
        "field_name",
        "year",
        "challenge__number",
        "question__unit",
        "value",
        "choice",
        "raw",
        "not_reported",
        "comment",
    )
    columns = [
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
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    for column in ("organisation", "choice", "text", "comment"):
        frame[column] = frame[column].map(safe_cell)
    # Numbers stay Decimal (object dtype) so nothing is rounded through float on the way out.
    frame = frame.sort_values(["organisation", "section", "field"], kind="stable")
    return frame.reset_index(drop=True)


def wide_frame(survey_round: SurveyRound) -> pd.DataFrame:
    long = long_frame(survey_round)
    if long.empty:
        return pd.DataFrame(columns=["organisation", "organisation_number", "state"])
    cell = long["value"].astype(object).where(long["value"].notna(), long["choice"])
    cell = cell.where(cell.notna() & (cell != ""), long["text"])
    cell = cell.where(~long["not_reported"], "ej rapporterat")
    long = long.assign(cell=cell)
    wide = long.pivot_table(
        index=["organisation", "organisation_number", "state"],
        columns="field",
        values="cell",
        aggfunc="first",
    )
    return wide.reset_index()


def export_round(survey_round: SurveyRound, *, layout: str, file_format: str) -> tuple[bytes, str]:
    frame = wide_frame(survey_round) if layout == "wide" else long_frame(survey_round)
    if file_format == "xlsx":
        buffer = io.BytesIO()
        excel = frame.copy()
        for column in excel.columns:
            excel[column] = excel[column].map(
                lambda v: float(v) if hasattr(v, "as_tuple") else v
            )  # XLSX stores numbers as doubles anyway; the CSV keeps the exact decimals
        excel.to_excel(buffer, index=False, sheet_name="svar", engine="openpyxl")
        return (
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return frame.to_csv(index=False).encode("utf-8-sig"), "text/csv; charset=utf-8"
