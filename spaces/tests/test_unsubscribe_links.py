"""Issue 15, point 8: the unsubscribe link in a space's mail is opaque and expires.

The URL carries a random token and nothing else: no user id, no space id, no username, and no
base64 of them (the old signed token was readable JSON). Only the token's digest is stored. A link
works without a login for ``SPACES_UNSUBSCRIBE_LINK_DAYS`` days; after that the page says so and
asks the reader to log in, and nothing changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from contextlib import AbstractContextManager
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activities.tests.factories import ActivityFactory
from outbox.models import OutgoingEmail
from spaces import services, tasks
from spaces.models import Post, Space, Subscription, UnsubscribeLink
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import PostFactory
from tests.fixtures import client_for

OPAQUE_URL = re.compile(r"/spaces/unsubscribe/([A-Za-z0-9_-]{43})/")


def _at(moment: dt.datetime) -> AbstractContextManager[Any]:
    """The clock reads ``moment`` inside the block (no time-travel library in this project)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_link_names_no_user_and_no_space(sw: SpacesWorld) -> None:
    user = UserFactory(pk=987654321, username="zacharias_unik")
    space = Space.objects.create(
        pk=876543210, kind=Space.Kind.WORKING_GROUP, activity=ActivityFactory()
    )
    tokens = [services.make_unsubscribe_token(user_id=user.pk, space_id=space.pk) for _ in "ab"]
    tokens.append(services.make_unsubscribe_token(user_id=user.pk, space_id=services.ALL_SPACES))
    assert len(set(tokens)) == 3  # nothing is derived from the ids: every link is new
    for token in tokens:
        url = reverse("spaces:unsubscribe", args=[token])
        assert OPAQUE_URL.fullmatch(url), url
        decoded = base64.urlsafe_b64decode(token + "=").decode("latin-1")
        for readable in ("987654321", "876543210", "zacharias_unik"):
            assert readable not in url
            assert readable not in decoded
    stored = list(UnsubscribeLink.objects.values_list("token_digest", flat=True))
    assert len(stored) == 3
    assert not set(tokens) & set(stored)  # a copy of the table cannot be used as links


def test_every_link_of_a_weekly_digest_is_opaque_and_works(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 7, 0))  # a Monday
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, title="Veckans fråga")
    Post.objects.filter(pk=post.pk).update(created_at=now - dt.timedelta(days=3))
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_weekly_digests(now=now) == 1
    body = OutgoingEmail.objects.get().body
    tokens = OPAQUE_URL.findall(body)
    assert len(tokens) == 2  # this space, and every space
    assert "/spaces/unsubscribe/" not in OPAQUE_URL.sub("", body)  # no other form of link
    # The second link is "every space": it turns off the member's mail from all of them.
    second = Space.objects.get(challenge__number=6)  # B's other grouping
    services.set_subscription(space=second, user=sw.world.contact_b, mode="each_post")
    response = client_for(None).post(reverse("spaces:unsubscribe", args=[tokens[1]]))
    assert response.status_code == 200
    modes = set(Subscription.objects.filter(user=sw.world.contact_b).values_list("mode", flat=True))
    assert modes == {"none"}


def test_a_link_works_until_it_expires_then_asks_to_log_in(sw: SpacesWorld) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    sent = timezone.now()
    with _at(sent):
        token = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=sw.space.pk)
    url = reverse("spaces:unsubscribe", args=[token])
    days = settings.SPACES_UNSUBSCRIBE_LINK_DAYS
    assert days == 60  # the documented lifetime (README threat model, settings.py)

    with _at(sent + dt.timedelta(days=days) - dt.timedelta(minutes=1)):
        page = client_for(None).get(url)
    assert page.status_code == 200
    assert sw.space.name in page.content.decode()

    with _at(sent + dt.timedelta(days=days)):
        for method in ("get", "post"):
            response = getattr(client_for(None), method)(url)
            assert response.status_code == 410
            html = response.content.decode()
            assert "Länken har gått ut" in html
            assert reverse("spaces:space_list") in html  # the way to sign in and change it
            assert sw.space.name not in html  # an expired link tells nothing more
    assert Subscription.objects.get(user=sw.world.contact_b).mode == "weekly"


@override_settings(SPACES_UNSUBSCRIBE_LINK_DAYS=2)
def test_the_lifetime_comes_from_settings_and_the_service_refuses_an_expired_link(
    sw: SpacesWorld,
) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="each_post")
    sent = timezone.now()
    with _at(sent):
        token = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=sw.space.pk)
    with _at(sent + dt.timedelta(days=2, seconds=1)), pytest.raises(ValidationError) as caught:
        services.unsubscribe(token=token)
    assert caught.value.code == "expired"
    assert Subscription.objects.get(user=sw.world.contact_b).mode == "each_post"
    with _at(sent + dt.timedelta(days=1)):
        assert services.unsubscribe(token=token) == 1


def test_expired_links_are_deleted_with_the_weekly_digest_run(sw: SpacesWorld) -> None:
    sent = timezone.now() - dt.timedelta(days=settings.SPACES_UNSUBSCRIBE_LINK_DAYS + 1)
    with _at(sent):
        old = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=0)
    fresh = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=0)
    tasks.send_weekly_digests()
    assert UnsubscribeLink.objects.count() == 1
    response = client_for(None).get(reverse("spaces:unsubscribe", args=[old]))
    assert response.status_code == 400  # gone: like a link that never existed
    assert client_for(None).get(reverse("spaces:unsubscribe", args=[fresh])).status_code == 200
