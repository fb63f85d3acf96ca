"""Template helpers of the partners app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

if TYPE_CHECKING:
    from collections.abc import Iterable

    from partners.models import Organisation
    from partners.selectors import MatrixRow

register = template.Library()


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
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a></th>{}<td class="text-end">{}</td></tr>',
        (
            (
                row.organisation.get_absolute_url(),
                row.organisation.name,
                SafeString("".join(yes if cell else no for cell in row.cells)),
                row.count,
            )
            for row in rows
        ),
    )


@register.simple_tag
def organisation_rows(organisations: Iterable[Organisation]) -> SafeString:
    """The body rows of the partner list (annotated by ``selectors.list_organisations``).

    Built in Python for the same reason as :func:`heatmap_rows`: the list is the office's most
    used page, and resolving ~15 template variables per row was most of its server time in the
    benchmark. Columns: name (link), number, kind, sector, status badge (text, not colour),
    challenges (with "utkast" while the set is a draft), declaration, active contacts."""
    draft = gettext("utkast")
    present = gettext("Finns")
    missing = format_html('<span class="kf-missing">{}</span>', gettext("Saknas"))
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td>'
        '<td><span class="badge kf-status kf-status-{}">{}</span></td>'
        '<td class="text-end">{}{}</td><td>{}</td><td class="text-end">{}</td></tr>',
        (
            (
                org.get_absolute_url(),
                org.name,
                org.organisation_number,
                org.get_kind_display(),
                org.sector,
                org.status,
                org.get_status_display(),
                org.challenge_count,  # type: ignore[attr-defined]
                (
                    format_html(' <span class="small">({})</span>', draft)
                    if org.commitment_status == "draft"  # type: ignore[attr-defined]
                    else ""
                ),
                present if org.has_declaration else missing,  # type: ignore[attr-defined]
                org.contact_count,  # type: ignore[attr-defined]
            )
            for org in organisations
        ),
    )
