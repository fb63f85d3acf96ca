"""Rows of the space page and the knowledge library, written in Python.

Both pages list rows from ``.values()`` selectors (spaces.selectors): the markup of one row is
built here with ``format_html`` instead of a template loop, because a loop with several
``{% translate %}``/``{% blocktranslate %}`` tags, a ``{% url %}`` and filters per row cost more
than the rest of the page. Labels, URLs and translations are looked up once per page.
The markup is the same as the templates wrote before (spaces/_post_kind_badge.html for badges).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from klimatfardplan.rendering import choice_labels, url_maker
from spaces.models import Post

register = template.Library()


class _Badges:
    """The kind and status badges of a post row (spaces/_post_kind_badge.html), with the
    translated labels read once."""

    def __init__(self) -> None:
        self.kinds = choice_labels(Post.Kind)
        self.answered = format_html(
            ' <span class="badge kf-status kf-status-answered">{}</span>', gettext("Besvarad")
        )
        self.unanswered = format_html(
            ' <span class="badge kf-status">{}</span>', gettext("Obesvarad")
        )
        self.library = format_html(
            ' <span class="badge kf-status">{}</span>', gettext("I kunskapsbanken")
        )
        self.hidden = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Dold"))

    def __call__(self, row: Mapping[str, Any]) -> SafeString:
        kind = row["kind"]
        parts = [
            format_html(
                '<span class="badge kf-post-kind kf-post-kind-{}">{}</span>',
                kind,
                self.kinds.get(kind, kind),
            )
        ]
        if kind == Post.Kind.QUESTION:
            parts.append(self.answered if row["answered_at"] else self.unanswered)
        if row["is_reusable"]:
            parts.append(self.library)
        if row["hidden_at"]:
            parts.append(self.hidden)
        return mark_safe("".join(parts))  # noqa: S308  # every part is format_html output


def _date(value: Any) -> tuple[str, str]:
    """(ISO 8601, "j F Y") of a datetime in the current time zone, as the ``date`` filter."""
    local = timezone.localtime(value)
    return dateformat.format(local, "c"), dateformat.format(local, "j F Y")


@register.simple_tag
def space_post_cards(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The post cards of a space's page (rows of ``selectors.list_space_posts``)."""
    badges = _Badges()
    post_url = url_maker("spaces:post_detail")
    office = gettext("Kansliet")
    cards = []
    for row in rows:
        iso, shown = _date(row["created_at"])
        comments = row["comment_count"]
        files = row["file_count"]
        counts = ngettext("%(n)s kommentar", "%(n)s kommentarer", comments) % {"n": comments}
        if files:
            counts += " · " + ngettext("%(n)s fil", "%(n)s filer", files) % {"n": files}
        cards.append(
            format_html(
                '<article class="border rounded p-3 mb-3 kf-post{}" data-testid="post">\n'
                '  <h3 class="h5 mb-1"><a href="{}">{}</a></h3>\n'
                '  <p class="mb-2 small">{}\n'
                '    · {} · <time datetime="{}">{}</time>\n'
                "    · {}</p>\n"
                '  <p class="mb-0">{}</p>\n'
                "</article>\n",
                " kf-post-hidden" if row["hidden_at"] else "",
                post_url(row["id"]),
                row["title"],
                badges(row),
                row["organisation__name"] or office,
                iso,
                shown,
                counts,
                row["excerpt"],
            )
        )
    return mark_safe("".join(cards))  # noqa: S308  # every card is format_html output


@register.simple_tag
def library_items(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The items of the knowledge library (rows of ``selectors.list_library`` with their
    ``files``, ``space_name`` and ``focus_area_name`` filled in by the view)."""
    badges = _Badges()
    post_url = url_maker("spaces:post_detail")
    file_url = url_maker("spaces:attachment_download")
    office = gettext("Kansliet")
    items = []
    for row in rows:
        uses = row["use_count"]
        area = row["focus_area_name"]
        files = row["files"]
        file_list = (
            format_html(
                '\n  <ul class="small mb-0">{}</ul>',
                format_html_join(
                    "",
                    '<li><a href="{}">{}</a> ({})</li>',
                    (
                        (file_url(f["id"]), f["original_name"], filesizeformat(f["size"]))
                        for f in files
                    ),
                ),
            )
            if files
            else ""
        )
        items.append(
            format_html(
                '<article class="border rounded p-3 mb-3" data-testid="library-item">\n'
                '  <h3 class="h5 mb-1"><a href="{}">{}</a></h3>\n'
                '  <p class="small mb-2">{}\n'
                "    · {} · {}{}\n"
                "    · {}</p>\n"
                '  <p class="mb-1">{}</p>{}\n'
                "</article>\n",
                post_url(row["id"]),
                row["title"],
                badges(row),
                row["organisation__name"] or office,
                row["space_name"],
                format_html(" · {}", area) if area else "",
                ngettext("använd av %(n)s organisation", "använd av %(n)s organisationer", uses)
                % {"n": uses},
                row["excerpt"],
                file_list,
            )
        )
    return mark_safe("".join(items))  # noqa: S308  # every item is format_html output


@register.simple_tag
def name_items(names: Iterable[Any]) -> SafeString:
    """``<li>`` items of the names of objects or rows with a ``name``."""
    return format_html_join("", "<li>{}</li>", ((n.name,) for n in names))
