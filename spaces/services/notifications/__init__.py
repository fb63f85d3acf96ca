"""Notification choices, unsubscribe links, the mail for every post, for replies, for a hidden
post's author, and the weekly digest.

A member's choice for a space is the space's :class:`~spaces.models.Subscription` row if there is
one (an exception), else their :class:`~spaces.models.MailPreference` (one choice for every
space), else no mail.
"""

from __future__ import annotations

from spaces.services.notifications.choices import (
    ALL_SPACES,
    DEFAULT,
    DIGEST_POSTS_PER_SPACE,
    MAIL_EXCERPT,
    delete_expired_unsubscribe_links,
    make_unsubscribe_token,
    read_unsubscribe_token,
    set_mail_preference,
    set_subscription,
    unsubscribe,
    unsubscribe_link_days,
)
from spaces.services.notifications.digests import digest_week, send_weekly_digests
from spaces.services.notifications.mails import (
    notify_new_comment,
    notify_new_post,
    notify_post_hidden,
)

__all__ = [
    "ALL_SPACES",
    "DEFAULT",
    "DIGEST_POSTS_PER_SPACE",
    "MAIL_EXCERPT",
    "delete_expired_unsubscribe_links",
    "digest_week",
    "make_unsubscribe_token",
    "notify_new_comment",
    "notify_new_post",
    "notify_post_hidden",
    "read_unsubscribe_token",
    "send_weekly_digests",
    "set_mail_preference",
    "set_subscription",
    "unsubscribe",
    "unsubscribe_link_days",
]
