"""From a snapshot to the files of one report: template context, HTML, PDF and XLSX.

Everything here reads the snapshot's JSON only (never the live tables), in the job's language.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from klimatfardplan.spreadsheets import safe_cell
from reporting import charts
from reporting.pdf import render_html_to_document, render_html_to_pdf
from reporting.xlsx import Workbook

if TYPE_CHECKING:
    from reporting.models import ReportJob

PARTNERSHIP_TEMPLATE = "reporting/pdf/partnership_report.html"
ORGANISATION_TEMPLATE = "reporting/pdf/organisation_report.html"
SUM_KEYS = ("scope1_sum", "scope2_location_sum", "scope2_market_sum")


@dataclass
class BuiltReport:
    pdf: bytes
    xlsx: bytes
    pages: int
    html: str


def pick(value: Any, language: str) -> Any:
    """A bilingual ``{"sv": ..., "en": ...}`` value in ``language`` (Swedish as the fallback)."""
    if isinstance(value, dict) and "sv" in value:
        return value.get(language) or value["sv"]
    return value


def likert_labels() -> list[str]:
    return [
        _("Instämmer inte alls"),
        _("Instämmer i liten grad"),
        _("Instämmer delvis"),
        _("Instämmer i stor grad"),
        _("Instämmer helt"),
    ]


def _labels() -> dict[str, dict[str, str]]:
    from activities.models import Activity, Lifecycle, Meeting, Signal

    return {
        "lifecycle": {str(k): str(v) for k, v in Lifecycle.choices},
        "signal": {str(k): str(v) for k, v in Signal.choices},
        "activity_kind": {str(k): str(v) for k, v in Activity.Kind.choices},
        "meeting_kind": {str(k): str(v) for k, v in Meeting.Kind.choices},
    }


def _emissions_chart(
    points: list[dict[str, Any]], series: list[tuple[str, str, str, str]], *, title: str = ""
) -> str:
    """``series``: (label, key in points, dash, marker)."""
    return charts.line_chart(
        [
            charts.Series(label, [(p["year"], p.get(key)) for p in points], dash=dash, marker=mark)
            for label, key, dash, mark in series
        ],
        title=title or _("Utsläpp mot 20 %-banan"),
        unit=_("ton CO2e"),
    )


def _enabling_rows(
    rows: list[dict[str, Any]], language: str, own: dict[str, Any] | None = None
) -> list[charts.LikertRow]:
    return [
        charts.LikertRow(
            label=str(pick(row["question"], language)),
            shares=[row.get(f"p{point}") for point in range(1, 6)],
            n=row.get("n", 0),
            marker=(own or {}).get(row["key"]),
        )
        for row in rows
    ]


FRACTION = "fraction"
COUNT = "count"


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _scopes_label(scopes: str) -> str:
    return _("Scope %(scopes)s") % {"scopes": " + ".join(scopes.split("+"))} if scopes else ""


def figure_rows(rows: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """The snapshot's figures as the report writes them: the number (tonnes, or a fraction as
    a percentage), and next to it its scopes, scope 2 method, panel and coverage."""
    result = []
    for row in rows:
        is_fraction = row.get("unit") == FRACTION
        result.append(
            {
                **row,
                "label": pick(row.get("label", row["key"]), language),
                "note": pick(row.get("note", ""), language),
                "method": pick(row.get("method", ""), language),
                "scopes_label": _scopes_label(row.get("scopes", "")),
                "is_fraction": is_fraction,
                "is_count": row.get("unit") == COUNT,
                "percent": _percent(row.get("value")) if is_fraction else None,
                "who": _("panel %(base)s–%(year)s: %(n)s av %(total)s partner")
                % {
                    "base": row.get("base_year"),
                    "year": row.get("year"),
                    "n": row.get("n"),
                    "total": row.get("n_partners"),
                }
                if row.get("panel")
                else _("%(n)s av %(total)s partner")
                % {"n": row.get("n"), "total": row.get("n_partners")},
            }
        )
    return result


def organisation_figure_rows(
    figures_: dict[str, Any], language: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """An organisation's figures for the data year (with its path checks) and its series."""

    def shown(found: dict[str, Any]) -> dict[str, Any]:
        return {
            **found,
            "method": pick(found.get("method", ""), language),
            "total_scopes_label": _scopes_label(found.get("total_scopes", "")),
            "scope3_categories": [
                {
                    **c,
                    "name": pick(c["name"], language),
                    "status_label": pick(c["status_label"], language),
                }
                for c in found.get("scope3_categories", [])
            ],
            "checks": [
                {
                    **c,
                    "label": pick(c["label"], language),
                    "gap_percent": _percent(c.get("gap_pct")),
                    "average_percent": _percent(c.get("average_rate")),
                    "required_percent": _percent(c.get("required_rate")),
                }
                for c in found.get("checks", [])
            ],
        }

    current = figures_.get("current")
    return (shown(current) if current else None), [shown(f) for f in figures_.get("series", [])]


