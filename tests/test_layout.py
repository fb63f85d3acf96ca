"""The page layout around every page (menu, brand, footer): in the reader's language, under the
site's URL prefix, with the reader's own name and CSRF token, and nothing of another request."""

import pytest
from django.test import Client
from django.urls import clear_script_prefix, set_script_prefix

from accounts.models import User


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


@pytest.mark.django_db
def test_the_layout_follows_the_language_from_one_request_to_the_next() -> None:
    # Swedish, English, Swedish again in one process: no request sees another's language.
    alice = User.objects.create_user("alice", password="x")
    client = Client()
    client.force_login(alice)
    seen = []
    for language in ("sv", "en", "sv"):
        client.cookies["django_language"] = language
        seen.append(client.get("/").content.decode())
    assert "Byt lösenord" in seen[0]
    assert "Change password" not in seen[0]
    assert "Change password" in seen[1]
    assert "Byt lösenord" not in seen[1]
    assert "Byt lösenord" in seen[2]
    assert "Change password" not in seen[2]


@pytest.mark.django_db
def test_the_layout_links_carry_the_sites_url_prefix() -> None:
    # Served under /kfp/ (as WSGI's SCRIPT_NAME sets it behind a proxy path), then at the root.
    alice = User.objects.create_user("alice", password="x")
    client = Client()
    client.force_login(alice)
    set_script_prefix("/kfp/")
    try:
        prefixed = client.get("/").content.decode()
    finally:
        clear_script_prefix()
    assert 'action="/kfp/accounts/logout/"' in prefixed
    assert 'href="/kfp/accounts/password-change/"' in prefixed
    plain = client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in plain
    assert "/kfp/" not in plain


def test_the_login_page_layout_is_in_the_visitors_language() -> None:
    visitor = Client()
    visitor.cookies["django_language"] = "en"
    page = visitor.get("/accounts/login/").content.decode()
    assert "Skip to content" in page
    assert "Hoppa till innehållet" not in page
