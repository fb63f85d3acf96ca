"""Labels and the two CSV files of the figures (issue 16.8b; keys in docs/figures.md).

CSV: ``;``-separated, UTF-8, numbers never localised ('.' decimals, no thousands separator):
tonnes with 3 decimals, fractions (rates, shares, changes) with 6, counts as integers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from surveys.figures.inputs import COUNT, FRACTION, Figure, PathCheck

if TYPE_CHECKING:
    from surveys.figures.inputs import Inputs

PARTNERSHIP_COLUMNS = ["figure", "year", "value", "unit", "n", "n_partners", "note"]
ORGANISATION_COLUMNS = [
    "organisation_number",
    "year",
    "scopes",
    "emissions",
    "path_target",
    "gap",
    "on_path",
    "average_rate",
    "required_rate",
    "comparable",
]


def method_label(method: str) -> str:
    """The Swedish name of a scope 2 method."""
    if method == "location":
        return _("platsbaserad")
    if method == "market":
        return _("marknadsbaserad")
    return ""


def figure_label(figure: Figure) -> str:
    """The Swedish name of a figure, with its scopes and scope 2 method."""
    key = figure.key
    fixed = {
        "responses": _("Godkända enkätsvar"),
        "scope1_sum": _("Scope 1, summa för partnerna"),
        "scope2_location_sum": _("Scope 2 platsbaserad, summa för partnerna"),
        "scope2_market_sum": _("Scope 2 marknadsbaserad, summa för partnerna"),
        "scope1_panel_change": _("Scope 1, förändring i jämförbar panel"),
        "scope2_location_panel_change": _("Scope 2 platsbaserad, förändring i jämförbar panel"),
        "scope2_market_panel_change": _("Scope 2 marknadsbaserad, förändring i jämförbar panel"),
        "median_partner_change": _("Medianpartnerns förändring, scope 1 + 2 (%(method)s)")
        % {"method": method_label(figure.scope2_method)},
        "on_path_share": _("Andel av panelen på eller under 20 %%-banan, scope 1 + 2 (%(method)s)")
        % {"method": method_label(figure.scope2_method)},
        "own_target_share": _("Andel med eget minskningsmål"),
    }
    if key in fixed:
        return fixed[key]
    if key.startswith("scope3_c"):
        number, stat = key.removeprefix("scope3_c").split("_", 1)
        stats = {
            "reporting": _("antal som beräknat"),
            "median": _("median per organisation"),
            "q1": _("nedre kvartil"),
            "q3": _("övre kvartil"),
        }
        return _("Scope 3 kategori %(number)s, %(stat)s") % {
            "number": number,
            "stat": stats.get(stat, stat),
        }
    return key


def figure_note(figure: Figure) -> str:
    """What the figure covers and what was left out, in one Swedish line."""
    parts = [_("%(n)s av %(total)s partner ingår") % {"n": figure.n, "total": figure.n_partners}]
    if figure.panel:
        parts.append(
            _("jämförbar panel %(base)s–%(year)s") % {"base": figure.base_year, "year": figure.year}
        )
    if figure.left_out_included:
        parts.append(
            _("%(n)s utelämnade: ingår i annan partners redovisning")
            % {"n": figure.left_out_included}
        )
    if figure.left_out_not_comparable:
        parts.append(
            _("%(n)s utelämnade: ändrad avgränsning utan omräknat basår")
            % {"n": figure.left_out_not_comparable}
        )
    if figure.key.startswith("scope3_"):
        parts.append(_("scope 3 summeras aldrig över partner"))
    if figure.suppressed:
        parts.append(_("undertryckt: färre än 3 organisationer"))
    return "; ".join(parts)


def path_check_label(check: PathCheck) -> str:
    scopes = " + ".join(check.scopes.split("+"))
    method = method_label(check.scope2_method)
    what = _("Scope %(scopes)s") % {"scopes": scopes}
    if method and "2" in check.scopes:
        what += f" ({method})"
    if check.kind == "own_target":
        return _("%(what)s mot ert eget mål (−%(rate)s %%/år från %(base)s)") % {
            "what": what,
            "rate": _percent(check.rate),
            "base": check.base_year,
        }
    return _("%(what)s mot partnerskapets %(rate)s %%-bana från %(base)s") % {
        "what": what,
        "rate": _percent(check.rate),
        "base": check.base_year,
    }


def _percent(rate: float) -> str:
    text = f"{rate * 100:.1f}"
    return text.removesuffix(".0")


def own_target_note(missing: str) -> str:
    """Why an organisation's stated own target has no check (never dropped silently)."""
    notes = {
        "not_comparable": _(
            "Ert eget mål jämförs inte: avgränsningen har ändrats sedan målets basår och "
            "omräknade basårsvärden saknas."
        ),
        "no_base": _(
            "Ert eget mål kan inte följas upp: utsläppen för målets basår saknas för de scope "
            "målet gäller. Ange basårets värden."
        ),
        "no_emissions": _(
            "Ert eget mål kan inte följas upp i år: utsläppen saknas för något av de scope "
            "målet gäller."
        ),
    }
    return notes.get(missing, "")


