"""Shared spaces in the browser: a partner contact asks a question in its grouping's space,
another member comments, and a third partner finds the post in the knowledge library."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from spaces import services
from spaces.models import Comment, Post
from spaces.tests.factories import commit_to
from tests.browser.conftest import blocking_violations
from tests.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_question_comment_and_library_search(world: World, login) -> None:
    commit_to(world.org_a, [1, 2, 3, 4, 5])
    commit_to(world.org_b, [3, 6, 7, 8, 9])
    outsider_org = OrganisationFactory(name="Cederträ Ekonomisk Förening")
    commit_to(outsider_org, [17, 18, 19, 20, 21])
    outsider = UserFactory(username="cyril_c")
    MembershipFactory(
        contact=ContactPersonFactory(user=outsider, email="cyril_c@example.org"),
        organisation=outsider_org,
    )
    services.ensure_spaces()

    # Anna (organisation A) asks a question in the grouping of challenge 3.
    page = login("anna_a")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rum").click()
    assert blocking_violations(page) == []
    page.get_by_role("link", name=re.compile(r"^3\. Skapa resepolicy")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("resepolicy")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Skriv ett inlägg").click()
    page.get_by_label("Typ av inlägg").select_option("question")
    page.get_by_label("Rubrik").fill("Hur får ni ledningen med på tåg före flyg?")
    page.get_by_label("Text").fill(
        "Vi skriver om vår **resepolicy** och vill höra era erfarenheter."
    )
    page.get_by_label("Dela i kunskapsbanken").check()
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Publicera").click()
    expect(page.get_by_test_id("message")).to_contain_text("publicerat")
    expect(page.get_by_test_id("post-body").locator("strong")).to_have_text("resepolicy")
    assert blocking_violations(page) == []
    post = Post.objects.get()
    assert post.kind == "question"
    assert post.organisation == world.org_a

    # Cecilia (organisation B, also committed to challenge 3) answers with a comment.
    page.context.clear_cookies()
    page = login("cecilia_b")
    page.goto(page.url.rstrip("/") + post.get_absolute_url())
    page.get_by_label("Din kommentar").fill("Vi räknade på restiden: tåget vann. Hör av er!")
    page.get_by_role("button", name="Kommentera").click()
    expect(page.get_by_test_id("comment")).to_contain_text("tåget vann")
    assert blocking_violations(page) == []
    assert Comment.objects.get().organisation == world.org_b

    # Cyril's organisation is not in the grouping, but the library finds the reusable post.
    page.context.clear_cookies()
    page = login("cyril_c")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Rum").click()
    page.get_by_role("link", name="Sök i kunskapsbanken").click()
    page.get_by_label("Sök", exact=True).fill("resepolicy")
    page.get_by_role("button", name="Sök", exact=True).click()
    item = page.get_by_test_id("library-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Hur får ni ledningen med på tåg före flyg?")
    assert blocking_violations(page) == []
