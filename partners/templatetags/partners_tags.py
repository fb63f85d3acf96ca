"""Template helpers of the partners app."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.forms import CheckboxInput, Form
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from klimatfardplan.rendering import choice_labels, url_maker
from partners.models import CommitmentSet, Organisation
from roadmap.selectors import sector_name, sector_names

if TYPE_CHECKING:
    from collections.abc import Iterable

    from partners.selectors import Matrix, MatrixRow
    from roadmap.models import Challenge

register = template.Library()


@register.simple_tag
def filter_fields(form: Form) -> SafeString:
    """The partner list's filter fields, each in a grid cell with its label (a checkbox with the
    label after the box, as Bootstrap's form-check wants it).

    Built in Python like the table rows: the template loop over nine fields, with its label,
    id and type lookups, cost as much as rendering the widgets themselves."""
    cells = []
    for field in form:
        label = f'for="{escape(field.id_for_label)}">{escape(str(field.label))}</label>'
        if isinstance(field.field.widget, CheckboxInput):
            cells.append(
                '<div class="col-sm-6 col-lg-3 d-flex align-items-end">'
                f'<div class="form-check">{field}<label class="form-check-label" {label}</div>'
                "</div>"
            )
        else:
            cells.append(
                f'<div class="col-sm-6 col-lg-3"><label class="form-label" {label}\n{field}</div>'
            )
    return mark_safe("\n".join(cells))  # noqa: S308  (labels escaped; widgets render safely)


@register.simple_tag
def challenge_count_rows(matrix: Matrix) -> SafeString:
    """The body rows of the matrix's "per challenge" table: the challenge (linking to its
    grouping), its focus area, the number of organisations and a bar (a <meter>, hidden from
    screen readers since the number is in the row). Built in Python like :func:`heatmap_rows`:
    21 rows of seven template variables each were a sixth of the matrix page's time."""
    total = matrix.organisation_total or 1
    return mark_safe(  # noqa: S308
        "\n".join(
            f'<tr><th scope="row"><a href="{escape(row["url"])}">{row["challenge"].number}. '
            f"{escape(row['challenge'].name)}</a></th>"
            f"<td>{escape(row['challenge'].focus_area.name)}</td>"
            f'<td class="text-end">{int(row["count"])}</td>'
            f'<td class="kf-bar-cell"><meter class="kf-meter" min="0" max="{int(total)}" '
            f'value="{int(row["count"])}" aria-hidden="true"></meter></td></tr>'
            for row in matrix.challenge_rows
        )
    )


@register.simple_tag
def heatmap_header(challenges: Iterable[Challenge]) -> SafeString:
    """The heat map's column headers: each challenge's number, its name as the abbreviation's
    title."""
    return mark_safe(  # noqa: S308
        "".join(
            f'<th scope="col" class="text-center"><abbr title="{escape(c.name)}">{c.number}</abbr></th>'
            for c in challenges
        )
    )


@register.simple_tag
def heatmap_rows(rows: list[MatrixRow]) -> SafeString:
    """The body rows of the organisations × challenges heat map.

    Built in Python, not with nested template loops: a page holds 50 × 21 cells, and the
    template engine spent most of the matrix page's time resolving variables and translating
    the hidden "ja"/"nej" texts cell by cell. Each cell has visible text (●) and a screen-reader
    text, so the meaning never rests on colour alone."""
    yes = format_html(
        '<td class="text-center heat-1"><span aria-hidden="true">●</span>'
        '<span class="visually-hidden">{}</span></td>',
        gettext("ja"),
    )
    no = format_html(
        '<td class="text-center"><span class="visually-hidden">{}</span></td>', gettext("nej")
    )
    detail_url = url_maker("partners:organisation_detail")
    # html.escape (what format_html applies, without its lazy-string checks) on each value.
    return mark_safe(  # noqa: S308
        "\n".join(
            f'<tr><th scope="row"><a href="{detail_url(row.organisation.pk)}">'
            f"{escape(row.organisation.name)}</a></th>"
            f"{''.join([yes if cell else no for cell in row.cells])}"
            f'<td class="text-end">{row.count}</td></tr>'
            for row in rows
        )
    )


@register.simple_tag
def organisation_rows(organisations: Iterable[dict[str, Any]]) -> SafeString:
    """The body rows of the partner list (rows of ``selectors.list_organisation_rows``).

    Built in Python for the same reason as :func:`heatmap_rows`: the list is the office's most
    used page, and resolving ~15 template variables per row was most of its server time in the
    benchmark. Columns: name (link), number, kind, sector, status badge (text, not colour),
    challenges (with "utkast" while the set is a draft), declaration, active contacts."""
    draft = format_html(' <span class="small">({})</span>', gettext("utkast"))
    present = escape(gettext("Finns"))
    missing = format_html('<span class="kf-missing">{}</span>', gettext("Saknas"))
    kinds = choice_labels(Organisation.Kind)
    statuses = choice_labels(Organisation.Status)
    sectors = sector_names()
    detail_url = url_maker("partners:organisation_detail")
    # Every value is escaped (html.escape, what format_html applies, without its lazy-string
    # checks, which cost more than the escaping); numbers and the links' ids are integers.
    return mark_safe(  # noqa: S308
        "\n".join(
            f'<tr><th scope="row"><a href="{detail_url(org["pk"])}">{escape(org["name"])}</a></th>'
            f"<td>{escape(org['organisation_number'])}</td>"
            f"<td>{escape(kinds.get(org['kind'], org['kind']))}</td>"
            f"<td>{escape(sectors.get(org['sector'], org['sector']))}</td>"
            f'<td><span class="badge kf-status kf-status-{escape(org["status"])}">'
            f"{escape(statuses.get(org['status'], org['status']))}</span></td>"
            f'<td class="text-end">{int(org["challenge_count"])}'
            f"{draft if org['commitment_status'] == CommitmentSet.Status.DRAFT else ''}</td>"
            f"<td>{present if org['has_declaration'] else missing}</td>"
            f'<td class="text-end">{int(org["contact_count"])}</td></tr>'
            for org in organisations
        )
    )


@register.filter(name="sector_name")
def sector_name_filter(sector: str) -> str:
    """The organisation's sector in the active language (as typed when there is no English)."""
    return sector_name(sector)
