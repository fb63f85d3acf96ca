import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from security.testing import current_token, totp_device
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_from_every_app_page(world: World) -> None:
    client = Client()
    for url in ["/", reverse("roadmap:challenge_list"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_login_page_and_password_reset_need_no_login(world: World) -> None:
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200


def test_wrong_password_shows_the_ordinary_form_error_and_keeps_the_username(
    world: World,
) -> None:
    response = Client().post(reverse("login"), {"username": "kansli", "password": "wrong"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert 'value="kansli"' in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_right_password_signs_in_and_lands_on_the_overview(world: World, password: str) -> None:
    # Enrolled before this login: confirming a device ends the sessions that have not passed it.
    device = totp_device(world.office)
    client = Client()
    response = client.post(reverse("login"), {"username": "kansli", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    # Office staff pass the two-factor step first (issue 7), then land on the overview.
    step = client.get(reverse("home"))
    assert step.status_code == 302
    assert step["Location"].startswith(reverse("security:otp_verify"))
    client.post(step["Location"], {"token": current_token(device)})
    page = client.get(reverse("home"))
    assert "Kansliet" in page.content.decode()


def test_password_reset_mails_a_one_time_link_through_the_outbox(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.office.email = "kansli@example.org"
    world.office.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("password_reset"), {"email": "kansli@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("office", ["Klimatfärdplanen", "Administration"], []),
        ("strategic", ["Klimatfärdplanen"], ["Administration"]),
        ("contact_a", ["Klimatfärdplanen"], ["Administration"]),
    ],
)
def test_navigation_shows_each_role_its_own_entries(
    world: World, role: str, visible: list[str], hidden: list[str]
) -> None:
    html = client_for(world.users()[role]).get(reverse("home")).content.decode()
    nav = html.split('id="main-nav"', 1)[1].split("</ul>", 1)[0]
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav


def test_admin_is_open_to_office_and_closed_to_partners(world: World) -> None:
    assert client_for(world.office).get("/admin/").status_code == 200
    assert client_for(world.office).get("/admin/partners/organisation/").status_code == 200
    response = client_for(world.contact_a).get("/admin/")
    assert response.status_code == 302  # the admin sends non-staff to its login page
    assert client_for(world.contact_a).get("/admin/partners/organisation/").status_code == 302


def test_office_cannot_make_itself_superuser_in_the_admin(world: World) -> None:
    client = client_for(world.office)
    url = f"/admin/accounts/user/{world.office.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()


def test_switching_language_to_english_translates_the_page(world: World) -> None:
    client = client_for(world.office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Overview" in html


def test_an_english_browser_still_gets_swedish_until_english_is_chosen(world: World) -> None:
    client = client_for(world.office)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-SE").content.decode()
    assert '<html lang="en">' in html
