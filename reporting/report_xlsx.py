"""The XLSX of a report: the data behind it, one sheet per table, in the job's language.

Reads the snapshot's JSON only. Every cell passes :func:`safe_cell` (no formula injection from
organisation names or free text).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from klimatfardplan.spreadsheets import safe_cell
from reporting.report_context import SUM_KEYS, likert_labels, pick
from reporting.xlsx import Workbook

Sheet = Callable[[str, list[str], list[list[Any]]], None]
Rows = list[dict[str, Any]]


def build_xlsx(data: dict[str, Any], *, kind: str, organisation_id: int | None = None) -> bytes:
    language = translation.get_language() or "sv"
    workbook = Workbook(created=datetime.fromisoformat(data["taken_at"]).replace(tzinfo=None))

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        workbook.add_sheet(str(title), [header, *([safe_cell(v) for v in row] for row in rows)])

    figures = data["partnership"]["key_figures"]
    sheet(
        _("Nyckeltal"),
        [_("Nyckeltal"), _("Värde")],
        [
            [_("År"), data["year"]],
            [_("Organisationer"), figures["organisations"]],
            [_("Åtaganden"), figures["commitments"]],
            [_("Aktiviteter"), figures["activities"]],
            [_("Genomförda möten"), figures["meetings_held"]],
        ],
    )
    if kind == "partnership":
        activities, meetings = _partnership_sheets(sheet, data["partnership"], language)
    else:
        org = data["organisations"][str(organisation_id)]
        activities, meetings = _organisation_sheets(sheet, data["partnership"], org, language)
    sheet(
        _("Aktiviteter"),
        [_("Aktivitet"), _("Status"), _("Start"), _("Slut")],
        [[a["title"], a["lifecycle"], a["start_date"], a["end_date"]] for a in activities],
    )
    sheet(
        _("Möten"),
        [_("Datum"), _("Möte"), _("Organisationer")],
        [[m["date"], m["title"], m["organisations"]] for m in meetings],
    )
    return workbook.save()


def _emission_rows(partnership: dict[str, Any], language: str) -> list[list[Any]]:
    partnership_figures = partnership.get("figures", {})
    rows = list(partnership_figures.get("headline", []))
    rows += [entry[key] for entry in partnership_figures.get("sums", []) for key in SUM_KEYS]
    return [
        [
            r["key"],
            pick(r["label"], language),
            r["year"],
            r["value"],
            r["unit"],
            r["scopes"],
            r["scope2_method"],
            r["n"],
            r["n_partners"],
            pick(r["note"], language),
        ]
        for r in rows
    ]


def _partnership_sheets(
    sheet: Sheet, partnership: dict[str, Any], language: str
) -> tuple[Rows, Rows]:
    """The partnership report's own sheets; returns its activities and meetings."""
    sheet(
        _("Utsläpp"),
        [
            _("Nyckel"),
            _("Mått"),
            _("År"),
            _("Värde"),
            _("Enhet"),
            _("Scope"),
            _("Scope 2-metod"),
            _("Antal som ingår"),
            _("Antal partner"),
            _("Anmärkning"),
        ],
        _emission_rows(partnership, language),
    )
    sheet(
        _("Indikatorer"),
        [_("Indikator"), _("Enhet"), _("Värde"), _("Målvärde"), _("Status")],
        [
            [
                pick(i["name"], language),
                pick(i.get("unit", ""), language),
                i.get("value"),
                i.get("target"),
                i.get("status", ""),
            ]
            for i in partnership.get("indicators", [])
        ],
    )
    sheet(
        _("Förutsättningsmål"),
        [_("Fråga"), "n", *likert_labels(), _("Andel instämmer (%)"), _("Median")],
        [
            [
                pick(r["question"], language),
                r.get("n"),
                *[r.get(f"p{p}") for p in range(1, 6)],
                r.get("top2"),
                r.get("median"),
            ]
            for r in partnership.get("enabling", [])
        ],
    )
    sheet(
        _("Åtaganden"),
        [_("Utmaning"), _("Namn"), _("Fokusområde"), _("Organisationer")],
        [
            [
                c["number"],
                pick(c["name"], language),
                pick(c["focus_area"], language),
                c["organisations"],
            ]
            for c in partnership["commitments"]["per_challenge"]
        ],
    )
    return list(partnership["activities"]["highlights"]), partnership["meetings"]


def _organisation_sheets(
    sheet: Sheet, partnership: dict[str, Any], org: dict[str, Any], language: str
) -> tuple[Rows, Rows]:
    """An organisation report's own sheets; returns its activities and meetings."""
    sheet(
        _("Utsläpp"),
        [
            _("År"),
            _("Scope 1"),
            _("Scope 2 platsbaserad"),
            _("Scope 2 marknadsbaserad"),
            _("Scope 3 (beräknade kategorier)"),
            _("Totalt"),
            _("Scope i totalen"),
            _("Scope 1 + 2 mot 20 %-banan"),
            _("20 %-banan"),
        ],
        [
            [
                f["year"],
                f.get("scope1"),
                f.get("scope2_location"),
                f.get("scope2_market"),
                f.get("scope3"),
                f.get("total"),
                f.get("total_scopes"),
                f.get("path_emissions"),
                f.get("path_target"),
            ]
            for f in org.get("figures", {}).get("series", [])
        ],
    )
    sheet(
        _("Åtaganden"),
        [_("Utmaning"), _("Namn"), _("Plan")],
        [
            [c["number"], pick(c["name"], language), c.get("plan", "")]
            for c in org.get("commitments", [])
        ],
    )
    sheet(
        _("Förutsättningsmål"),
        [_("Fråga"), _("Ert svar"), _("Andel instämmer i partnerskapet (%)")],
        [
            [
                pick(r["question"], language),
                {a["key"]: a.get("value") for a in org.get("enabling", [])}.get(r["key"]),
                r.get("top2"),
            ]
            for r in partnership.get("enabling", [])
        ],
    )
    return org.get("activities", []), org.get("meetings", {}).get("attended", [])
