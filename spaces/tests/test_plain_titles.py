"""Issue 15, point 7: post titles are plain text (no control, bidi-override or zero-width
characters); Swedish and other letters, hyphens and accents pass. Space names are not typed by
anyone: they are the challenge's or the activity's name (checked there)."""

from __future__ import annotations

import importlib
import logging

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from spaces import services
from spaces.models import Post
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import PostFactory
from tests.fixtures import client_for


def _post_data(title: str) -> dict[str, object]:
    return {"kind": "question", "title": title, "body": "Hur gör ni?", "link": ""}


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Resepolicy\u202e för alla", "U+202E"),
        ("Rese\u200bpolicy", "U+200B"),
        ("Rese\u2067policy", "U+2067"),
        ("Rese\x07policy", "U+0007"),
    ],
)
def test_a_post_title_with_hidden_characters_gets_a_field_error(
    sw: SpacesWorld, title: str, code: str
) -> None:
    response = client_for(sw.world.contact_a).post(
        reverse("spaces:post_create", args=[sw.space.pk]), _post_data(title)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["title"]
    assert code in errors["title"][0]
    assert "Hur gör ni?" in response.content.decode()  # what was typed is kept
    assert Post.objects.count() == 0


@pytest.mark.parametrize(
    "title", ["Återbruk på Ålidhem – tips?", "Café-möte: Sámi giellaguovddáš", "Naïve Ærø"]
)
def test_plain_titles_in_any_language_are_posted(sw: SpacesWorld, title: str) -> None:
    response = client_for(sw.world.contact_a).post(
        reverse("spaces:post_create", args=[sw.space.pk]), _post_data(title)
    )
    assert response.status_code == 302
    assert Post.objects.get().title == title


def test_the_service_refuses_a_hidden_title_from_any_caller(sw: SpacesWorld) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_post(
            space=sw.space, by=sw.world.contact_a, kind="post", title="Tips\ufeff", body="Text"
        )
    assert list(caught.value.message_dict) == ["title"]
    assert Post.objects.count() == 0


def test_the_data_migration_lists_existing_titles_that_break_the_rule(
    sw: SpacesWorld, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    good = PostFactory(space=sw.space, title="Vanlig rubrik")
    bad = PostFactory(space=sw.space, title="Rubrik")
    Post.objects.filter(pk=bad.pk).update(title="Rub\u202erik")  # as old data would be
    migration = importlib.import_module("spaces.migrations.0004_plain_post_titles")
    with caplog.at_level(logging.WARNING, logger="spaces.migrations"):
        migration.report_hidden_characters(apps, None)
    out = capsys.readouterr().out
    assert f"Post id={bad.pk} field=title: hidden or control characters U+202E" in out
    assert f"Post id={good.pk} " not in out
    assert "1 name(s) with hidden or control characters" in out
    assert len(caplog.records) == 1
    assert Post.objects.get(pk=bad.pk).title == "Rub\u202erik"  # reported, not changed
