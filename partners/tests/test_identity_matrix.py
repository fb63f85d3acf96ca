"""Issue 15, point 9: the identity-changing endpoints of tests/access_matrix.toml ([identity]),
each posted with data by every role of the access matrix; the effect is compared with the
reviewed expectation ("changed" or "refused") and no request may fail with a server error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts.models import User
from partners.models import ContactPerson, Membership
from tests.access_world import build
from tests.fixtures import World, client_for
from tests.test_access_matrix import ROLES, resolve_args
from tests.url_patterns import load_matrix

pytestmark = pytest.mark.django_db

EFFECTS = {"changed", "refused"}
LINK = re.compile(r"/accounts/reset/(?P<uid>[^/\s]+)/[^/\s]+/")


def _identity() -> tuple[Any, ...]:
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "email", "password", "is_active", "first_name", "last_name"
            )
        ),
        list(
            ContactPerson.objects.order_by("pk").values_list(
                "pk", "email", "first_name", "last_name", "user_id"
            )
        ),
        list(
            Membership.objects.order_by("pk").values_list(
                "pk", "contact_id", "organisation_id", "is_active", "is_main_contact",
                "is_survey_submitter",
            )
        ),
    )  # fmt: skip


def _roles() -> set[tuple[int, int, bool, bool]]:
    """Who holds a role that is granted: main contact or survey submitter."""
    held = Q(is_main_contact=True) | Q(is_survey_submitter=True)
    return set(
        Membership.objects.filter(held, is_active=True).values_list(
            "contact_id", "organisation_id", "is_main_contact", "is_survey_submitter"
        )
    )


def _links_astray() -> int:
    """Password links mailed to an address other than their login's own e-mail."""
    emails = dict(User.objects.values_list("pk", "email"))
    astray = 0
    for message in mail.outbox:
        for match in LINK.finditer(message.body):
            uid = int(force_str(urlsafe_base64_decode(match["uid"])))
            if [emails.get(uid, "").lower()] != [to.lower() for to in message.to]:
                astray += 1
    return astray


def _post_data(
    entry: dict[str, Any], samples: dict[str, Any], kwargs: dict[str, Any]
) -> dict[str, Any]:
    data = dict(entry.get("data", {}))
    if data.pop("keep_person", None):
        contact = Membership.objects.get(pk=kwargs["pk"]).contact
        data.update(first_name=contact.first_name, last_name=contact.last_name, email=contact.email)
    return data


def test_identity_endpoints_refuse_every_role_but_the_allowed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    samples = build(world)
    entries: dict[str, Any] = load_matrix()["identity"]  # type: ignore[assignment]
    users = world.users()
    failures: list[str] = []
    cells = 0
    for key, entry in entries.items():
        name = key.split("#", 1)[0]
        kwargs = resolve_args(entry.get("args", {}), samples)
        url = reverse(name, kwargs=kwargs)
        expected = dict(part.split("=", 1) for part in entry["effect"].split())
        assert set(expected) == set(ROLES), key
        assert set(expected.values()) <= EFFECTS, key
        watch = entry.get("watch", "identity")
        for role in ROLES:
            cells += 1
            client = client_for(users[role])
            client.raise_request_exception = False
            data = _post_data(entry, samples, kwargs)
            with transaction.atomic():
                mail.outbox = []
                before = _roles() if watch == "roles" else _identity()
                with django_capture_on_commit_callbacks(execute=True):
                    response = client.post(url, data)
                after = _roles() if watch == "roles" else _identity()
                effect = "changed" if after != before or _links_astray() else "refused"
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(f"{key} as {role}: server error {response.status_code}")
            elif effect != expected[role]:
                failures.append(f"{key} as {role}: expected {expected[role]}, got {effect}")
    print(f"\n{len(entries)} identity endpoints × {len(ROLES)} roles = {cells} cells")  # noqa: T201
    assert not failures, "\n".join(failures)
