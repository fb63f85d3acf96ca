"""Issue 18, point 4: one e-mail choice for all spaces (every post / weekly digest / nothing)
with per-space exceptions, instead of one save per space."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outbox.models import OutgoingEmail
from spaces import services
from spaces.models import MailPreference, Post, Space, Subscription
from spaces.tests.conftest import SpacesWorld
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def _post_in(space: Space, sw: SpacesWorld, title: str) -> Post:
    return services.create_post(
        space=space, by=sw.world.contact_a, kind=Post.Kind.TIP, title=title, body="Text"
    )


def _new_post_recipients(post: Post) -> set[str]:
    services.notify_new_post(post_id=post.pk)
    return {
        e.to[0]
        for e in OutgoingEmail.objects.filter(dedupe_key__startswith=f"spaces-post:{post.pk}:")
    }


def test_one_save_turns_on_mail_from_every_space_the_member_is_in(sw: SpacesWorld) -> None:
    b = sw.world.contact_b  # B is in challenges 3, 6, 7, 8 and 9
    response = client_for(b).post(reverse("spaces:mail_preference"), {"mode": "each_post"})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=b).mode == "each_post"
    assert not Subscription.objects.filter(user=b).exists()  # no row per space was needed

    # A posts in grouping 3 (shared with B): B gets mail, with no per-space save.
    assert "cecilia_b@example.org" in _new_post_recipients(_post_in(sw.space, sw, "Tips 3"))
    # A space B is not in: nothing, whatever B's choice for all spaces.
    other = Space.objects.get(challenge__number=4)  # A only
    assert "cecilia_b@example.org" not in _new_post_recipients(_post_in(other, sw, "Tips 4"))


def test_a_space_exception_overrides_the_choice_for_all_and_default_removes_it(
    sw: SpacesWorld,
) -> None:
    b = sw.world.contact_b
    services.set_mail_preference(user=b, mode="each_post")
    client = client_for(b)
    url = reverse("spaces:subscription_update", args=[sw.space.pk])
    assert client.post(url, {"mode": "none"}).status_code == 302
    assert "cecilia_b@example.org" not in _new_post_recipients(_post_in(sw.space, sw, "Tyst"))

    page = client.get(sw.space.get_absolute_url())
    assert page.context["subscription_mode"] == "none"
    assert client.post(url, {"mode": "default"}).status_code == 302
    assert not Subscription.objects.filter(user=b, space=sw.space).exists()
    page = client.get(sw.space.get_absolute_url())
    assert page.context["subscription_mode"] == "default"
    html = page.content.decode()
    assert 'id="mode-default" value="default" checked' in html
    assert "Som för alla mina rum" in html
    assert "(E-post vid varje nytt inlägg)" in html
    assert "cecilia_b@example.org" in _new_post_recipients(_post_in(sw.space, sw, "Hörs igen"))


def test_the_preference_page_lists_the_exceptions_and_refuses_a_bad_choice(
    sw: SpacesWorld,
) -> None:
    b = sw.world.contact_b
    services.set_mail_preference(user=b, mode="weekly")
    services.set_subscription(space=sw.space, user=b, mode="each_post")
    client = client_for(b)
    page = client.get(reverse("spaces:mail_preference"))
    assert page.status_code == 200
    assert page.context["form"].initial["mode"] == "weekly"
    exceptions = page.content.decode().split('data-testid="exceptions"')[1].split("</ul>")[0]
    assert sw.space.name in exceptions
    assert "E-post vid varje nytt inlägg" in exceptions

    response = client.post(reverse("spaces:mail_preference"), {"mode": "hourly"})
    assert response.status_code == 400
    assert response.context["form"].errors["mode"]
    assert MailPreference.objects.get(user=b).mode == "weekly"  # nothing lost


def test_the_strategic_group_has_no_spaces_to_choose_mail_for(sw: SpacesWorld) -> None:
    client = client_for(sw.world.strategic)
    response = client.post(reverse("spaces:mail_preference"), {"mode": "each_post"})
    assert response.status_code in {400, 403}
    assert not MailPreference.objects.filter(user=sw.world.strategic).exists()


def test_unsubscribing_from_one_space_keeps_the_others_and_all_spaces_stops_everything(
    sw: SpacesWorld,
) -> None:
    b = sw.world.contact_b
    services.set_mail_preference(user=b, mode="each_post")
    token = services.make_unsubscribe_token(user_id=b.pk, space_id=sw.space.pk)
    assert services.unsubscribe(token=token) == 1
    assert services.unsubscribe(token=token) == 0  # already off: nothing changes
    assert Subscription.objects.get(user=b, space=sw.space).mode == "none"
    assert MailPreference.objects.get(user=b).mode == "each_post"
    six = Space.objects.get(challenge__number=6)
    by_office = services.create_post(
        space=six, by=sw.world.office, kind="tip", title="Sex", body="x"
    )
    assert "cecilia_b@example.org" in _new_post_recipients(by_office)  # the others: still on
    assert "cecilia_b@example.org" not in _new_post_recipients(_post_in(sw.space, sw, "Tre"))

    everything = services.make_unsubscribe_token(user_id=b.pk, space_id=services.ALL_SPACES)
    services.set_subscription(space=six, user=b, mode="weekly")
    assert services.unsubscribe(token=everything) == 2  # the choice for all, and space 6
    assert MailPreference.objects.get(user=b).mode == "none"
    assert set(Subscription.objects.filter(user=b).values_list("mode", flat=True)) == {"none"}
