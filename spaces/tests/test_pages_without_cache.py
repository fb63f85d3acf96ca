"""The spaces pages keep nothing per process and read nothing from the cache: with the cache
server gone (a Redis nobody listens on), every page still answers (issue 19, point 3)."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory
from tests.fixtures import client_for

NO_CACHE_SERVER = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


@pytest.mark.parametrize("role", ["office", "contact_a", "strategic"])
def test_spaces_pages_answer_with_the_cache_server_down(sw: SpacesWorld, role: str) -> None:
    post = PostFactory(
        space=sw.space, organisation=sw.world.org_a, title="Älvstranden", is_reusable=True
    )
    CommentFactory(post=post, organisation=sw.world.org_b)
    client = client_for(getattr(sw.world, role))
    member = role != "strategic"  # the strategic group reads the library only
    pages = {
        reverse("spaces:space_list"): 200,
        sw.space.get_absolute_url(): 200 if member else 403,
        reverse("spaces:library"): 200,
        reverse("spaces:library") + "?q=älvstranden": 200,
        post.get_absolute_url(): 200,
    }
    with override_settings(CACHES=NO_CACHE_SERVER):
        caches.close_all()
        with pytest.raises(redis.exceptions.ConnectionError):  # the server really is gone
            caches["default"].get("probe")
        for url, status in pages.items():
            response = client.get(url)
            assert response.status_code == status, url
            if status == 200 and url != reverse("spaces:space_list"):
                assert "Älvstranden" in response.content.decode(), url
    caches.close_all()
