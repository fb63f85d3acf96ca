"""Markdown for posts and comments, rendered to HTML that is safe to show to other partners.

Two layers (security.md: "any rich text is sanitised with an allow-list"):

1. :func:`find_disallowed_markup` lets forms *refuse* text that tries to smuggle in script
   (``<script>``, event-handler attributes, ``javascript:`` links, embedded frames). The writer
   gets a clear message and nothing is stored, which is what the issue asks for bad input.
2. :func:`render_markdown` always sanitises with nh3 and a small allow-list, whatever the form
   let through: headings, emphasis, lists, quotes, code, tables and links (http, https, mailto),
   every link with ``rel="nofollow noopener noreferrer"``. No images (they would load third-party
   content and break the CSP), no raw attributes besides ``href``/``title``.
"""

from __future__ import annotations

import html as html_lib
import re

import markdown as markdown_lib
import nh3
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

MARKUP_MESSAGE = _(
    "Texten innehåller skript eller HTML som inte är tillåten (till exempel <script>, onclick= "
    "eller javascript:-länkar). Ta bort det och försök igen. Vanlig Markdown går bra."
)

_DISALLOWED = [
    re.compile(
        r"<\s*/?\s*(script|style|iframe|frame|object|embed|svg|math|form|input|button|link|meta|"
        r"base|template)\b",
        re.IGNORECASE,
    ),
    re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),  # event handlers: onclick=, onerror=
    re.compile(r"\b(javascript|vbscript|livescript)\s*:", re.IGNORECASE),
    re.compile(r"\]\(\s*<?\s*data\s*:", re.IGNORECASE),  # [x](data:text/html,...)
    re.compile(r"href\s*=\s*[\"']?\s*data\s*:", re.IGNORECASE),
]


def find_disallowed_markup(text: str) -> bool:
    """True when ``text`` contains script or active HTML that we refuse to store."""
    return any(pattern.search(text) for pattern in _DISALLOWED)


def render_markdown(text: str) -> str:
    """Markdown → sanitised HTML (safe to mark_safe in templates)."""
    # Headings start at h3: the page already has its h1 and h2 (one h1, heading order, WCAG).
    html = markdown_lib.markdown(
        text, extensions=["sane_lists", "tables", "fenced_code"], output_format="html"
    )
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
    )


def excerpt(text: str, length: int = 220) -> str:
    """Plain-text start of a Markdown text, for lists and mails (no markup at all)."""
    plain = html_lib.unescape(nh3.clean(render_markdown(text), tags=set()))
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"
