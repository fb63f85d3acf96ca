"""The page layout's constant parts: rendered once per language and URL prefix, never with
anything of the request in them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation

from accounts.models import User

TEMPLATE = (
    "{% load i18n layout %}{% constant %}{% translate 'Logga ut' %} {% url 'home' %} "
    "[{{ secret }}]{% endconstant %}"
)


def render(context: dict[str, object]) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return engines["django"].from_string(TEMPLATE).render(context, request)


def test_constant_parts_follow_the_language_and_url_prefix() -> None:
    with translation.override("sv"):
        assert render({}) == "Logga ut / []"
    with translation.override("en"):
        assert render({}) == "Log out / []"
    set_script_prefix("/kfp/")
    try:
        with translation.override("sv"):
            assert render({}) == "Logga ut /kfp/ []"
    finally:
        clear_script_prefix()


def test_a_constant_part_never_shows_request_data() -> None:
    # Not even the first time it renders: the block sees an empty context.
    assert render({"secret": "organisationens data"}) == "Logga ut / []"


@pytest.mark.django_db
def test_pages_show_the_layout_in_the_users_language_with_their_own_csrf_and_name() -> None:
    alice = User.objects.create_user("alice", password="x", first_name="Alice", last_name="Ek")
    bob = User.objects.create_user("bob", password="x", first_name="Bob", last_name="Lund")
    pages = {}
    for user in (alice, bob):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Inloggad som Alice Ek" in pages["alice"]
    assert "Bob" not in pages["alice"]
    assert "Inloggad som Bob Lund" in pages["bob"]
    assert "Alice" not in pages["bob"]
    for page in pages.values():
        assert "Hoppa till innehållet" in page
        assert 'action="/accounts/logout/"' in page
        assert page.count('name="csrfmiddlewaretoken"') == 2
    english = Client()
    english.force_login(alice)
    english.cookies["django_language"] = "en"
    page = english.get("/").content.decode()
    assert "Skip to content" in page
    assert "Log out" in page
    assert "Logga ut" not in page
