"""Issue 18, point 4: a reply notifies the thread's author and those who commented, per their
e-mail choice and never the one replying; mails carry a plain-text excerpt."""

from __future__ import annotations

import pytest

from outbox.models import OutgoingEmail
from partners.models import CommitmentSet
from spaces import services
from spaces.models import Comment, MailPreference, Post
from spaces.tests.conftest import SpacesWorld

pytestmark = pytest.mark.django_db

LONG = (
    "Vi har provat **tågresor** till Stockholm i ett år. "
    + "Det tar längre tid men går att arbeta på tåget. " * 12
)


def _reply_mails() -> dict[str, OutgoingEmail]:
    return {
        e.to[0]: e for e in OutgoingEmail.objects.filter(dedupe_key__startswith="spaces-comment:")
    }


def test_a_reply_mails_the_author_and_commenters_who_chose_every_post_not_the_replier(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    a, a2, b, office = sw.world.contact_a, sw.world.contact_a2, sw.world.contact_b, sw.world.office
    for user in (a, b, office):
        MailPreference.objects.create(user=user, mode="each_post")
    services.set_subscription(space=sw.space, user=a2, mode="weekly")  # an exception: weekly
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(
            space=sw.space, by=a, kind=Post.Kind.QUESTION, title="Tåg eller flyg?", body="Hur?"
        )
        services.add_comment(post=post, by=a2, body="Vi flyger fortfarande.")
    # a2's comment reached the author (a), not a2 (the replier, and weekly anyway), not b or
    # the office (each_post, but not in the thread: they had the new-post mail instead).
    assert set(_reply_mails()) == {"anna_a@example.org"}

    OutgoingEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(post=post, by=b, body=LONG)
    mails = _reply_mails()
    # The author hears of it; a2 commented but chose the weekly digest; b is the replier.
    assert set(mails) == {"anna_a@example.org"}
    email = mails["anna_a@example.org"]
    assert "Tåg eller flyg?" in email.subject
    assert "Beta Bygg AB" in email.body  # who answered
    assert "Vi har provat tågresor till Stockholm" in email.body  # plain text: no ** markup
    assert "**" not in email.body
    # An excerpt, not the whole comment (~300 characters, ending with an ellipsis).
    assert LONG.count("arbeta på tåget") > 10 > email.body.count("arbeta på tåget") > 0
    assert "…" in email.body
    assert f"/spaces/posts/{post.pk}/#comment-{comment.pk}" in email.body
    assert email.body.count("http") >= 2
    assert "\n/spaces/" not in email.body
    assert "List-Unsubscribe" in email.headers
    assert "Vi har provat tågresor" in email.html_body  # the HTML part: plain text too

    OutgoingEmail.objects.all().delete()
    services.set_subscription(space=sw.space, user=a2, mode="each_post")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(post=post, by=a, body="Tack båda!")
    # The author replies: both commenters hear of it (now each_post), the author does not.
    assert set(_reply_mails()) == {"bertil_a@example.org", "cecilia_b@example.org"}


def test_replies_skip_participants_who_chose_nothing_or_left_the_space(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    a, b, a2 = sw.world.contact_a, sw.world.contact_b, sw.world.contact_a2
    MailPreference.objects.create(user=a, mode="each_post")
    MailPreference.objects.create(user=a2, mode="each_post")
    services.set_subscription(space=sw.space, user=a2, mode="none")  # exception: nothing here
    post = services.create_post(
        space=sw.space, by=a, kind=Post.Kind.QUESTION, title="Fråga", body="Hur?"
    )
    services.add_comment(post=post, by=a2, body="Bra fråga")
    OutgoingEmail.objects.all().delete()
    CommitmentSet.objects.filter(organisation=sw.world.org_a).update(
        status=CommitmentSet.Status.DRAFT  # A is no longer in the grouping
    )
    reply = Comment.objects.create(post=post, body="Svar", author=b, organisation=sw.world.org_b)
    # a (the author) left with A's grouping; a2 chose nothing for this space.
    assert services.notify_new_comment(comment_id=reply.pk) == 0
    assert _reply_mails() == {}


def test_a_reply_mail_is_in_the_readers_language_and_not_sent_twice(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    a = sw.world.contact_a
    a.preferred_language = "en"
    a.save(update_fields=["preferred_language"])
    MailPreference.objects.create(user=a, mode="each_post")
    post = services.create_post(
        space=sw.space, by=a, kind=Post.Kind.QUESTION, title="Fråga", body="Hur?"
    )
    comment = services.add_comment(post=post, by=sw.world.contact_b, body="Så här.")
    assert services.notify_new_comment(comment_id=comment.pk) == 1
    assert services.notify_new_comment(comment_id=comment.pk) == 0  # dedupe key per recipient
    email = OutgoingEmail.objects.get(dedupe_key__startswith="spaces-comment:")
    assert "Kind regards" in email.body or "regards" in email.body.lower()