def partnership_context(data: dict[str, Any], language: str) -> dict[str, Any]:
    partnership = data["partnership"]
    labels = _labels()
    figures = partnership.get("figures", {})
    sums = [
        {
            "year": entry["year"],
            **{key: figure_rows([entry[key]], language)[0] for key in SUM_KEYS},
        }
        for entry in figures.get("sums", [])
    ]
    points = [
        {"year": entry["year"], **{key: entry[key]["value"] for key in SUM_KEYS}}
        for entry in figures.get("sums", [])
    ]
    commitments = partnership["commitments"]
    enabling = partnership.get("enabling", [])
    return {
        "data": data,
        "language": language,
        "year": data["year"],
        "title": data.get("title") or _("Årlig uppföljning %(year)s") % {"year": data["year"]},
        "period": data["period"],
        "rate_percent": round(data["period"]["rate"] * 100),
        "include": data["include"],
        "narrative": {k: mark_safe(v) for k, v in data["narrative"][language].items()},  # noqa: S308  # nh3-sanitised in the snapshot
        "key_figures": partnership["key_figures"],
        "figures": figures,
        "headline": figure_rows(figures.get("headline", []), language),
        "sums": sums,
        "scope3": [
            {**row, "name": pick(row["name"], language)} for row in figures.get("scope3", [])
        ],
        "method": pick(figures.get("method", ""), language),
        # Each scope its own line: scope 1 and scope 2 are never added across partners.
        "sums_chart": mark_safe(  # noqa: S308  # built by charts.py, which escapes all text
            _emissions_chart(
                points,
                [
                    (_("Scope 1"), "scope1_sum", "", "circle"),
                    (_("Scope 2 plats"), "scope2_location_sum", "8 4", "square"),
                    (_("Scope 2 marknad"), "scope2_market_sum", "2 3", "triangle"),
                ],
                title=_("Partnernas utsläpp per scope"),
            )
        )
        if any(p.get(key) is not None for p in points for key in SUM_KEYS)
        else "",
        "indicators": [
            {
                **row,
                "name": pick(row["name"], language),
                "status_label": {"met": _("Målet nått"), "not_met": _("Målet inte nått")}.get(
                    row.get("status", ""), ""
                ),
            }
            for row in partnership.get("indicators", [])
        ],
        "enabling_chart": mark_safe(  # noqa: S308  # charts.py escapes all text
            charts.likert_chart(
                _enabling_rows(enabling, language),
                title=_("Svar om förutsättningsmålet"),
                scale_labels=likert_labels(),
            )
        )
        if enabling
        else "",
        "enabling": enabling,
        "commitments_chart": mark_safe(  # noqa: S308  # charts.py escapes all text
            charts.bar_chart(
                [
                    (f"{c['number']}. {pick(c['name'], language)}", c["organisations"])
                    for c in commitments["per_challenge"]
                ],
                title=_("Organisationer per klimatutmaning"),
            )
        )
        if commitments["per_challenge"]
        else "",
        "commitments": commitments,
        "focus_areas": [
            {"name": pick(a["name"], language), "commitments": a["commitments"]}
            for a in commitments["per_focus_area"]
        ],
        "activities": partnership["activities"],
        "status_rows": [
            {"label": labels["lifecycle"].get(r["lifecycle"], r["lifecycle"]), "count": r["count"]}
            for r in partnership["activities"]["by_status"]
        ],
        "signal_rows": [
            {"label": labels["signal"].get(r["signal"], r["signal"]), "count": r["count"]}
            for r in partnership["activities"]["by_signal"]
        ],
        "highlights": [
            {**h, "lifecycle_label": labels["lifecycle"].get(h["lifecycle"], h["lifecycle"])}
            for h in partnership["activities"]["highlights"]
        ],
        "meetings": [
            {**m, "kind_label": labels["meeting_kind"].get(m["kind"], m["kind"])}
            for m in partnership["meetings"]
        ],
        "missing": data.get("missing", []),
    }


