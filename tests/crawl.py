"""A bounded HTTP crawl of the site as one signed-in user (issue 17, point 1).

``crawl(client)`` starts at the home page and follows every same-site link (GET only) and submits
every GET form (search, filters) with its default values, breadth first in document order, so
the same demo data gives the same pages in the same order. It never follows the logout or the
language switch (both are POST forms) and fetches a download (CSV, XLSX, PDF, calendar) for its
status only, without parsing it.

To stay bounded at the real demo size it opens at most ``paths_per_route`` different paths of one
URL pattern (``resolve(path).route``: three organisation pages stand for fifty-five) and at most
``queries_per_path`` query strings of one path (a survey's sections, a list's filters and pages);
of a download (PDF, CSV, XLSX, JSON, calendar) one path with at most two query strings.
Django's admin: one path per pattern, no query strings.

Each page is checked for a 5xx, for SVG numbers a browser cannot read (``svg_number_problems``)
and for template variable errors: with ``recording_invalid
_variables()`` active, TEMPLATES' ``string_if_invalid`` is an ``InvalidVariable`` that notes every
variable our templates (not third-party ones: the admin's and crispy-forms' rely on missing
variables rendering empty) could not resolve, with template and line.
"""

from __future__ import annotations

import inspect
import re
import time
import traceback
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

BASE_DIR = Path(settings.BASE_DIR).resolve()
VENV = BASE_DIR / ".venv"

# Never followed: they sign out, switch the language, or are files served outside Django.
SKIPPED_PREFIXES = ("/accounts/logout/", "/accounts/language/", "/static/", "/media/")
HTML = "text/html"
# Files (PDF, spreadsheets, exports) cost far more than a page and are only checked for their
# status: one path of such a pattern, with at most two query strings (its formats).
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".ics", "/download/", "/export/")


class InvalidVariable(str):
    """``string_if_invalid`` that records instead of rendering: Django formats it with the
    variable (``"%s" in string_if_invalid``), and ``__mod__`` notes where that happened."""

    found: list[str]

    def __new__(cls) -> InvalidVariable:
        instance = super().__new__(cls, "%s")
        instance.found = []
        return instance

    def __mod__(self, variable: object) -> str:
        where = _template_position()
        if where is not None:
            self.found.append(f"{where}: {{{{ {variable} }}}} could not be resolved")
        return ""


def _template_position() -> str | None:
    """``template:line`` of the node being rendered, when the template is ours."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == "render_annotated":
            node = frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            name = str(getattr(origin, "name", "") or "")
            if not name or Path(name).resolve().is_relative_to(VENV):
                return None
            token = getattr(node, "token", None)
            line = getattr(token, "lineno", "?")
            return f"{Path(name).resolve().relative_to(BASE_DIR)}:{line}"
        frame = frame.f_back
    return None


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_NUMBER = r"-?\d+(?:\.\d+)?"
_SVG_ATTRIBUTE = re.compile(r'\s(x|y|x1|x2|y1|y2|cx|cy|r|rx|dx|width|height)="([^"]*)"')
_POINTS = re.compile(r'\spoints="([^"]*)"')
_PATH = re.compile(r'\sd="([^"]*)"')
_VIEWBOX = re.compile(r'\sviewBox="([^"]*)"')
# x,y pairs each followed by a space, a path command or the end: "64,208,0 70,1" is refused.
_END = r"(?=\s|$|[MLHVZ])"
_POINTS_OK = re.compile(rf"^\s*(?:{_NUMBER},{_NUMBER}{_END}\s*)*$")
_PATH_OK = re.compile(rf"^\s*(?:[MLHVZ]\s*|{_NUMBER},{_NUMBER}{_END}\s*|{_NUMBER}{_END}\s*)*$")


def svg_number_problems(html: str) -> list[str]:
    """Numbers in the page's SVG that a browser cannot read: every coordinate and length must
    parse as a float (an optional % after it), points and paths must be x,y pairs with decimal
    points. A Swedish page once wrote ``y="208,0"`` and ``points="64,208,0 …"``."""
    problems = []
    for svg in _SVG.findall(html):
        for name, value in _SVG_ATTRIBUTE.findall(svg):
            try:
                float(value.removesuffix("%"))
            except ValueError:
                problems.append(f'{name}="{value}"')
        problems += [f'points="{v}"' for v in _POINTS.findall(svg) if not _POINTS_OK.match(v)]
        problems += [f'd="{v}"' for v in _PATH.findall(svg) if not _PATH_OK.match(v)]
        for box in _VIEWBOX.findall(svg):
            try:
                [float(part) for part in box.split()]
            except ValueError:
                problems.append(f'viewBox="{box}"')
    return problems


@contextmanager
def recording_invalid_variables() -> Iterator[InvalidVariable]:
    marker = InvalidVariable()
    templates: list[dict[str, Any]] = []
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        options: dict[str, Any] = dict(engine.get("OPTIONS", {}))
        options["string_if_invalid"] = marker
        templates.append({**engine, "OPTIONS": options})
    with override_settings(TEMPLATES=templates):
        yield marker


class _Page(HTMLParser):
    """The links and GET forms of a page (href and form fields as the browser would send)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.get_forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = (a.get("action", ""), [])
        elif self._form is not None and tag in {"input", "button"} and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "image", "reset", "file"}:
                return
            self._form[1].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif (
            self._select is not None
            and tag == "option"
            and (self._select_value is None or "selected" in a)
        ):
            self._select_value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            self._form[1].append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.get_forms.append(self._form)
            self._form = None


