"""Rows of the space page and the knowledge library, written in Python.

Both pages list rows from ``.values()`` selectors (spaces.selectors): the markup of one row is
built here with ``_html`` (``format_html``) instead of a template loop, because a loop with
several ``{% translate %}``/``{% blocktranslate %}`` tags, a ``{% url %}`` and filters per row
cost more than the rest of the page. Labels, URLs and translations are looked up once per page.
The markup is the same as the templates wrote before (spaces/_post_kind_badge.html for badges).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from klimatfardplan.rendering import choice_labels, url_maker
from spaces.models import Post

register = template.Library()


def _escape(value: Any) -> str:
    """``django.utils.html.conditional_escape``, the same result without its wrappers for lazy
    arguments (``keep_lazy``), which cost more than the escaping on pages that escape a few
    hundred values: safe strings as they are, anything else as ``escape`` (``html.escape``)."""
    as_html = getattr(value, "__html__", None)
    if as_html is not None:
        return str(as_html())
    return html.escape(str(value))


def _html(format_string: str, *args: Any) -> SafeString:
    """``format_html`` (every argument escaped unless safe), through ``_escape``."""
    return SafeString(format_string.format(*map(_escape, args)))


def _html_join(format_string: str, args_generator: Iterable[Iterable[Any]]) -> SafeString:
    """``format_html_join("", …)``, through ``_escape``."""
    return SafeString("".join(format_string.format(*map(_escape, a)) for a in args_generator))


class _Badges:
    """The kind and status badges of a post row (spaces/_post_kind_badge.html), with the
    translated labels read once."""

    def __init__(self) -> None:
        self.kinds = choice_labels(Post.Kind)
        self.answered = _html(
            ' <span class="badge kf-status kf-status-answered">{}</span>', gettext("Besvarad")
        )
        self.unanswered = _html(' <span class="badge kf-status">{}</span>', gettext("Obesvarad"))
        self.library = _html(
            ' <span class="badge kf-status">{}</span>', gettext("I kunskapsbanken")
        )
        self.hidden = _html(' <span class="badge text-bg-danger">{}</span>', gettext("Dold"))

    def __call__(self, row: Mapping[str, Any]) -> SafeString:
        kind = row["kind"]
        parts = [
            _html(
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
        return mark_safe("".join(parts))  # noqa: S308  # every part is _html output


class _Dates:
    """(ISO 8601, "j F Y") of datetimes in the current time zone, as the ``date`` filter writes
    them (formats ``c`` and ``j F Y``), with the month names translated once per list instead
    of a ``dateformat`` pass per format and row."""

    def __init__(self) -> None:
        self.months: dict[int, str] = {}

    def __call__(self, value: Any) -> tuple[str, str]:
        local = timezone.localtime(value)
        month = self.months.get(local.month)
        if month is None:
            month = self.months[local.month] = str(MONTHS[local.month])
        return local.isoformat(), f"{local.day} {month} {local.year}"


@register.simple_tag
def space_post_cards(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The post cards of a space's page (rows of ``selectors.list_space_posts``)."""
    badges = _Badges()
    dates = _Dates()
    post_url = url_maker("spaces:post_detail")
    office = gettext("Kansliet")
    cards = []
    for row in rows:
        iso, shown = dates(row["created_at"])
        comments = row["comment_count"]
        files = row["file_count"]
        counts = ngettext("%(n)s kommentar", "%(n)s kommentarer", comments) % {"n": comments}
        if files:
            counts += " · " + ngettext("%(n)s fil", "%(n)s filer", files) % {"n": files}
        cards.append(
            _html(
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
    return mark_safe("".join(cards))  # noqa: S308  # every card is _html output


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
            _html(
                '\n  <ul class="small mb-0">{}</ul>',
                _html_join(
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
            _html(
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
                _html(" · {}", area) if area else "",
                ngettext("använd av %(n)s organisation", "använd av %(n)s organisationer", uses)
                % {"n": uses},
                row["excerpt"],
                file_list,
            )
        )
    return mark_safe("".join(items))  # noqa: S308  # every item is _html output


@register.simple_tag
def name_items(names: Iterable[Any]) -> SafeString:
    """``<li>`` items of the names of objects or rows with a ``name``."""
    return _html_join("<li>{}</li>", ((n.name,) for n in names))


# --- the space page's side panel and filter (loops the template wrote before) -----------------


@register.simple_tag
def kind_options(kinds: Iterable[tuple[str, Any]], selected: str) -> SafeString:
    """The ``<option>`` of each post kind, ``selected`` marked."""
    return _html_join(
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in kinds),
    )


@register.simple_tag
def subscription_radios(choices: Iterable[tuple[str, Any]], selected: str) -> SafeString:
    """The radio buttons of the e-mail choice of a space, ``selected`` checked."""
    return _html_join(
        "\n"
        '          <div class="form-check">\n'
        '            <input class="form-check-input" type="radio" name="mode" id="mode-{}"'
        ' value="{}"{}>\n'
        '            <label class="form-check-label" for="mode-{}">{}</label>\n'
        "          </div>\n"
        "          ",
        (
            (value, value, " checked" if value == selected else "", value, label)
            for value, label in choices
        ),
    )


@register.simple_tag
def partner_items(partners: Iterable[Any]) -> SafeString:
    """``<li>`` items of organisations looking for partners (``organisation_name``,
    ``challenge_number``)."""
    challenge = gettext("utmaning %(number)s")
    return _html_join(
        '<li>{} <span class="text-muted small">({})</span></li>',
        ((p.organisation_name, challenge % {"number": p.challenge_number}) for p in partners),
    )


@register.simple_tag
def question_items(questions: Iterable[Mapping[str, Any]]) -> SafeString:
    """``<li>`` items of open questions in related spaces (``id``, ``title``, ``space_name``)."""
    post_url = url_maker("spaces:post_detail")
    return _html_join(
        '<li><a href="{}">{}</a> <span class="text-muted small">– {}</span></li>',
        ((post_url(q["id"]), q["title"], q["space_name"]) for q in questions),
    )


@register.simple_tag
def id_options(choices: Iterable[tuple[int, str]], selected: int | None) -> SafeString:
    """The ``<option>`` of each (id, label) choice, ``selected`` marked (the library's
    filters)."""
    return _html_join(
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", label) for pk, label in choices),
    )