def organisation_context(
    data: dict[str, Any], organisation_id: int, language: str
) -> dict[str, Any]:
    org = data["organisations"][str(organisation_id)]
    context, labels = _shared_context(data, language)
    context = dict(context)
    scale = likert_labels()
    org_figures = org.get("figures", {})
    current, org_series = organisation_figure_rows(org_figures, language)
    method = (current or (org_series[-1] if org_series else {})).get("method", "")
    # Scope 1 + 2 of this one organisation (the period's scope 2 method) against the 20 % path;
    # its own target, on the scopes it covers, is a separate labelled check, never this line.
    points = [
        {"year": f["year"], "emissions": f.get("path_emissions"), "path": f.get("path_target")}
        for f in org_series
    ]
    own = {a["key"]: a.get("value") for a in org.get("enabling", [])}
    enabling = data["partnership"].get("enabling", [])
    series = [
        (_("Scope 1 + 2 (%(method)s)") % {"method": method}, "emissions", "", "circle"),
        (_("20 %-banan"), "path", "8 4", "square"),
    ]
    context.update(
        {
            "organisation": org,
            "title": _("%(name)s – uppföljning %(year)s")
            % {"name": org["name"], "year": data["year"]},
            "org_figures": current,
            "org_series": org_series,
            "org_data_year": org_figures.get("data_year", data["year"]),
            "org_base_year": org_figures.get("base_year"),
            "org_emissions_chart": mark_safe(_emissions_chart(points, series))  # noqa: S308  # charts.py escapes all text
            if any(p.get("emissions") is not None for p in points)
            else "",
            "org_commitments": [
                {
                    **c,
                    "name": pick(c["name"], language),
                    "focus_area": pick(c["focus_area"], language),
                }
                for c in org.get("commitments", [])
            ],
            "org_activities": [
                {
                    **a,
                    "lifecycle_label": labels["lifecycle"].get(a["lifecycle"], a["lifecycle"]),
                    "signal_label": labels["signal"].get(a["signal"], ""),
                }
                for a in org.get("activities", [])
            ],
            "org_meetings": [
                {**m, "kind_label": labels["meeting_kind"].get(m["kind"], m["kind"])}
                for m in org.get("meetings", {}).get("attended", [])
            ],
            "meetings_held": org.get("meetings", {}).get("held", 0),
            "org_enabling": [
                {
                    "question": pick(row["question"], language),
                    "own": own.get(row["key"]),
                    "own_label": scale[own[row["key"]] - 1]
                    if own.get(row["key"]) in (1, 2, 3, 4, 5)
                    else "",
                    "top2": row.get("top2"),
                }
                for row in enabling
            ],
            "org_enabling_chart": mark_safe(  # noqa: S308  # charts.py escapes all text
                charts.likert_chart(
                    _enabling_rows(enabling, language, own),
                    title=_("Ert svar bredvid partnerskapets fördelning"),
                    scale_labels=scale,
                    marker_label=_("Ert svar"),
                )
            )
            if enabling
            else "",
            "likert_labels": scale,
        }
    )
    return context


# A worker builds many reports from one frozen snapshot, and every organisation's report carries
# the same partnership part (key figures, highlights, narrative, labels): it is computed once per
# snapshot and language, not once per report. Keyed by the snapshot's data object itself (held
# here), so other data never gets another snapshot's context; snapshots are never changed.
_SHARED: dict[str, tuple[Any, dict[str, Any]]] = {"last": (None, {})}