@dataclass
class Visit:
    url: str
    status: int
    route: str
    content_type: str
    seconds: float = 0.0


@dataclass
class CrawlResult:
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def representatives(self) -> dict[str, str]:
        """The first HTML page opened of each URL pattern (route → URL)."""
        found: dict[str, str] = {}
        for visit in self.visits:
            if visit.status == 200 and visit.content_type.startswith(HTML):
                found.setdefault(visit.route, visit.url)
        return found


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return str(match.route)


def _same_site(base: str, href: str) -> str | None:
    """The path + query of a link on this site, or None (other site, mailto:, fragment only)."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


def crawl(
    client: Client,
    *,
    start: str = "/",
    paths_per_route: int = 3,
    queries_per_path: int = 12,
    admin: bool = True,
    pdfs: bool = True,
    depth: int | None = None,
    marker: InvalidVariable | None = None,
    month_names: re.Pattern[str] | None = None,
) -> CrawlResult:
    """Open every page reachable from ``start`` within the bounds; see the module docstring.
    ``admin``: False opens only the admin's index of Django's admin site (its own pages are
    Django's, the same for every role and language: one crawl of them is enough).
    ``pdfs``: False leaves PDFs out (WeasyPrint takes seconds per file, the activity gallery
    over a minute on a loaded machine: one role's crawl fetches them).
    ``depth``: how many links away from ``start`` to go (None: no limit; 1: the page and what
    it links to, e.g. the page a POST redirected to).
    ``month_names``: a pattern that must not appear in any HTML page (e.g. English month
    abbreviations on a Swedish page)."""
    result = CrawlResult()
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    queued = {start}
    paths_of_route: dict[str, set[str]] = {}
    queries_of_path: dict[str, int] = {}
    download_routes: set[str] = set()

    def admit(url: str) -> bool:
        path, _, query = url.partition("?")
        route = _route(path)
        if route is None:
            return url not in queued  # a 404 link is still worth opening once
        if route.startswith("admin/") and route != "admin/" and not admin:
            return False
        if path.endswith(".pdf") and (not pdfs or query):
            return False
        download = route in download_routes or path.endswith(DOWNLOAD_SUFFIXES)
        limit = 1 if route.startswith("admin/") or download else paths_per_route
        paths = paths_of_route.setdefault(route, set())
        if path not in paths:
            if len(paths) >= limit:
                return False
            paths.add(path)
        if query:
            most = 2 if download else queries_per_path  # e.g. ?format=csv and ?format=xlsx
            if route.startswith("admin/") or queries_of_path.get(path, 0) >= most:
                return False
            queries_of_path[path] = queries_of_path.get(path, 0) + 1
        return True

    while queue:
        url, level = queue.popleft()
        if marker is not None:
            marker.found.clear()
        started = time.perf_counter()
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            where = traceback.extract_tb(exc.__traceback__)[-1]
            result.visits.append(Visit(url, 500, _route(url.partition("?")[0]) or "", ""))
            result.problems.append(
                f"{url}: 500 {type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"
            )
            continue
        content_type = response.get("Content-Type", "")
        path = url.partition("?")[0]
        result.visits.append(
            Visit(
                url,
                response.status_code,
                _route(path) or "(no route)",
                content_type,
                time.perf_counter() - started,
            )
        )
        if response.status_code >= 500:
            result.problems.append(f"{url}: {response.status_code}")
        if marker is not None and marker.found:
            result.problems += [f"{url}: {found}" for found in dict.fromkeys(marker.found)]
        if response.status_code in {301, 302, 303}:
            target = _same_site(url, response["Location"])
            if target and target not in queued and admit(target):
                queued.add(target)
                queue.append((target, level))  # the same page, moved: not a step further
            continue
        if response.status_code != 200 or not content_type.startswith(HTML):
            if response.status_code == 200:
                download_routes.add(result.visits[-1].route)
            continue  # downloads: status only
        html = response.content.decode()
        if month_names is not None:
            for match in dict.fromkeys(month_names.findall(html)):
                result.problems.append(f"{url}: month name {match!r} in the wrong language")
        if not path.startswith("/admin/"):  # the admin's icons are Django's, in rem and arcs
            result.problems += [f"{url}: SVG {found}" for found in svg_number_problems(html)]
        if depth is not None and level >= depth:
            continue
        page = _Page()
        page.feed(html)
        candidates = list(page.links)
        for action, fields in page.get_forms:
            target = _same_site(url, action or url)
            if target is not None:
                target_path = target.partition("?")[0]
                candidates.append(f"{target_path}?{urlencode(fields)}" if fields else target_path)
        for href in candidates:
            target = _same_site(url, href)
            if target and target not in queued and admit(target):
                queued.add(target)
                queue.append((target, level + 1))
    return result
