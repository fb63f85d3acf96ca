from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from outbox.models import OutgoingEmail
from spaces import services, tasks
from spaces.models import Post, Space
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import PostFactory


def test_beat_runs_the_weekly_digest_and_space_creation() -> None:
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "spaces.tasks.send_weekly_digests" in schedule
    assert "spaces.tasks.ensure_spaces" in schedule
    weekly = schedule["spaces.tasks.send_weekly_digests"]["schedule"]
    assert weekly.day_of_week == {1}  # Mondays
    assert weekly.hour == {7}


def test_digest_task_sends_last_weeks_posts_once(sw: SpacesWorld) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, title="Förra veckan")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    first = tasks.send_weekly_digests.apply().get()
    second = tasks.send_weekly_digests.apply().get()
    assert (first, second) == (1, 0)
    assert OutgoingEmail.objects.count() == 1


def test_ensure_spaces_task_creates_missing_spaces(sw: SpacesWorld) -> None:
    Space.objects.filter(pk=sw.space.pk).delete()
    assert tasks.ensure_spaces.apply().get() == 1
    assert Space.objects.filter(challenge__number=3).exists()
