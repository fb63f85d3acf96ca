"""The weekly digest of the spaces' posts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import policy
from activities.models import Participation
from outbox import mail
from spaces import selectors
from spaces.models import Comment, MailPreference, Post, Space, Subscription
from spaces.services.notifications.choices import (
    ALL_SPACES,
    DIGEST_POSTS_PER_SPACE,
    _email_of,
    _organisations_by_user,
    _site_url,
    _unsubscribe_url,
)

if TYPE_CHECKING:
    from accounts.models import User


def digest_week(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime, str]:
    """The last complete ISO week before ``now``: (start, end, label such as "2026-W47")."""
    today = timezone.localtime(now or timezone.now()).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    start_day = this_monday - dt.timedelta(days=7)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(this_monday, dt.time.min, tzinfo=zone)
    iso = start_day.isocalendar()
    return start, end, f"{iso.year}-W{iso.week:02d}"


def _weekly_readers(
    spaces: dict[int, Space],
) -> tuple[dict[int, list[Space]], dict[int, User]]:
    """Who gets a digest of which of these spaces: an exception row "weekly" for the space, or
    the choice for all spaces "weekly" and no exception row; only members (and the office).

    Queries: exception rows, weekly choices for all spaces, members of the spaces (two), the
    readers' organisations."""
    from accounts.models import User

    exceptions: dict[tuple[int, int], str] = {
        (user_id, space_id): mode
        for user_id, space_id, mode in Subscription.objects.filter(
            space_id__in=spaces, user__is_active=True
        ).values_list("user_id", "space_id", "mode")
    }
    weekly_by_default = set(
        MailPreference.objects.filter(
            mode=Subscription.Mode.WEEKLY, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    wanted: dict[int, list[int]] = defaultdict(list)
    for space_id in sorted(spaces):
        for user_id in sorted(weekly_by_default):
            if (user_id, space_id) not in exceptions:
                wanted[user_id].append(space_id)
    for (user_id, space_id), mode in sorted(exceptions.items()):
        if mode == Subscription.Mode.WEEKLY:
            wanted[user_id].append(space_id)
    if not wanted:
        return {}, {}
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted).select_related("contact_person")}
    members = _members_of_spaces(set(spaces.values()))
    organisations = _organisations_by_user(set(users))
    readers: dict[int, list[Space]] = {}
    for user_id, space_ids in sorted(wanted.items()):
        user = users.get(user_id)
        if user is None:
            continue
        mine = [
            spaces[pk]
            for pk in sorted(set(space_ids))
            if policy.is_office(user) or organisations[user_id] & members[pk]
        ]
        if mine:
            readers[user_id] = mine
    return readers, users


def _posts_of_week(start: dt.datetime, end: dt.datetime) -> dict[int, list[Post]]:
    """The week's shown posts per space, newest first."""
    posts_by_space: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.shown()
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("organisation")
        .defer("body", "body_html", "search_text")
        .order_by("-created_at", "-pk")  # newest first: a digest lists the newest
    ):
        posts_by_space[post.space_id].append(post)
    return posts_by_space


