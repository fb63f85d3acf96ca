"""Bad input everywhere (issue 7, IN-1): every form of every POST URL, filled with random and
hostile values by Hypothesis, as the role that may use it. No response may be a server error,
and a refused submission (the form shown again) must leave the database exactly as it was.

Forms are discovered, not listed: each URL whose matrix row lets the office or A's contact POST
is fetched, its POST forms are parsed, and every field (files included) is fuzzed.
Examples per form: ``FUZZ_EXAMPLES`` (CI may raise it).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_world import build
from tests.fixtures import World, client_for
from tests.test_access_matrix import (
    _FormFields,
    body_of,
    fingerprint,
    load_matrix,
    parse_cell,
    resolve_args,
)
from tests.url_patterns import all_routes, in_scope

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# Forms that keep a draft as typed, valid or not, by design (the survey: "every field is saved
# as typed; its problem is shown"): for them only "never a server error" applies.
DRAFT_FORMS = {"surveys:response_form"}
# One-click actions whose POST ignores the body and answers 200 with the result, not the form
# again (RFC 8058: a mail client posts the unsubscribe link itself and reads no redirect).
ONE_CLICK = {"spaces:unsubscribe"}
# Posting these ends the session or is the login flow itself (fuzzed by the lockout tests).
SKIP = {"logout", "login", "set_language", "password_reset", "password_reset_confirm",
        "security:otp_setup", "security:otp_verify", "audit:contact_erase"}  # fmt: skip

HOSTILE = [
    "", " ", "\x00", "a\x00b", "A" * 10_000, "<script>alert(1)</script>", "' OR 1=1 --",
    "\u202egnp.exe", "😀" * 40, "-1", "0", "-0.0001", "1e309", "NaN", "Infinity",
    "99999999999999999999999999", "2026-02-30", "0000-00-00", "31/12/2025", "../../etc/passwd",
    "{{7*7}}", "${jndi:ldap://127.0.0.1/x}", "\r\nBcc: x@example.org", "１２３", "1,5", "1.5.5",
]  # fmt: skip
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.integers().map(str))
FILE_BODIES = [b"", b"%PDF-1.4\n%%EOF", b"<html><script>x</script></html>", b"\x00" * 2048,
               b"name;email\n\xff\xfe;x\n", os.urandom(4096)]  # fmt: skip
FILE_NAMES = ["a.pdf", "a.csv", "a.xlsx", "../../evil.pdf", "a.html.pdf", "x" * 300 + ".pdf"]


def _forms_to_fuzz(
    world: World, samples: dict[str, Any]
) -> list[tuple[str, str, str, dict[str, list[str]], list[str]]]:
    matrix = load_matrix()
    entries: dict[str, Any] = matrix["url"]  # type: ignore[assignment]
    found = []
    for route in all_routes():
        entry = entries.get(route.name)
        if not in_scope(route, matrix) or entry is None or route.name in SKIP:
            continue
        posts, gets = parse_cell(entry["POST"]), parse_cell(entry["GET"])
        role = next(
            (r for r in ("office", "contact_a") if posts[r] == "ok" and gets[r] == "ok"), None
        )
        if role is None:
            continue
        url = reverse(route.name, kwargs=resolve_args(entry.get("args", {}), samples))
        page = client_for(world.users()[role]).get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        parser = _FormFields()
        parser.feed(body_of(page))
        fields = {k: v for k, v in parser.fields.items() if k != "csrfmiddlewaretoken"}
        files = sorted(set(_file_inputs(body_of(page))))
        if fields or files:
            found.append((route.name, role, url, fields, files))
    return found


def _file_inputs(html: str) -> list[str]:
    import re

    return re.findall(r'<input[^>]*type="file"[^>]*name="([^"]+)"', html) + re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*type="file"', html
    )


def _fuzzer(
    name: str, role: str, url: str, fields: dict[str, list[str]], files: list[str], client: Any
) -> Any:
    """A Hypothesis test for one form, closed over that form's URL, fields and client."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        post: dict[str, Any] = {}
        for field, current in fields.items():
            # Keep some fields as the page filled them in, so that validation gets deep.
            post[field] = current if data.draw(st.booleans()) else data.draw(values)
        for field in files:
            body = data.draw(st.sampled_from(FILE_BODIES))
            post[field] = SimpleUploadedFile(data.draw(st.sampled_from(FILE_NAMES)), body)
        with transaction.atomic():
            before = fingerprint()
            response = client.post(url, post)
            after = fingerprint()
            transaction.set_rollback(True)
        assert response.status_code < 500, (
            f"{role} POST {url}: {response.status_code} for {post!r:.500}"
        )
        refused = response.status_code in (200, 400, 409)  # the form came back
        if refused and name not in DRAFT_FORMS | ONE_CLICK:  # nothing may be half-saved
            assert after == before, (
                f"{role} POST {url}: refused but half-saved, input {post!r:.500}"
            )

    return fuzz


def test_every_form_survives_random_and_hostile_input(world: World) -> None:
    samples = build(world)
    forms = _forms_to_fuzz(world, samples)
    assert len(forms) >= 10, f"only {len(forms)} forms discovered: discovery is broken"
    users = world.users()
    report: list[str] = []

    for name, role, url, fields, files in forms:
        client = client_for(users[role])
        client.raise_request_exception = False

        fuzz = _fuzzer(name, role, url, fields, files, client)
        fuzz()
        report.append(f"{url} as {role}: {len(fields) + len(files)} fields")
    print(f"\n{len(forms)} forms × {EXAMPLES} examples fuzzed:\n" + "\n".join(report))  # noqa: T201
