"""Reads for the shared spaces: who is a member, what each user may see, the space page, the
knowledge library, matchmaking and the knowledge-sharing indicator counts.

Membership is derived, never copied: the organisations of a challenge grouping are those with
the challenge in a *confirmed* commitment set of a current partnership period (open for changes,
or running this year); the organisations of a working group are the activity's participations.
The office is in every space.

Every list is a queryset: related rows through ``select_related``/``prefetch_related`` and the
counts a page shows as ``Subquery`` annotations, so a page's query count does not grow with its
rows (spaces/tests/test_query_budgets.py).
"""

from __future__ import annotations

from spaces.selectors.indicators import (
    KnowledgeSharingCounts,
    knowledge_sharing_counts,
    space_count,
    space_use_count,
)
from spaces.selectors.library import (
    list_library,
    list_matching_questions,
    list_partners_looking,
    used_by_organisations,
)
from spaces.selectors.membership import (
    DEFAULT_MODE,
    current_commitments,
    get_mail_preference_mode,
    get_space,
    get_space_page,
    get_subscription_mode,
    is_member,
    list_member_organisations,
    list_spaces,
    list_subscription_exceptions,
    member_organisation_for,
    member_organisation_ids,
    spaces_of_organisations,
)
from spaces.selectors.posts import (
    LONG_TEXT,
    SEARCH_WORDS,
    get_attachment,
    get_comment,
    get_post,
    list_comments,
    list_posts,
    list_space_posts,
)

__all__ = [
    "DEFAULT_MODE",
    "LONG_TEXT",
    "SEARCH_WORDS",
    "KnowledgeSharingCounts",
    "current_commitments",
    "get_attachment",
    "get_comment",
    "get_mail_preference_mode",
    "get_post",
    "get_space",
    "get_space_page",
    "get_subscription_mode",
    "is_member",
    "knowledge_sharing_counts",
    "list_comments",
    "list_library",
    "list_matching_questions",
    "list_member_organisations",
    "list_partners_looking",
    "list_posts",
    "list_space_posts",
    "list_spaces",
    "list_subscription_exceptions",
    "member_organisation_for",
    "member_organisation_ids",
    "space_count",
    "space_use_count",
    "spaces_of_organisations",
    "used_by_organisations",
]
