"""The office's narrative sections: Markdown in, sanitised HTML out (security.md PDF-1).

Markdown allows raw HTML, so the rendered HTML goes through nh3 with a short allow-list: text
structure only. No images, no ``style`` attributes or ``<style>``/``<link>`` elements, and links
keep only ``http(s)``/``mailto`` targets, which WeasyPrint never fetches (they stay links).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django import forms
    from django.utils.functional import Promise

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Sanitised HTML for a narrative section (empty string for empty text)."""
    if not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


SECTIONS: tuple[tuple[str, Promise], ...] = (
    ("story", _("Årets berättelse")),
    ("conclusions", _("Slutsatser")),
    ("way_forward", _("Vägen framåt")),
)


@dataclass(frozen=True)
class Preview:
    field: str
    heading: Promise
    language: str
    html: SafeString


def preview_sections(form: forms.BaseForm) -> list[Preview]:
    """Each filled-in narrative section of a valid form, rendered exactly as the snapshot will
    render it (the same Markdown and sanitising), under the heading it gets in the PDF."""
    return [
        Preview(
            field=f"{section}_{language}",
            heading=heading,
            language=language,
            html=mark_safe(render_markdown(text)),  # noqa: S308  # nh3-sanitised just above
        )
        for section, heading in SECTIONS
        for language in ("sv", "en")
        if (text := form.cleaned_data.get(f"{section}_{language}") or "").strip()
    ]
