"""Issue 15, point 6: abuse limits on what a request can make the server do.

* An upload above the limit is refused from its ``Content-Length`` with 413, before one byte of
  the body is read (klimatfardplan.uploads), with a page that says what the limit is.
* An id beyond the database's integer is a 404 on every URL, never a 500
  (klimatfardplan.converters): run on PostgreSQL in CI, where such ids used to reach queries.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from klimatfardplan.converters import MAX_ID, IdConverter, parse_id
from spaces.models import Attachment, Post, Space
from tests.fixtures import World, client_for
from tests.url_patterns import all_routes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


# --- uploads -------------------------------------------------------------------------------------


class UnreadableBody:
    """A request body that records every attempt to read it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: Any) -> bytes:
        self.reads += 1
        return b""

    def readline(self, *args: Any) -> bytes:
        self.reads += 1
        return b""


@pytest.fixture
def space(world: World) -> Space:
    from spaces import services
    from spaces.tests.factories import commit_to

    commit_to(world.org_a, [3])
    services.ensure_spaces()
    return Space.objects.get(challenge__number=3)


def test_the_limits_have_one_source_and_the_request_limit_leaves_room_for_one_file() -> None:
    ten_mb = 10 * 1024 * 1024
    assert ten_mb == settings.UPLOAD_MAX_FILE_BYTES
    assert ten_mb == settings.SPACES_MAX_FILE_BYTES
    assert ten_mb == settings.PARTNERS_DECLARATION_MAX_BYTES
    assert settings.UPLOAD_MAX_REQUEST_BYTES == 11 * 1024 * 1024  # nginx: client_max_body_size 11m
    assert settings.FILE_UPLOAD_HANDLERS[0] == "klimatfardplan.uploads.RequestSizeLimitHandler"


def test_an_oversized_upload_is_refused_from_its_content_length_without_reading_it(
    world: World, space: Space
) -> None:
    body = UnreadableBody()
    response = client_for(world.contact_a).generic(
        "POST",
        reverse("spaces:post_create", args=[space.pk]),
        b"--gr4nsen--\r\n",  # replaced by ``body`` below; the claimed length is what counts
        content_type="multipart/form-data; boundary=gr4nsen",
        **{
            "CONTENT_LENGTH": str(settings.UPLOAD_MAX_REQUEST_BYTES + 1),
            "wsgi.input": body,
        },
    )
    assert response.status_code == 413
    assert body.reads == 0
    html = response.content.decode()
    assert "Filen är för stor" in html
    assert "10,0\xa0MB" in html or "10,0 MB" in html  # the limit, as Swedish filesizeformat
    assert Post.objects.count() == 0


@override_settings(UPLOAD_MAX_REQUEST_BYTES=4000)
def test_a_real_body_above_the_request_limit_stores_nothing(world: World, space: Space) -> None:
    client = client_for(world.contact_a)
    url = reverse("spaces:post_create", args=[space.pk])
    data = {"kind": "tip", "title": "Rapport", "body": "Se bilagan.", "link": ""}
    big = SimpleUploadedFile("rapport.pdf", PDF + b"0" * 5000, content_type="application/pdf")
    assert client.post(url, {**data, "file": big}).status_code == 413
    assert Post.objects.count() == 0
    assert Attachment.objects.count() == 0
    # Just under the limit, the same form goes through: the limit is the only thing that refused.
    small = SimpleUploadedFile("rapport.pdf", PDF + b"0" * 1000, content_type="application/pdf")
    assert client.post(url, {**data, "file": small}).status_code == 302
    assert Attachment.objects.get().size == len(PDF) + 1000


def test_a_form_without_a_file_is_not_affected(world: World, space: Space) -> None:
    response = client_for(world.contact_a).post(
        reverse("spaces:post_create", args=[space.pk]),
        {"kind": "tip", "title": "Utan fil", "body": "Bara text.", "link": ""},
    )
    assert response.status_code == 302


# --- ids beyond the database integer --------------------------------------------------------------

TOO_BIG = ["2147483648", "9999999999", "99999999999", "99999999999999999999"]


def _id_routes() -> list[str]:
    return sorted({r.route for r in all_routes() if "<id:" in r.route})


def test_every_id_in_our_urls_uses_the_bounded_converter() -> None:
    plain_int = [r.route for r in all_routes() if "<int:" in r.route and r.route[:6] != "admin/"]
    assert plain_int == []
    assert len(_id_routes()) >= 50  # partners, activities, surveys, reporting, spaces, audit


@pytest.mark.parametrize("value", TOO_BIG)
def test_an_id_beyond_the_database_integer_is_404_on_every_url(world: World, value: str) -> None:
    clients = {role: client_for(getattr(world, role)) for role in ("superuser", "contact_a")}
    for route in _id_routes():
        path = "/" + re.sub(r"<str:\w+>", "pdf", re.sub(r"<id:\w+>", value, route))
        for role, client in clients.items():
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                assert response.status_code == 404, (role, method, path, response.status_code)


def test_the_largest_integer_id_still_reaches_the_view(world: World) -> None:
    # 2147483647 is a valid id that simply does not exist: the view's own 404.
    response = client_for(world.office).get(f"/partners/{MAX_ID}/")
    assert response.status_code == 404
    assert reverse("partners:organisation_detail", args=[MAX_ID]) == f"/partners/{MAX_ID}/"
    with pytest.raises(NoReverseMatch):
        reverse("partners:organisation_detail", args=[MAX_ID + 1])


@pytest.mark.parametrize(
    "path",
    [
        "/admin/partners/organisation/99999999999999999999/change/",
        "/admin/activities/activity/2147483648/change/",
        "/admin/accounts/user/99999999999999999999/change/",
        "/admin/otp_totp/totpdevice/99999999999999999999/config/",
        "/admin/otp_totp/totpdevice/1/qrcode/",
    ],
)
def test_the_admin_never_answers_500_to_an_unknown_or_huge_id(world: World, path: str) -> None:
    client = client_for(world.superuser)
    client.raise_request_exception = False
    assert client.get(path).status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/activities/gallery.pdf?ids=99999999999999999999",
        "/activities/gallery.pdf?ids=%D9%A3",  # an Arabic-Indic digit: not an id either
        "/partners/matrix/?period=99999999999999999999",
        "/activities/?challenge=99999999999999999999",
        "/spaces/library/?challenge=99999999999999999999",
    ],
)
def test_ids_in_the_query_string_beyond_the_integer_are_ignored(world: World, path: str) -> None:
    client = client_for(world.office)
    client.raise_request_exception = False
    assert client.get(path).status_code in (200, 404)


def test_the_converter_and_parse_id_agree_on_what_an_id_is() -> None:
    converter = IdConverter()
    assert converter.to_python("2147483647") == MAX_ID
    with pytest.raises(ValueError, match="above"):
        converter.to_python("2147483648")
    assert re.fullmatch(converter.regex, "12345678901") is None  # eleven digits never match
    assert [parse_id(v) for v in ("0", "42", "2147483647", "2147483648", "4a", "", "٣")] == [
        0,
        42,
        MAX_ID,
        None,
        None,
        None,
        None,
    ]
