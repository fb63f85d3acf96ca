"""The access matrix (issue 7, SEC-9): every URL pattern × every role × GET and POST.

``tests/access_matrix.toml`` is the reviewed source of truth; a URL pattern missing from it (or an
entry for a pattern that no longer exists) fails :func:`test_every_url_pattern_is_in_the_matrix`.
Per cell we check the outcome, and:

* a refused POST leaves the database as it was (row counts of every table of our apps and a
  hash of the key tables' rows);
* pages that A's contacts may see contain none of B's sentinel values;
* unpublished survey figures reach only the office and the organisation they belong to.

``python -m tests.url_patterns`` lists missing patterns with a drafted entry to review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse

from tests.access_world import FIGURE_A, FIGURE_B, SENTINEL_B, build, figure_texts
from tests.fixtures import World, client_for
from tests.url_patterns import Route, all_routes, in_scope, load_matrix, missing

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "office", "strategic", "contact_a", "contact_a2", "contact_b", "inactive"]
OUTCOMES = {"ok", "deny", "login", "405"}
# Whose pages may show which unpublished figures.
FIGURE_A_FORBIDDEN = {"strategic", "contact_b"}
FIGURE_B_FORBIDDEN = {"strategic", "contact_a", "contact_a2"}
# Where any signed-in user changes only their own account (not counted as a write by the
# read-only strategic group).
OWN_ACCOUNT_URLS = {
    "password_change", "set_language", "logout", "login", "security:otp_setup",
    "security:otp_verify", "activities:calendar_settings", "spaces:unsubscribe",
}  # fmt: skip
OUR_APPS = [
    "accounts",
    "partners",
    "activities",
    "surveys",
    "reporting",
    "spaces",
    "outbox",
    "roadmap",
]
# Tables hashed row by row (the rest by row count): what an attacker would want to change.
KEY_MODELS = [
    "partners.Organisation",
    "partners.ContactPerson",
    "partners.Membership",
    "partners.CommitmentSet",
    "partners.Commitment",
    "partners.Declaration",
    "activities.Activity",
    "activities.Participation",
    "surveys.Response",
    "surveys.Answer",
    "reporting.ReportYear",
    "reporting.ReportJob",
    "spaces.Post",
]
USER_FIELDS = ["pk", "username", "password", "is_active", "is_staff", "is_superuser",
               "is_office_staff", "is_strategic_group", "email"]  # fmt: skip


def parse_cell(text: str) -> dict[str, str]:
    cells = dict(part.split("=", 1) for part in text.split())
    assert set(cells) == set(ROLES), f"roles in {text!r} must be exactly {ROLES}"
    assert set(cells.values()) <= OUTCOMES, f"outcomes in {text!r} must be among {OUTCOMES}"
    return cells


def resolve_args(args: dict[str, str], samples: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for param, spec in args.items():
        if spec.startswith("="):
            kwargs[param] = spec[1:]
            continue
        name, _, attribute = spec.partition(".")
        assert name in samples, f"no sample {name!r}: add it to tests/access_world.py"
        value = samples[name]
        kwargs[param] = (
            getattr(value, attribute or "pk") if hasattr(value, "pk") or attribute else value
        )
    return kwargs


def classify(response: HttpResponse) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        return "login" if location.startswith(reverse(settings.LOGIN_URL)) else "ok"
    if status in (403, 404):
        return "deny"
    if status == 405:
        return "405"
    if status >= 500:
        return f"server error {status}"
    return "ok"


def body_of(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    return raw.decode("utf-8", errors="ignore")


def fingerprint() -> tuple[Any, ...]:
    counts = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            counts.append((model._meta.label, model._base_manager.count()))
    digest = hashlib.sha256()
    for label in KEY_MODELS:
        model = apps.get_model(label)
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for row in user_model.objects.order_by("pk").values_list(*USER_FIELDS):
        digest.update(repr(row).encode())
    return (tuple(counts), digest.hexdigest())


@pytest.fixture
def samples(world: World) -> dict[str, Any]:
    return build(world)


def routes_in_scope() -> Iterator[Route]:
    matrix = load_matrix()
    return (route for route in all_routes() if in_scope(route, matrix))


def test_every_url_pattern_is_in_the_matrix() -> None:
    matrix = load_matrix()
    gaps = missing(matrix)
    assert not gaps, (
        "URL patterns without an entry in tests/access_matrix.toml (run "
        "`python -m tests.url_patterns` for drafts): " + ", ".join(r.name for r in gaps)
    )
    names = {route.name for route in routes_in_scope()}
    listed: dict[str, Any] = matrix["url"]  # type: ignore[assignment]
    stale = sorted(set(listed) - names)
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


def test_access_matrix(
    world: World, samples: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    matrix = load_matrix()
    entries: dict[str, Any] = matrix["url"]  # type: ignore[assignment]
    users = world.users()
    routes = [route for route in routes_in_scope() if route.name in entries]
    failures: list[str] = []
    cells = denied_posts = 0
    sentinels_b = [SENTINEL_B]
    for route in routes:
        entry = entries[route.name]
        url = reverse(route.name, kwargs=resolve_args(entry.get("args", {}), samples))
        for method in ("GET", "POST"):
            expected = parse_cell(entry[method])
            for role in ROLES:
                cells += 1
                client = client_for(users[role])
                client.raise_request_exception = False  # a crash is a failed cell, not the end
                where = f"{method} {url} ({route.name}) as {role}"
                # Each cell runs in a savepoint rolled back afterwards, so that an allowed POST
                # (say, the office removing a contact) cannot change what the next cell sees.
                with transaction.atomic():
                    before = fingerprint() if method == "POST" else None
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    outcome = classify(response)
                    changed = method == "POST" and fingerprint() != before
                    transaction.set_rollback(True)
                if outcome != expected[role]:
                    failures.append(
                        f"{where}: expected {expected[role]}, got {outcome} ({response.status_code})"
                    )
                    continue
                if method == "POST" and outcome != "ok":
                    denied_posts += 1
                    if changed:
                        failures.append(f"{where}: refused, but the database changed")
                writes = method == "POST" and changed and route.name not in OWN_ACCOUNT_URLS
                if role == "strategic" and writes:
                    failures.append(f"{where}: the read-only strategic group changed data")
                if method == "GET" and outcome == "ok" and response.status_code == 200:
                    text = body_of(response)
                    if role in ("contact_a", "contact_a2"):
                        leaked = [s for s in sentinels_b if s in text]
                        if leaked:
                            failures.append(f"{where}: shows organisation B's data {leaked}")
                    for figure, forbidden in (
                        (FIGURE_A, FIGURE_A_FORBIDDEN),
                        (FIGURE_B, FIGURE_B_FORBIDDEN),
                    ):
                        if role in forbidden and any(t in text for t in figure_texts(figure)):
                            failures.append(f"{where}: shows the unpublished figure {figure}")
    line = f"{len(routes)} URL patterns × {len(ROLES)} roles × 2 methods = {cells} cells"
    with capsys.disabled():  # shown in every run, not only with -s
        print(f"\n{line} ({denied_posts} refused POSTs checked for no database change)")  # noqa: T201
    assert not failures, line + "\n" + "\n".join(failures)


# --- mass assignment (ASVS 8.2.3) --------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields of the page's POST forms with their current values, as a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_post_form = a.get("method", "").lower() == "post"
        if not self._in_post_form or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("file", "submit", "button"):
                self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.fields.setdefault(name, []).append("")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_post_form = False


def test_mass_assignment_has_no_effect(world: World, samples: dict[str, Any]) -> None:
    """A's contact submits every form they may use, as filled in, plus fields they must not set:
    another organisation, publication flags, staff flags. Nothing of that may stick."""
    matrix = load_matrix()
    entries: dict[str, Any] = matrix["url"]  # type: ignore[assignment]
    org_b = world.org_b
    hostile = {
        "organisation": str(org_b.pk),
        "organisation_id": str(org_b.pk),
        "organisations": str(org_b.pk),
        "published": "on",
        "is_published": "on",
        "status": "published",
        "state": "approved",
        "is_staff": "on",
        "is_superuser": "on",
        "is_office_staff": "on",
        "is_strategic_group": "on",
        "user": str(world.office.pk),
    }
    probes = 0
    for route in routes_in_scope():
        entry = entries.get(route.name)
        if not entry or parse_cell(entry["POST"])["contact_a"] != "ok" or route.name in SKIP_MASS:
            continue
        if parse_cell(entry["GET"])["contact_a"] != "ok":
            continue
        url = reverse(route.name, kwargs=resolve_args(entry.get("args", {}), samples))
        client = client_for(world.contact_a)
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        parser = _FormFields()
        parser.feed(body_of(page))
        if not parser.fields:
            continue
        data: dict[str, Any] = {**parser.fields, **hostile}
        response = client.post(url, data)
        probes += 1
        assert response.status_code < 500, f"POST {url}: {response.status_code}"
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    contact_a = user_model.objects.get(pk=world.contact_a.pk)
    assert not contact_a.is_staff
    assert not contact_a.is_superuser
    assert not contact_a.is_office_staff
    assert not contact_a.is_strategic_group
    from partners.models import Membership

    assert not Membership.objects.filter(contact__user=world.contact_a, organisation=org_b).exists()
    for label in (
        "activities.Participation",
        "surveys.Response",
        "partners.CommitmentSet",
        "partners.Declaration",
    ):
        model = apps.get_model(label)
        # Nothing A's contact did created or moved anything to B (B has exactly its world rows).
        assert model.objects.filter(organisation=org_b).count() == 1, label
    from reporting.models import ReportYear

    assert not ReportYear.objects.filter(status=ReportYear.Status.PUBLISHED).exists()
    assert probes >= 3, f"only {probes} forms probed: the probe found too few forms"
    print(f"\n{probes} mass-assignment probes by organisation A's contact")  # noqa: T201


# Forms whose POST ends the session or sends mail; probing them would only stop the run.
SKIP_MASS = {"logout", "set_language", "password_change"}
