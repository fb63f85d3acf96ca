"""Issue 18, point 4: the office's space export opens in a browser (index.html with the files
beside it, times in Swedish local time) as well as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spaces import services
from spaces.models import Comment, Post
from spaces.tests.conftest import SpacesWorld
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
UTC = dt.UTC


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if tag == "a" and k == "href" and v]


def _export(sw: SpacesWorld) -> zipfile.ZipFile:
    response = client_for(sw.world.office).get(reverse("spaces:space_export", args=[sw.space.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_has_an_index_page_with_posts_comments_local_times_and_file_links(
    sw: SpacesWorld,
) -> None:
    post = services.create_post(
        space=sw.space,
        by=sw.world.contact_a,
        kind=Post.Kind.QUESTION,
        title="Resepolicy & <tåg>",
        body="Vi vill **minska** flygresorna.",
        upload=SimpleUploadedFile("plan för 2027.pdf", PDF),
    )
    comment = services.add_comment(post=post, by=sw.world.contact_b, body="Bra fråga!")
    # 23:30 UTC on 5 December is 00:30 on 6 December in Umeå (UTC+1 in winter).
    Post.objects.filter(pk=post.pk).update(created_at=dt.datetime(2026, 12, 5, 23, 30, tzinfo=UTC))
    # 10:15 UTC on 1 July is 12:15 in Umeå (summer time, UTC+2).
    Comment.objects.filter(pk=comment.pk).update(
        created_at=dt.datetime(2026, 7, 1, 10, 15, tzinfo=UTC)
    )
    services.hide_post(post=post, by=sw.world.office, reason="Fel rum")

    archive = _export(sw)
    assert {"index.html", "content.json"} <= set(archive.namelist())
    html = archive.read("index.html").decode()
    assert "<!DOCTYPE html>" in html
    assert "Resepolicy &amp; &lt;tåg&gt;" in html  # escaped: the title is text, not markup
    assert "<strong>minska</strong>" in html
    assert "Bra fråga!" in html
    assert "Beta Bygg AB" in html
    assert "6 december 2026 00:30" in html
    assert "1 juli 2026 12:15" in html
    assert "Fel rum" in html
    # Every link to a file opens the file stored beside the page.
    parser = _Links()
    parser.feed(html)
    file_links = [h for h in parser.hrefs if h.startswith("files/")]
    assert len(file_links) == 1
    assert archive.read(unquote(file_links[0])) == PDF

    data = json.loads(archive.read("content.json"))
    assert data["time_zone"] == "Europe/Stockholm"
    assert data["posts"][0]["created_at"] == "2026-12-06T00:30:00+01:00"
    assert data["posts"][0]["comments"][0]["created_at"] == "2026-07-01T12:15:00+02:00"


def test_an_empty_space_exports_a_page_that_says_so(sw: SpacesWorld) -> None:
    html = _export(sw).read("index.html").decode()
    assert "Rummet har inga inlägg." in html