def _shared_context(
    data: dict[str, Any], language: str
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The partnership's context and the choice labels, in the active ``language``."""
    cached, contexts = _SHARED["last"]  # one read: safe when threads build reports too
    if cached is not data:
        contexts = {}
        _SHARED["last"] = (data, contexts)
    if language not in contexts:
        contexts[language] = (partnership_context(data, language), _labels())
    result: tuple[dict[str, Any], dict[str, dict[str, str]]] = contexts[language]
    return result


def render_html(
    data: dict[str, Any], *, kind: str, language: str, organisation_id: int | None = None
) -> str:
    with translation.override(language):
        if kind == "partnership":
            return render_to_string(PARTNERSHIP_TEMPLATE, dict(_shared_context(data, language)[0]))
        assert organisation_id is not None  # noqa: S101  # the model's check constraint
        return render_to_string(
            ORGANISATION_TEMPLATE, organisation_context(data, organisation_id, language)
        )


# A worker builds many reports from one snapshot; snapshots never change, so the parsed JSON of
# the last one is kept (a 1,000-organisation snapshot is a few MB: parse it once, not per job).
# Keyed by id and creation time, so a database restored from a backup (ids reused) never serves
# another snapshot's figures.
_SNAPSHOT_CACHE: dict[tuple[int, str], dict[str, Any]] = {}


_WORKER = {"prepared": False}


def snapshot_data(snapshot_id: int) -> dict[str, Any]:
    from reporting.models import Snapshot

    created_at = Snapshot.objects.values_list("created_at", flat=True).get(pk=snapshot_id)
    key = (snapshot_id, created_at.isoformat())
    if key not in _SNAPSHOT_CACHE:
        _SNAPSHOT_CACHE.clear()
        _SNAPSHOT_CACHE[key] = Snapshot.objects.values_list("data", flat=True).get(pk=snapshot_id)
        if _WORKER["prepared"]:
            _freeze_long_lived()
    return _SNAPSHOT_CACHE[key]


def prepare_worker() -> None:
    """Ready a worker process before its first report (Celery's ``worker_process_init``).

    Loads WeasyPrint once (seconds), then takes everything loaded so far out of the
    cyclic garbage collector's walks, as :func:`snapshot_data` does with each snapshot a worker
    loads: a report's layout allocates enough objects to start a full collection every few
    reports, and each full collection would otherwise walk every long-lived object again (the
    modules, and ~100,000 objects per 1,000 organisations of snapshot), ~10 % of a report.
    Frozen objects are still freed by reference counting (a snapshot's JSON has no cycles).
    """
    render_html_to_pdf("<p>warm</p>")
    _WORKER["prepared"] = True
    _freeze_long_lived()


def _freeze_long_lived() -> None:
    gc.collect()
    gc.freeze()


def build(job: ReportJob) -> BuiltReport:
    return build_from_data(
        snapshot_data(job.snapshot_id),
        kind=job.kind,
        language=job.language,
        organisation_id=job.organisation_id,
    )


def build_from_data(
    data: dict[str, Any], *, kind: str, language: str, organisation_id: int | None = None
) -> BuiltReport:
    """The files of one report from a snapshot's data (no database access)."""
    html = render_html(data, kind=kind, language=language, organisation_id=organisation_id)
    pdf, pages = render_html_to_document(html)
    with translation.override(language):
        xlsx = build_xlsx(data, kind=kind, organisation_id=organisation_id)
    return BuiltReport(pdf=pdf, xlsx=xlsx, pages=pages, html=html)


# --- XLSX: the data behind a report -------------------------------------------------------------


def build_xlsx(data: dict[str, Any], *, kind: str, organisation_id: int | None = None) -> bytes:
    language = translation.get_language() or "sv"
    workbook = Workbook(created=datetime.fromisoformat(data["taken_at"]).replace(tzinfo=None))

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        workbook.add_sheet(str(title), [header, *([safe_cell(v) for v in row] for row in rows)])

    partnership = data["partnership"]
    figures = partnership["key_figures"]
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
        partnership_figures = partnership.get("figures", {})
        rows = list(partnership_figures.get("headline", []))
        rows += [entry[key] for entry in partnership_figures.get("sums", []) for key in SUM_KEYS]
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
            [
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
            ],
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
        activities = list(partnership["activities"]["highlights"])
        meetings = partnership["meetings"]
    else:
        org = data["organisations"][str(organisation_id)]
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
        activities = org.get("activities", [])
        meetings = org.get("meetings", {}).get("attended", [])
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
