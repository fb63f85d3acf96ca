"""Writes for the shared spaces: creating the spaces, posts, comments and files, marking
questions answered, hiding posts, notification choices and the mails they lead to, and
recording reuse of library items. A package by concern (``spaces``, ``posts``,
``notifications``, ``export``); callers use ``spaces.services.<function>``.

Spaces are created by :func:`ensure_spaces`, which is idempotent and cheap when nothing is
missing. We call it from the places that already run periodically or on demand instead of from
signals on partners/activities models (house style: no domain workflow in signals, and those
models belong to other apps): the space list page (so a new grouping or working group shows up
on first access), the demo loader and a beat task (``spaces.tasks.ensure_spaces``, every
10 minutes) for the mails' sake.
"""

from spaces.services.export import export_space
from spaces.services.notifications import (
    ALL_SPACES,
    DEFAULT,
    DIGEST_POSTS_PER_SPACE,
    MAIL_EXCERPT,
    delete_expired_unsubscribe_links,
    digest_week,
    make_unsubscribe_token,
    notify_new_comment,
    notify_new_post,
    notify_post_hidden,
    read_unsubscribe_token,
    send_weekly_digests,
    set_mail_preference,
    set_subscription,
    unsubscribe,
    unsubscribe_link_days,
)
from spaces.services.posts import (
    add_comment,
    create_post,
    delete_comment,
    delete_post,
    edit_comment,
    edit_post,
    hide_post,
    mark_answered,
    record_library_use,
    unhide_post,
)
from spaces.services.spaces import ensure_spaces

__all__ = [
    "ALL_SPACES",
    "DEFAULT",
    "DIGEST_POSTS_PER_SPACE",
    "MAIL_EXCERPT",
    "add_comment",
    "create_post",
    "delete_comment",
    "delete_expired_unsubscribe_links",
    "delete_post",
    "digest_week",
    "edit_comment",
    "edit_post",
    "ensure_spaces",
    "export_space",
    "hide_post",
    "make_unsubscribe_token",
    "mark_answered",
    "notify_new_comment",
    "notify_new_post",
    "notify_post_hidden",
    "read_unsubscribe_token",
    "record_library_use",
    "send_weekly_digests",
    "set_mail_preference",
    "set_subscription",
    "unhide_post",
    "unsubscribe",
    "unsubscribe_link_days",
]
