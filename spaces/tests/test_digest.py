"""Issue 18, point 4: the weekly digest is titled with the week in words, leaves out the
reader's own posts, and follows the choice for all spaces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outbox.models import OutgoingEmail
from spaces import services
from spaces.models import MailPreference, Post
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(dt.datetime(2026, 12, 7, 7, 0))  # the week before: 30 Nov – 6 Dec


def _post(sw: SpacesWorld, title: str, author: object, when: dt.datetime) -> Post:
    post = PostFactory(space=sw.space, title=title, author=author, organisation=sw.world.org_a)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return post


@pytest.mark.parametrize(
    ("now", "language", "title"),
    [
        (MONDAY, "sv", "Veckan 30 november – 6 december 2026"),
        (MONDAY, "en", "30 November – 6 December 2026"),  # "Week of" once the .po is merged
        (
            timezone.make_aware(dt.datetime(2027, 1, 4, 7, 0)),
            "sv",
            "Veckan 28 december 2026 – 3 januari 2027",
        ),
    ],
)
def test_the_digest_is_titled_with_the_week_in_words(
    sw: SpacesWorld, now: dt.datetime, language: str, title: str
) -> None:
    b = sw.world.contact_b
    b.preferred_language = language
    b.save(update_fields=["preferred_language"])
    MailPreference.objects.create(user=b, mode="weekly")  # the choice for all spaces is enough
    _post(sw, "Veckans tips", sw.world.contact_a, now - dt.timedelta(days=2))
    assert services.send_weekly_digests(now=now) == 1
    email = OutgoingEmail.objects.get()
    assert title in email.subject
    assert title in email.body
    assert title in email.html_body
    assert "W4" not in email.subject
    assert "W5" not in email.subject


def test_the_digest_leaves_out_the_readers_own_posts(sw: SpacesWorld) -> None:
    a, b = sw.world.contact_a, sw.world.contact_b
    for user in (a, b):
        MailPreference.objects.create(user=user, mode="weekly")
    _post(sw, "Annas tips", a, MONDAY - dt.timedelta(days=3))
    _post(sw, "Cecilias fråga", b, MONDAY - dt.timedelta(days=2))
    assert services.send_weekly_digests(now=MONDAY) == 2
    to_a = OutgoingEmail.objects.get(to=["anna_a@example.org"]).body
    to_b = OutgoingEmail.objects.get(to=["cecilia_b@example.org"]).body
    assert "Cecilias fråga" in to_a
    assert "Annas tips" not in to_a
    assert "Annas tips" in to_b
    assert "Cecilias fråga" not in to_b


def test_no_digest_when_the_week_held_only_the_readers_own_posts(sw: SpacesWorld) -> None:
    b = sw.world.contact_b
    MailPreference.objects.create(user=b, mode="weekly")
    _post(sw, "Bara mitt", b, MONDAY - dt.timedelta(days=1))
    assert services.send_weekly_digests(now=MONDAY) == 0
    assert not OutgoingEmail.objects.exists()


def test_an_exception_for_a_space_wins_over_the_weekly_choice_for_all(sw: SpacesWorld) -> None:
    b = sw.world.contact_b
    MailPreference.objects.create(user=b, mode="weekly")
    services.set_subscription(space=sw.space, user=b, mode="each_post")
    _post(sw, "Veckans tips", sw.world.contact_a, MONDAY - dt.timedelta(days=2))
    assert services.send_weekly_digests(now=MONDAY) == 0  # b has every post from this space


def test_replies_in_a_thread_reach_its_weekly_participants_in_the_digest(sw: SpacesWorld) -> None:
    """Issue 18: a reply notifies the thread's author and participants per their choice; for
    those who chose the weekly digest it is listed there, not for the one who replied."""
    from spaces.models import Comment
    from spaces.tests.factories import CommentFactory

    a, b = sw.world.contact_a, sw.world.contact_b
    for user in (a, b):
        MailPreference.objects.create(user=user, mode="weekly")
    # An older thread started by b; a replied twice this week.
    thread = _post(sw, "Laddstolpar på jobbet?", b, MONDAY - dt.timedelta(days=20))
    for days in (3, 2):
        reply = CommentFactory(post=thread, author=a, organisation=sw.world.org_a)
        Comment.objects.filter(pk=reply.pk).update(created_at=MONDAY - dt.timedelta(days=days))
    assert services.send_weekly_digests(now=MONDAY) == 1
    email = OutgoingEmail.objects.get()
    assert email.to == ["cecilia_b@example.org"]
    assert "Laddstolpar på jobbet?" in email.body
    assert "2 nya svar" in email.body
    assert f"/spaces/posts/{thread.pk}/" in email.html_body
