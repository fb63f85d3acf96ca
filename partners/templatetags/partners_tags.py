"""Template helpers of the partners app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

if TYPE_CHECKING:
    from partners.selectors import MatrixRow

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``{{ counts|get_item:challenge.pk }}``: dictionary lookup with a variable key."""
    return mapping.get(key, 0)


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