def _digest_parts(
    user_id: int,
    user_spaces: list[Space],
    *,
    recipient: mail.Recipient,
    posts_by_space: dict[int, list[Post]],
    replies: dict[int, dict[int, list[tuple[Post, int]]]],
    rendered: dict[tuple[int, str, tuple[int, ...], tuple[tuple[int, int], ...]], tuple[str, str]],
    site: str,
) -> list[dict[str, str]]:
    """One member's sections of the digest (text, HTML and the space's unsubscribe link); a
    section already rendered for the same key is reused from ``rendered``."""
    parts = []
    for space in user_spaces:
        all_posts = posts_by_space.get(space.pk, [])
        # The reader's own posts are no news to them.
        own = tuple(p.pk for p in all_posts if p.author_id == user_id)
        space_posts = [p for p in all_posts if p.author_id != user_id]
        # Replies by others in threads the reader started or took part in (issue 18).
        threads = replies.get(space.pk, {}).get(user_id, [])
        if not space_posts and not threads:
            continue
        key = (space.pk, recipient.locale, own, tuple((t.pk, n) for t, n in threads))
        if key not in rendered:
            section = {
                "space": space,
                "posts": space_posts[:DIGEST_POSTS_PER_SPACE],
                "more": max(0, len(space_posts) - DIGEST_POSTS_PER_SPACE),
                "threads": threads,
                "space_url": site + space.get_absolute_url(),
                "site": site,
            }
            with translation.override(recipient.locale):
                rendered[key] = (
                    render_to_string("spaces/mail/_digest_section.txt", section),
                    render_to_string("spaces/mail/_digest_section.html", section),
                )
        text, html = rendered[key]
        parts.append(
            {"text": text, "html": html, "unsubscribe_url": _unsubscribe_url(user_id, space.pk)}
        )
    return parts


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per member whose choice is the weekly digest (for a space, or for all spaces),
    listing last week's posts in each of those spaces, except their own. Never twice for the
    same member and week (outbox dedupe key), so the beat task may run again or late. Returns
    the number of mails queued.

    Queries: posts of the week, their spaces, then :func:`_weekly_readers`; then one or two per
    mail queued (the outbox's dedupe check and insert) and one per unsubscribe link.
    """
    start, end, label = digest_week(now)
    posts_by_space = _posts_of_week(start, end)
    replies = _replies_in_threads(start, end)
    if not posts_by_space and not replies:
        return 0
    spaces = {
        s.pk: s
        for s in Space.objects.filter(pk__in={*posts_by_space, *replies}).select_related(
            "challenge", "activity"
        )
    }
    readers, users = _weekly_readers(spaces)
    # A space's section of the digest is the same for every member reading the same language
    # who wrote none of its posts: render it once per space, language and the reader's own posts
    # left out (the expensive part), then join sections with each member's unsubscribe links.
    site = _site_url()
    week_start = start.date()
    week_end = (end - dt.timedelta(days=1)).date()
    # Key: space, language, the reader's own posts left out, the threads listed with their replies.
    rendered: dict[
        tuple[int, str, tuple[int, ...], tuple[tuple[int, int], ...]], tuple[str, str]
    ] = {}
    queued = 0
    for user_id, user_spaces in readers.items():
        user = users[user_id]
        address = _email_of(user)
        if not address:
            continue
        recipient = mail.recipient_for_user(user, address)
        parts = _digest_parts(
            user_id,
            user_spaces,
            recipient=recipient,
            posts_by_space=posts_by_space,
            replies=replies,
            rendered=rendered,
            site=site,
        )
        if not parts:
            continue
        email = mail.send_mail(
            to=recipient,
            template="spaces/mail/weekly_digest",
            context={
                "week": label,
                "week_start": week_start,
                "week_end": week_end,
                "same_year": week_start.year == week_end.year,
                "sections": parts,
            },
            dedupe_key=f"spaces-digest:{user_id}:{label}",
            unsubscribe=mail.Unsubscribe(url=_unsubscribe_url(user_id, ALL_SPACES), one_click=True),
        )
        queued += email is not None
    return queued


def _replies_in_threads(
    start: dt.datetime, end: dt.datetime
) -> dict[int, dict[int, list[tuple[Post, int]]]]:
    """Space → reader → [(thread, replies by others this week)] for every shown thread that got
    replies in the week, read by its author and everyone who commented on it (two queries)."""
    new_replies: dict[int, list[int]] = defaultdict(list)  # post → authors of this week's replies
    for post_id, author_id in Comment.objects.filter(
        created_at__gte=start, created_at__lt=end, post__hidden_at__isnull=True
    ).values_list("post_id", "author_id"):
        new_replies[post_id].append(author_id or 0)
    if not new_replies:
        return {}
    posts = Post.objects.filter(pk__in=new_replies).only("pk", "space_id", "title", "author_id")
    participants: dict[int, set[int]] = defaultdict(set)
    for post_id, author_id in Comment.objects.filter(post_id__in=new_replies).values_list(
        "post_id", "author_id"
    ):
        if author_id is not None:
            participants[post_id].add(author_id)
    found: dict[int, dict[int, list[tuple[Post, int]]]] = defaultdict(lambda: defaultdict(list))
    for post in posts.order_by("-pk"):
        readers = participants[post.pk] | ({post.author_id} if post.author_id else set())
        for reader in readers:
            by_others = sum(1 for a in new_replies[post.pk] if a != reader)
            if by_others:
                found[post.space_id][reader].append((post, by_others))
    return found


def _members_of_spaces(spaces: set[Space]) -> dict[int, frozenset[int]]:
    """Member organisation ids of many spaces in two queries (one per kind)."""
    by_challenge = {s.challenge_id: s.pk for s in spaces if s.challenge_id}
    by_activity = {s.activity_id: s.pk for s in spaces if s.activity_id}
    found: dict[int, set[int]] = defaultdict(set)
    if by_challenge:
        rows = (
            selectors.current_commitments()
            .filter(challenge_id__in=by_challenge)
            .values_list("challenge_id", "commitment_set__organisation_id")
        )
        for challenge_id, organisation_id in rows:
            found[by_challenge[challenge_id]].add(organisation_id)
    if by_activity:
        for activity_id, organisation_id in Participation.objects.filter(
            activity_id__in=by_activity
        ).values_list("activity_id", "organisation_id"):
            found[by_activity[activity_id]].add(organisation_id)
    return defaultdict(frozenset, {pk: frozenset(ids) for pk, ids in found.items()})