def total_note(missing: str, method: str) -> str:
    """Why an organisation has no total (and so no path check)."""
    if missing == "no_scope1":
        return _("Ingen summa: scope 1 är inte redovisat.")
    if missing == "no_scope2_method":
        return _(
            "Ingen summa och ingen jämförelse mot banan: scope 2 %(method)s är inte redovisat "
            "(partnerskapet följer upp scope 2 %(method)s)."
        ) % {"method": method_label(method)}
    return ""


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == COUNT:
        return str(round(value))
    text = f"{value:.6f}" if unit == FRACTION else f"{value:.3f}"
    # A float remainder such as −1e-13 t must not print as "-0.000" ("under the path").
    return text.removeprefix("-") if float(text) == 0 else text


def _csv(rows: list[list[str]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def partnership_csv(year: int, inputs: Inputs | None = None) -> str:
    from surveys import figures

    rows = [
        [
            f.key,
            str(f.year),
            _number(f.value, f.unit),
            f.unit,
            str(f.n),
            str(f.n_partners),
            figure_note(f),
        ]
        for f in figures.partnership_figures(year, inputs)
    ]
    return _csv(rows, PARTNERSHIP_COLUMNS)


def organisations_csv(year: int, inputs: Inputs | None = None) -> str:
    """One row per path check of each organisation that reported ``year`` (the partnership
    path on 1+2 first, then its own target on the scopes it covers), plus a row with its total
    when its total covers scopes no check does; path columns empty there. An organisation with
    no total and no check (e.g. scope 2 location-based only) gets one "1+2" row with every
    figure empty."""
    from partners.models import Organisation
    from surveys import figures

    inputs = inputs or figures.load_inputs()
    frame = inputs.responses
    ids = sorted({int(o) for o in frame.loc[frame["year"] == year, "organisation_id"]})
    numbers = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "organisation_number"))
    rows = []
    for organisation_id in ids:
        found = figures.organisation_figures(organisation_id, year, inputs)
        if found is None:
            continue
        number = numbers.get(organisation_id, "") or f"id-{organisation_id}"
        comparable = "true" if found.comparable else "false"
        for check in found.checks:
            rows.append(
                [
                    number,
                    str(year),
                    check.scopes,
                    _number(check.emissions, "t"),
                    _number(check.target, "t"),
                    _number(check.gap, "t"),
                    "" if check.on_path is None else str(check.on_path).lower(),
                    _number(check.average_rate, FRACTION),
                    _number(check.required_rate, FRACTION),
                    comparable,
                ]
            )
        if found.total is not None and found.total_scopes not in {c.scopes for c in found.checks}:
            rows.append(
                [number, str(year), found.total_scopes, _number(found.total, "t"), "", "", "", "",
                 "", comparable]
            )  # fmt: skip
        if found.total is None and not found.checks:
            # It reported, but not the period's scope 2 method (or no scope 1): listed with
            # empty figures, so the file never reads as if it had not answered.
            rows.append([number, str(year), "1+2", "", "", "", "", "", "", comparable])
    return _csv(rows, ORGANISATION_COLUMNS)


def write_csv(year: int, out_dir: Path) -> tuple[Path, Path]:
    from surveys import figures

    inputs = figures.load_inputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    partnership = out_dir / "partnership.csv"
    organisations = out_dir / "organisations.csv"
    partnership.write_text(partnership_csv(year, inputs), encoding="utf-8")
    organisations.write_text(organisations_csv(year, inputs), encoding="utf-8")
    return partnership, organisations
