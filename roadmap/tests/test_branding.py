"""Issue 20, point 5: the office uploads the partnership's logo and chooses its accent colour.

The colour must read as text on white and under white text (WCAG AA, 4.5:1); the logo is an
untrusted file shown to everyone, so an SVG that could run or fetch anything is refused and the
file is served only through the signed-in view, never as a public media URL.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from roadmap import branding, services
from roadmap.models import PartnershipBranding
from tests.fixtures import World, client_for

PNG = base64.b64decode(  # 1 x 1, colour #1f5e43
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGOQj3MGAAFgAMHWeG9lAAAAAElFTkSuQmCC"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Logo</title>'
    b'<rect width="10" height="10" fill="url(#g)"/><defs><linearGradient id="g">'
    b'<stop offset="0" stop-color="#1f5e43"/></linearGradient></defs></svg>'
)


@pytest.fixture(autouse=True)
def logo_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(PartnershipBranding._meta.get_field("logo"), "storage", storage)
    return tmp_path / "private"


# --- the accent colour ----------------------------------------------------------------------


def test_contrast_matches_the_wcag_reference_values() -> None:
    # WCAG's own examples: #767676 is the lightest grey with 4.5:1 on white; black is 21:1.
    assert branding.contrast_with_white("#000000") == pytest.approx(21.0)
    assert branding.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)
    assert branding.contrast_with_white("#777777") == pytest.approx(4.48, abs=0.01)


def test_accent_is_stored_in_lower_case_when_dark_enough() -> None:
    assert branding.validate_accent("#1F5E43") == "#1f5e43"
    assert branding.validate_accent("#767676") == "#767676"


@pytest.mark.parametrize("value", ["1f5e43", "#1f5e4", "#1f5e43a", "green", "#gg0000", ""])
def test_accent_must_be_written_as_hex(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        branding.validate_accent(value)
    assert error.value.code == "accent_format"


def test_too_light_accent_is_refused_with_a_darker_shade_offered() -> None:
    # Pure red has 4.0:1 on white (luminance 0.2126): not enough for text.
    with pytest.raises(ValidationError) as error:
        branding.validate_accent("#ff0000")
    message = error.value.messages[0]
    assert "4,0:1" in message
    suggestion = message.rsplit(" ", 1)[1].rstrip(".")
    assert suggestion == branding.darkest_needed("#ff0000")
    # The offer keeps the hue (only red), passes AA, and is the lightest shade that does.
    assert suggestion[3:] == "0000"
    assert branding.contrast_with_white(suggestion) >= 4.5
    lighter = f"#{int(suggestion[1:3], 16) + 3:02x}0000"
    assert branding.contrast_with_white(lighter) < 4.5


# --- the logo -------------------------------------------------------------------------------


def test_png_jpeg_and_plain_svg_logos_are_accepted() -> None:
    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (4, 3), (31, 94, 67)).save(jpeg, "JPEG")
    assert branding.check_logo(PNG).content_type == "image/png"
    checked = branding.check_logo(jpeg.getvalue())
    assert (checked.content_type, checked.width, checked.height) == ("image/jpeg", 4, 3)
    assert branding.check_logo(SVG).content_type == "image/svg+xml"


@pytest.mark.parametrize(
    ("svg", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo_svg_element",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo_svg_attribute"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="https://evil.example/t.png"/></svg>',
            "logo_svg_element",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
            b"x</p></foreignObject></svg>",
            "logo_svg_element",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/)"/></svg>',
            "logo_svg_attribute",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(https://evil.example/)"/></svg>',
            "logo_svg_attribute",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/);</style></svg>',
            "logo_svg_element",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
            "logo_svg_unreadable",
        ),
        (b"<svg><rect/></svg>", "logo_svg_element"),  # not in the SVG namespace
    ],
)
def test_svg_that_could_run_or_fetch_anything_is_refused(svg: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        branding.check_logo(svg)
    assert error.value.code == code


def test_a_file_that_only_claims_to_be_an_image_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        branding.check_logo(b"GIF89a not really" + b"\0" * 100)
    assert error.value.code == "logo_type"
    with pytest.raises(ValidationError) as error:
        branding.check_logo(PNG[:30])  # a truncated PNG
    assert error.value.code == "logo_type"


def test_a_logo_over_the_size_limit_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        branding.check_logo(PNG + b"\0" * branding.LOGO_MAX_BYTES)
    assert error.value.code == "logo_size"


# --- the office's page, the stylesheet and the logo URL ----------------------------------------


@pytest.mark.django_db
def test_office_sets_colour_and_logo_and_every_page_uses_them(world: World) -> None:
    office = client_for(world.office)
    url = reverse("roadmap:branding_update")
    assert office.get(url).status_code == 200
    response = office.post(
        url, {"accent": "#7A2E8E", "logo": SimpleUploadedFile("my logo.png", PNG)}
    )
    assert response.status_code == 302
    saved = PartnershipBranding.objects.get()
    assert (saved.accent, saved.logo_content_type, saved.updated_by) == (
        "#7a2e8e",
        "image/png",
        world.office,
    )
    assert "my logo" not in saved.logo.name  # the upload's name never reaches the disk

    partner = client_for(world.contact_a)
    page = partner.get(reverse("home")).content.decode()
    assert reverse("roadmap:branding_css") in page
    css = partner.get(reverse("roadmap:branding_css"))
    assert css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--kf-accent: #7a2e8e;" in body
    assert f"{reverse('roadmap:branding_logo')}?v={saved.version}" in body
    logo = partner.get(reverse("roadmap:branding_logo"))
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == PNG
    # The browser revalidates the stylesheet: unchanged colours cost a 304.
    again = partner.get(reverse("roadmap:branding_css"), HTTP_IF_NONE_MATCH=css["ETag"])
    assert again.status_code == 304
    # Someone signed out learns nothing, not even "unchanged", with the same ETag.
    stranger = Client().get(reverse("roadmap:branding_css"), HTTP_IF_NONE_MATCH=css["ETag"])
    assert stranger.status_code == 302


@pytest.mark.django_db
def test_a_change_of_colour_is_in_the_audit_trail_with_who_made_it(world: World) -> None:
    from audit.models import AuditEntry

    office = client_for(world.office)
    url = reverse("roadmap:branding_update")
    assert office.post(url, {"accent": "#1f5e43"}).status_code == 302
    assert office.post(url, {"accent": "#7a2e8e"}).status_code == 302
    entries = AuditEntry.objects.filter(content_type__model="partnershipbranding").order_by("at")
    # The singleton is created on the first save, then each choice is a change.
    assert [e.action for e in entries][-2:] == ["update", "update"]
    last = entries.last()
    assert last is not None
    assert last.actor == world.office
    assert last.changes["accent"] == ["#1f5e43", "#7a2e8e"]


@pytest.mark.django_db
def test_a_refused_colour_is_explained_and_nothing_changes(world: World) -> None:
    office = client_for(world.office)
    response = office.post(reverse("roadmap:branding_update"), {"accent": "#66cc99"})
    assert response.status_code == 400
    assert "kontrasten mot vitt" in response.content.decode()
    assert not PartnershipBranding.objects.exists()


@pytest.mark.django_db
def test_an_svg_logo_is_served_so_that_it_can_run_nothing(world: World) -> None:
    services.update_branding(
        accent="#1f5e43",
        logo=SimpleUploadedFile("logo.svg", SVG),
        remove_logo=False,
        by=world.office,
    )
    response = client_for(world.contact_b).get(reverse("roadmap:branding_logo"))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_service_refuses_a_hostile_svg_even_without_the_form(world: World) -> None:
    hostile = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    with pytest.raises(ValidationError):
        services.update_branding(
            accent="#1f5e43",
            logo=SimpleUploadedFile("logo.svg", hostile),
            remove_logo=False,
            by=world.office,
        )
    assert not PartnershipBranding.objects.exists()


@pytest.mark.django_db
def test_removing_the_logo_deletes_the_file_and_the_url_answers_404(
    world: World, django_capture_on_commit_callbacks, logo_storage: Path
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = services.update_branding(
            accent="#1f5e43",
            logo=SimpleUploadedFile("logo.png", PNG),
            remove_logo=False,
            by=world.office,
        )
    stored = logo_storage / row.logo.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        row = services.update_branding(
            accent="#1f5e43", logo=None, remove_logo=True, by=world.office
        )
    assert not row.logo
    assert not stored.exists()
    assert client_for(world.office).get(reverse("roadmap:branding_logo")).status_code == 404


@pytest.mark.django_db
def test_saving_the_same_choice_again_changes_nothing(world: World) -> None:
    first = services.update_branding(
        accent="#1f5e43", logo=None, remove_logo=False, by=world.office
    )
    again = services.update_branding(
        accent="#1f5e43", logo=None, remove_logo=False, by=world.strategic
    )
    assert again.version == first.version
    assert again.updated_by == world.office


@pytest.mark.django_db
def test_only_the_office_may_change_the_look(world: World) -> None:
    url = reverse("roadmap:branding_update")
    for user in (world.strategic, world.contact_a):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"accent": "#000000"}).status_code == 403
    assert not PartnershipBranding.objects.exists()


def test_a_small_file_that_decodes_to_a_huge_image_is_refused() -> None:
    from PIL import Image

    bomb = io.BytesIO()
    Image.new("1", (4100, 4000)).save(bomb, "PNG")  # a few kB on disk, 16 million pixels
    assert len(bomb.getvalue()) < branding.LOGO_MAX_BYTES
    with pytest.raises(ValidationError) as error:
        branding.check_logo(bomb.getvalue())
    assert error.value.code == "logo_pixels"
