"""A snapshot's JSON as report templates read it: labels in the job's language, numbers ready
to print, charts drawn. Reads the snapshot only (never the live tables); no database access.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reporting import charts

SUM_KEYS = ("scope1_sum", "scope2_location_sum", "scope2_market_sum")


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


def _partnership_emissions(figures: dict[str, Any], language: str) -> dict[str, Any]:
    """The emissions section: headline figures, the per-scope sums and their chart, scope 3."""
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
    return {
        "figures": figures,
        "headline": figure_rows(figures.get("headline", []), language),
        "sums": sums,
        "scope3": [
            {**row, "name": pick(row["name"], language)} for row in figures.get("scope3", [])
        ],
        "method": pick(figures.get("method", ""), language),
        # Each scope its own line: scope 1 and scope 2 are never added across partners.
        "sums_chart": charts.emissions_chart(
            points,
            [
                (_("Scope 1"), "scope1_sum", 0),
                (_("Scope 2 plats"), "scope2_location_sum", 1),
                (_("Scope 2 marknad"), "scope2_market_sum", 2),
            ],
            slug="partnership-scopes",
            title=_("Partnernas utsläpp per scope"),
        )
        if any(p.get(key) is not None for p in points for key in SUM_KEYS)
        else "",
    }


def _partnership_goals(partnership: dict[str, Any], language: str) -> dict[str, Any]:
    """Indicators against their targets, the enabling goal's answers, and the commitments."""
    commitments = partnership["commitments"]
    enabling = partnership.get("enabling", [])
    return {
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
        "enabling_chart": charts.enabling_chart(
            _enabling_rows(enabling, language),
            slug="enabling",
            title=_("Svar om förutsättningsmålet"),
            scale=likert_labels(),
        )
        if enabling
        else "",
        "enabling": enabling,
        "commitments_chart": charts.challenges_chart(
            [
                (f"{c['number']}. {pick(c['name'], language)}", c["organisations"])
                for c in commitments["per_challenge"]
            ],
            slug="challenges",
            title=_("Organisationer per klimatutmaning"),
        )
        if commitments["per_challenge"]
        else "",
        "commitments": commitments,
        "focus_areas": [
            {"name": pick(a["name"], language), "commitments": a["commitments"]}
            for a in commitments["per_focus_area"]
        ],
    }


def _partnership_activities(
    partnership: dict[str, Any], labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    activities = partnership["activities"]
    return {
        "activities": activities,
        "status_rows": [
            {"label": labels["lifecycle"].get(r["lifecycle"], r["lifecycle"]), "count": r["count"]}
            for r in activities["by_status"]
        ],
        "signal_rows": [
            {"label": labels["signal"].get(r["signal"], r["signal"]), "count": r["count"]}
            for r in activities["by_signal"]
        ],
        "highlights": [
            {**h, "lifecycle_label": labels["lifecycle"].get(h["lifecycle"], h["lifecycle"])}
            for h in activities["highlights"]
        ],
        "meetings": [
            {**m, "kind_label": labels["meeting_kind"].get(m["kind"], m["kind"])}
            for m in partnership["meetings"]
        ],
    }


def partnership_context(data: dict[str, Any], language: str) -> dict[str, Any]:
    partnership = data["partnership"]
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
        **_partnership_emissions(partnership.get("figures", {}), language),
        **_partnership_goals(partnership, language),
        **_partnership_activities(partnership, _labels()),
        "missing": data.get("missing", []),
    }


def _organisation_emissions(org: dict[str, Any], data_year: int, language: str) -> dict[str, Any]:
    """An organisation's figures and series, and its scope 1 + 2 against the 20 % path."""
    org_figures = org.get("figures", {})
    current, org_series = organisation_figure_rows(org_figures, language)
    method = (current or (org_series[-1] if org_series else {})).get("method", "")
    # Scope 1 + 2 of this one organisation (the period's scope 2 method) against the 20 % path;
    # its own target, on the scopes it covers, is a separate labelled check, never this line.
    points = [
        {"year": f["year"], "emissions": f.get("path_emissions"), "path": f.get("path_target")}
        for f in org_series
    ]
    series = [
        (_("Scope 1 + 2 (%(method)s)") % {"method": method}, "emissions", 0),
        (_("20 %-banan"), "path", 2),
    ]
    return {
        "org_figures": current,
        "org_series": org_series,
        "org_data_year": org_figures.get("data_year", data_year),
        "org_base_year": org_figures.get("base_year"),
        "org_emissions_chart": charts.emissions_chart(points, series, slug="organisation-path")
        if any(p.get("emissions") is not None for p in points)
        else "",
    }


def _organisation_enabling(
    org: dict[str, Any], enabling: list[dict[str, Any]], language: str
) -> dict[str, Any]:
    """The organisation's own answers on the enabling goal beside the partnership's."""
    scale = likert_labels()
    own = {a["key"]: a.get("value") for a in org.get("enabling", [])}
    return {
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
        "org_enabling_chart": charts.enabling_chart(
            _enabling_rows(enabling, language, own),
            slug="organisation-enabling",
            title=_("Ert svar bredvid partnerskapets fördelning"),
            scale=scale,
            marker_label=_("Ert svar"),
        )
        if enabling
        else "",
        "likert_labels": scale,
    }


def organisation_context(
    data: dict[str, Any], organisation_id: int, language: str
) -> dict[str, Any]:
    org = data["organisations"][str(organisation_id)]
    context, labels = shared_context(data, language)
    return {
        **context,
        "organisation": org,
        "title": _("%(name)s – uppföljning %(year)s") % {"name": org["name"], "year": data["year"]},
        **_organisation_emissions(org, data["year"], language),
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
        **_organisation_enabling(org, data["partnership"].get("enabling", []), language),
    }


def shared_context(
    data: dict[str, Any], language: str
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The partnership's context and the choice labels, in the active ``language``. Computed for
    each report (a few tens of milliseconds at the real size): nothing is kept per process."""
    return partnership_context(data, language), _labels()
