"""Query budgets of the spaces pages (issue 19, point 5): the number of queries a page runs does
not grow with its rows. Each page is loaded with 5 and then 50 rows under the same budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Participation
from spaces import services
from spaces.models import Attachment, LibraryUse, Post, Space
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory
from tests.fixtures import client_for

SIZES = (5, 50)


def _file(post: Post, n: int) -> None:
    Attachment.objects.create(
        post=post, file=f"spaces/x/{post.pk}-{n}.pdf", original_name=f"bilaga-{n}.pdf",
        extension="pdf", content_type="application/pdf", size=1000 + n,
    )  # fmt: skip


def _posts(sw: SpacesWorld, n: int, **fields: object) -> list[Post]:
    """``n`` posts in the grouping, each with two comments and two files."""
    posts = []
    for i in range(n):
        post = PostFactory(
            space=sw.space, organisation=sw.world.org_a, title=f"Älvstranden {i}", **fields
        )
        CommentFactory(post=post, organisation=sw.world.org_b)
        CommentFactory(post=post, organisation=sw.world.org_a)
        _file(post, 1)
        _file(post, 2)
        LibraryUse.objects.create(post=post, organisation=sw.org_c)
        posts.append(post)
    return posts


def _within_budget(
    client: Client,
    url: str,
    budget: int,
    grow: Callable[[int], None],
    django_assert_max_num_queries: Callable[..., object],
) -> list[int]:
    """Load ``url`` after growing its rows to each of ``SIZES``; the rows shown each time."""
    client.get(url)  # warm-up: the session
    shown = []
    added = 0
    for size in SIZES:
        grow(size - added)
        added = size
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200
        shown.append(len(response.context["page_obj"].object_list))
    return shown


def test_space_list_budget(sw: SpacesWorld, django_assert_max_num_queries) -> None:
    def grow(n: int) -> None:
        for _i in range(n):
            activity = Activity.objects.create(
                title=f"Arbetsgrupp {Activity.objects.count()}",
                kind=Activity.Kind.INVESTIGATION,
                purpose="p",
                goal="g",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 6, 1),
            )
            Participation.objects.create(activity=activity, organisation=sw.world.org_a)
            services.ensure_spaces()
            PostFactory(space=Space.objects.get(activity=activity), organisation=sw.world.org_a)

    client = client_for(sw.world.contact_a)
    url = reverse("spaces:space_list")
    client.get(url)
    for size, added in zip(SIZES, (5, 45), strict=True):
        grow(added)
        # session, user, the user's organisations, the spaces to create (challenges,
        # activities without one, in a savepoint), the challenge spaces, and the working
        # groups' count and page (with their post counts): whatever the number of groups.
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert len(response.context["group_spaces"]) == size
        assert [s.post_count for s in response.context["group_spaces"]] == [1] * size


@pytest.mark.parametrize("role", ["office", "contact_a"])
def test_space_page_with_many_posts_budget(
    sw: SpacesWorld, role: str, django_assert_max_num_queries
) -> None:
    client = client_for(getattr(sw.world, role))
    url = sw.space.get_absolute_url()
    # session, user (office: its verified device), the space with its challenge and the user's
    # e-mail choice, the user's organisations and the member ids (access), the post count and
    # the page, the members, those looking for partners, the matching questions.
    shown = _within_budget(
        client, url, 11, lambda n: _posts(sw, n, kind=Post.Kind.QUESTION),
        django_assert_max_num_queries,
    )  # fmt: skip
    assert shown == [5, 10]  # ten a page


def test_post_page_with_many_comments_budget(
    sw: SpacesWorld, django_assert_max_num_queries
) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, kind=Post.Kind.QUESTION)
    client = client_for(sw.world.contact_b)
    url = post.get_absolute_url()
    client.get(url)
    for size, added in zip(SIZES, (5, 45), strict=True):
        for _i in range(added):
            CommentFactory(post=post, organisation=sw.world.org_b)
            _file(post, _i)
        # session, user, the post (space, author, organisation) and its files, the user's
        # organisations and the member ids (access), the comments with authors.
        with django_assert_max_num_queries(8):
            response = client.get(url)
        assert len(response.context["comments"]) == size
        assert response.content.decode().count('data-testid="comment"') == size


@pytest.mark.parametrize(
    ("query", "budget"),
    [("", 8), ("?q=älvstranden", 8), ("?q=ÄLVSTRANDEN&challenge={challenge}", 9)],
)
def test_library_with_many_files_budget(
    sw: SpacesWorld, query: str, budget: int, django_assert_max_num_queries
) -> None:
    client = client_for(sw.contact_c)
    url = reverse("spaces:library") + query.format(challenge=sw.space.challenge_id)
    # session, user, the user's organisations, the count and the page of items (use counts
    # annotated), their files, the filter's challenges and focus areas; a chosen challenge is
    # read once more when the form validates it.
    shown = _within_budget(
        client, url, budget, lambda n: _posts(sw, n, is_reusable=True),
        django_assert_max_num_queries,
    )  # fmt: skip
    assert shown == [5, 10]
    html = client.get(url).content.decode()
    assert html.count('data-testid="library-item"') == 10
    assert html.count("bilaga-2.pdf") == 10  # every item's files listed
