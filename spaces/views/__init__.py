"""Views of the shared spaces: HTTP in, a selector or service call, HTML out.

Access: a space's page and everything in it need ``spaces.view_space`` (office or member);
space names are public (they are the challenges and activities), so a non-member gets a 403
with a message. Posts and files are looked up through ``selectors.list_posts(visible_to=…)``,
so content of other spaces answers 404: its existence is not confirmed.
"""

from __future__ import annotations

from spaces.views.mail import MailPreferenceView, subscription_update, unsubscribe
from spaces.views.posts import (
    comment_create,
    comment_delete,
    comment_edit,
    post_create,
    post_delete,
    post_detail,
    post_edit,
    post_hide,
    post_mark_answered,
    post_unhide,
)
from spaces.views.shared import LIBRARY_PER_PAGE, NO_STORE, POSTS_PER_PAGE
from spaces.views.spaces import (
    LibraryView,
    SpaceListView,
    attachment_download,
    library_use,
    space_detail,
    space_export,
)

__all__ = [
    "LIBRARY_PER_PAGE",
    "NO_STORE",
    "POSTS_PER_PAGE",
    "LibraryView",
    "MailPreferenceView",
    "SpaceListView",
    "attachment_download",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "library_use",
    "post_create",
    "post_delete",
    "post_detail",
    "post_edit",
    "post_hide",
    "post_mark_answered",
    "post_unhide",
    "space_detail",
    "space_export",
    "subscription_update",
    "unsubscribe",
]
