"""Mails about new posts, comments and hidden posts, sent as they happen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from outbox import mail
from spaces.markdown import excerpt
from spaces.models import Comment, Post, Subscription
from spaces.services.notifications.choices import (
    MAIL_EXCERPT,
    _choosing,
    _email_of,
    _still_members,
    _unsubscribe_url,
)


def notify_new_post(*, post_id: int) -> int:
    """Mail the members who chose "every post" for the space (not the author). Safe to call
    twice: each mail has a dedupe key per post and recipient. Returns the number queued."""
    post = Post.objects.select_related("space__challenge", "space__activity", "organisation").get(
        pk=post_id
    )
    if post.is_hidden:
        return 0
    space = post.space
    users = list(_choosing(space, Subscription.Mode.EACH_POST).exclude(pk=post.author_id or 0))
    post_url = mail.absolute_url(post.get_absolute_url())
    queued = 0
    for user in _still_members(users, space):
        address = _email_of(user)
        if not address:
            continue
        email = mail.send_mail(
            to=mail.recipient_for_user(user, address),
            template="spaces/mail/new_post",
            context={
                "post": post,
                "space": space,
                "excerpt": excerpt(post.body, MAIL_EXCERPT),
                "post_url": post_url,
                "action_url": post_url,
                "action_label": gettext_lazy("Läs inlägget"),
            },
            dedupe_key=f"spaces-post:{post.pk}:{user.pk}",
            # The unsubscribe page stops mail from this space with one POST, no login needed.
            unsubscribe=mail.Unsubscribe(url=_unsubscribe_url(user.pk, space.pk), one_click=True),
        )
        queued += email is not None
    return queued


def notify_new_comment(*, comment_id: int) -> int:
    """A reply: mail the thread's author and the others who commented (not the one replying)
    whose choice for the space is "every post". Safe to call twice (dedupe key per comment and
    recipient). Returns the number of mails queued."""
    comment = Comment.objects.select_related(
        "post__space__challenge", "post__space__activity", "organisation", "author"
    ).get(pk=comment_id)
    post = comment.post
    if post.is_hidden:
        return 0
    space = post.space
    participants = set(
        Comment.objects.filter(post=post).exclude(author=None).values_list("author_id", flat=True)
    )
    if post.author_id is not None:
        participants.add(post.author_id)
    participants.discard(comment.author_id or 0)
    if not participants:
        return 0
    users = list(_choosing(space, Subscription.Mode.EACH_POST).filter(pk__in=participants))
    url = mail.absolute_url(post.get_absolute_url()) + f"#comment-{comment.pk}"
    queued = 0
    for user in _still_members(users, space):
        address = _email_of(user)
        if not address:
            continue
        email = mail.send_mail(
            to=mail.recipient_for_user(user, address),
            template="spaces/mail/new_comment",
            context={
                "post": post,
                "comment": comment,
                "space": space,
                "is_author": user.pk == post.author_id,
                "excerpt": excerpt(comment.body, MAIL_EXCERPT),
                "action_url": url,
                "action_label": gettext_lazy("Läs svaret"),
            },
            dedupe_key=f"spaces-comment:{comment.pk}:{user.pk}",
            unsubscribe=mail.Unsubscribe(url=_unsubscribe_url(user.pk, space.pk), one_click=True),
        )
        queued += email is not None
    return queued


def notify_post_hidden(*, post_id: int) -> int:
    """Tell the author of a post the office hid why (whatever their mail choice: it is about
    their own words, not news from the space). Returns the number of mails queued (0 or 1)."""
    post = Post.objects.select_related(
        "space__challenge", "space__activity", "author__contact_person"
    ).get(pk=post_id)
    author = post.author
    if not post.is_hidden or author is None or not author.is_active or post.hidden_at is None:
        return 0
    address = _email_of(author)
    email = mail.send_mail(
        to=mail.recipient_for_user(author, address),
        template="spaces/mail/post_hidden",
        context={
            "post": post,
            "space": post.space,
            "action_url": mail.absolute_url(post.get_absolute_url()),
            "action_label": gettext_lazy("Se inlägget"),
        },
        dedupe_key=f"spaces-hidden:{post.pk}:{post.hidden_at.isoformat()}",
    )
    return int(email is not None)
