"""HTML → PDF with WeasyPrint, safely.

Every PDF of the app (activity cards, the gallery, annual reports) goes through :func:`render_pdf`.
The URL fetcher only serves ``data:`` URLs and files under the static and media folders, so hostile
content in a narrative or an organisation name cannot make the renderer reach the network or read
arbitrary files (security.md §4).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class BlockedResource(ValueError):
    """A document asked for something outside the allowed folders."""


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    roots += [Path(p) for p in settings.STATICFILES_DIRS]
    return [r.resolve() for r in roots]


def _resolve_local(url: str) -> Path:
    """Map a ``file://`` or ``/static/...`` / ``/media/...`` URL to a file inside an allowed root."""
    parsed = urlparse(url)
    path = unquote(parsed.path)
    candidate: Path | None = None
    if parsed.scheme in ("", "file") and path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL) :])
        candidate = Path(found) if isinstance(found, str) else None
    elif parsed.scheme in ("", "file") and path.startswith(settings.MEDIA_URL):
        candidate = Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]
    elif parsed.scheme == "file":
        candidate = Path(path)
    if candidate is None:
        raise BlockedResource(url)
    resolved = candidate.resolve()
    if (
        not any(resolved.is_relative_to(root) for root in _allowed_roots())
        or not resolved.is_file()
    ):
        raise BlockedResource(url)
    return resolved


def _fetcher_class() -> Any:
    import weasyprint.urls  # imported here: loading WeasyPrint costs ~0.3 s

    class SafeURLFetcher(weasyprint.urls.URLFetcher):
        """Serves data: URLs and allowed local files; refuses everything else (and records it)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.blocked: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            try:
                path = _resolve_local(url)
            except BlockedResource:
                self.blocked.append(url)
                logger.warning("PDF rendering blocked a resource: %.200s", url)
                raise
            return weasyprint.urls.URLFetcherResponse(url, body=path.read_bytes())

    return SafeURLFetcher


def make_url_fetcher() -> Any:
    return _fetcher_class()()


# Base URL for relative links in templates: "/static/..." resolves through the fetcher above.
BASE_URL = "file:///"

# Every PDF is tagged PDF/UA-1 (the accessibility law for public bodies covers published
# documents): WeasyPrint writes the structure tree from the HTML (headings, tables with their
# header cells, figures with the SVG's <title> as alternative text) and the document language
# from <html lang>. Templates keep their side of it: a lang attribute, a <title>, and a <title>
# in every chart and an alt on every image.
PDF_VARIANT = "pdf/ua-1"
# ``pdf_tags`` is named as well: when laying out, WeasyPrint fills in from the variant only the
# options left at None, and its default for ``pdf_tags`` is False (weasyprint/document.py).
# reporting/tests/test_pdf_ua.py reads the structure tree and language back with pypdf.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}


DEFAULT_ACCENT = "#1f5e43"


@dataclass(frozen=True)
class Brand:
    """What a PDF shows of the partnership's look (``brand`` in ``pdf/base.html``): the accent
    colour (AA against white, so white text on it and it as text on white both read) and the
    logo as a ``data:`` URL (the renderer fetches nothing else; empty when there is no logo)."""

    accent: str = DEFAULT_ACCENT
    logo_url: str = ""


def render_html_to_pdf(html: str, *, url_fetcher: Any = None) -> bytes:
    """Render HTML to PDF bytes; pass ``url_fetcher`` (from :func:`make_url_fetcher`) to inspect
    what it refused afterwards (its ``blocked`` list)."""
    import weasyprint  # imported here: loading it costs ~0.3 s, which web requests rarely need

    fetcher = url_fetcher if url_fetcher is not None else make_url_fetcher()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return bytes(document.write_pdf(**PDF_OPTIONS))


def render_html_to_document(html: str, *, url_fetcher: Any = None) -> tuple[bytes, int]:
    """Like :func:`render_html_to_pdf`, also returning the page count (no re-parsing needed)."""
    import weasyprint  # imported here: loading it costs ~0.3 s, which web requests rarely need

    fetcher = url_fetcher if url_fetcher is not None else make_url_fetcher()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        **PDF_OPTIONS  # the layout needs them too: tagging marks the content as it is drawn
    )
    return bytes(document.write_pdf(**PDF_OPTIONS)), len(document.pages)


def render_pdf(template_name: str, context: dict[str, Any], *, url_fetcher: Any = None) -> bytes:
    """Render a Django template (extending ``pdf/base.html``) to PDF bytes."""
    context = {"brand": Brand(), **context}  # the default look unless the caller brings one
    return render_html_to_pdf(render_to_string(template_name, context), url_fetcher=url_fetcher)


def harfbuzz_subsetting_available() -> bool:
    """Does WeasyPrint subset fonts with HarfBuzz (fast) rather than fontTools (slow)?

    WeasyPrint (``weasyprint/pdf/fonts.py``, ``Font.subset``) takes the HarfBuzz path only when
    ``weasyprint.text.ffi.harfbuzz_subset`` loaded (Debian's ``libharfbuzz-subset0``) and HarfBuzz
    is at least 4.1.0; otherwise it logs a warning and falls back to fontTools, ~50 % slower.
    """
    from weasyprint.text import ffi  # imported here: loading WeasyPrint costs ~0.3 s

    return bool(ffi.harfbuzz_subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0))
