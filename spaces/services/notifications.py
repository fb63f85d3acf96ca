"""Notification choices, unsubscribe links, the mail for every post, for replies, for a hidden
post's author, and the weekly digest.

A member's choice for a space is the space's :class:`~spaces.models.Subscription` row if there is
one (an exception), else their :class:`~spaces.models.MailPreference` (one choice for every
space), else no mail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from activities.models import Participation
from outbox import mail
from partners.models import Membership
from spaces import selectors
from spaces.markdown import excerpt
from spaces.models import Comment, MailPreference, Post, Space, Subscription, UnsubscribeLink
from spaces.services.posts import require_contributor

if TYPE_CHECKING:
    from accounts.models import User

ALL_SPACES = 0  # the space id that asks for an "unsubscribe from every space" link
DIGEST_POSTS_PER_SPACE = 15  # a digest lists the newest; "and 12 more" links to the space
DEFAULT = selectors.DEFAULT_MODE  # a space's choice "as for all my spaces": no exception row
MAIL_EXCERPT = 300  # characters of plain text from a post or comment in a mail


@transaction.atomic
def set_subscription(*, space: Space, user: User, mode: str) -> Subscription | None:
    """The member's choice for one space: an exception to their choice for all spaces, or
    ``DEFAULT`` to follow it again (the exception is removed; None is returned)."""
    require_contributor(user, space)
    if mode == DEFAULT:
        Subscription.objects.filter(space=space, user=user).delete()
        return None
    if mode not in Subscription.Mode.values:
        raise ValidationError(_("Välj ett av alternativen."), code="mode")
    subscription, _created = Subscription.objects.update_or_create(
        space=space, user=user, defaults={"mode": mode}
    )
    return subscription


@transaction.atomic
def set_mail_preference(*, user: User, mode: str) -> MailPreference:
    """The user's choice for every space they are in (one save instead of one per space).
    The exceptions chosen per space stay."""
    # The office and partner contacts are in spaces; the strategic group only reads the library.
    if not (policy.is_office(user) or policy.is_partner_contact(user)):
        raise ValidationError(_("Du är inte medlem i något rum."), code="not_member")
    if mode not in Subscription.Mode.values:
        raise ValidationError(_("Välj ett av alternativen."), code="mode")
    preference, _created = MailPreference.objects.update_or_create(
        user=user, defaults={"mode": mode}
    )
    return preference


def _choosing(space: Space, mode: str) -> QuerySet[User]:
    """Active users whose choice for ``space`` is ``mode``: by the space's exception row, or by
    their choice for all spaces when the space has none (two EXISTS subqueries, one query)."""
    from accounts.models import User

    exception = Subscription.objects.filter(space=space, user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True)
        .filter(
            Exists(exception.filter(mode=mode))
            | (
                Exists(MailPreference.objects.filter(user=OuterRef("pk"), mode=mode))
                & ~Exists(exception)
            )
        )
        .select_related("contact_person")
        .order_by("pk")
    )


def unsubscribe_link_days() -> int:
    """How long a mail's unsubscribe link works (settings.SPACES_UNSUBSCRIBE_LINK_DAYS)."""
    return int(settings.SPACES_UNSUBSCRIBE_LINK_DAYS)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_unsubscribe_token(*, user_id: int, space_id: int) -> str:
    """A new unsubscribe link's token for the user and the space (``ALL_SPACES``: every space).

    The token is random and says nothing about whom it is for; only its digest is stored. It
    works without a login until it expires (``unsubscribe_link_days()`` from now)."""
    token = secrets.token_urlsafe(32)
    UnsubscribeLink.objects.create(
        token_digest=_digest(token),
        user_id=user_id,
        space_id=None if space_id == ALL_SPACES else space_id,
        expires_at=timezone.now() + dt.timedelta(days=unsubscribe_link_days()),
    )
    return token


def read_unsubscribe_token(token: str) -> UnsubscribeLink:
    """The link a token belongs to. ValidationError with code ``bad_token`` when no link has
    this token (mistyped, tampered or revoked) and ``expired`` when it has run out."""
    link = (
        UnsubscribeLink.objects.select_related("space__challenge", "space__activity")
        .filter(token_digest=_digest(token))
        .first()
    )
    if link is None:
        raise ValidationError(
            _("Länken för att avsluta e-postmeddelanden är ogiltig eller har ändrats."),
            code="bad_token",
        )
    if link.expires_at <= timezone.now():
        raise ValidationError(
            _(
                "Länken har gått ut. Logga in och ändra dina aviseringar i rummet "
                "för att sluta få e-post."
            ),
            code="expired",
        )
    return link


@transaction.atomic
def unsubscribe(*, token: str) -> int:
    """Turn mail off for the token's user and space (or every space). Returns the number of
    choices changed (0: mail was already off).

    One space: an exception "nothing" for that space (the choice for all spaces may be on).
    Every space: the choice for all spaces and every exception become "nothing"."""
    link = read_unsubscribe_token(token)
    none = Subscription.Mode.NONE
    subscriptions = Subscription.objects.filter(user_id=link.user_id).exclude(mode=none)
    if link.space_id is not None:
        subscription = Subscription.objects.filter(
            user_id=link.user_id, space_id=link.space_id
        ).first()
        if subscription is not None:
            return subscriptions.filter(pk=subscription.pk).update(
                mode=none, updated_at=timezone.now()
            )
        preference = MailPreference.objects.filter(user_id=link.user_id).first()
        Subscription.objects.create(user_id=link.user_id, space_id=link.space_id, mode=none)
        return int(preference is not None and preference.mode != none)
    changed = (
        MailPreference.objects.filter(user_id=link.user_id)
        .exclude(mode=none)
        .update(mode=none, updated_at=timezone.now())
    )
    MailPreference.objects.get_or_create(user_id=link.user_id, defaults={"mode": none})
    return changed + subscriptions.update(mode=none, updated_at=timezone.now())


def delete_expired_unsubscribe_links(*, now: dt.datetime | None = None) -> int:
    """Remove links that can no longer be used (run with the weekly digest). Returns how many."""
    deleted, _by_model = UnsubscribeLink.objects.expired(now or timezone.now()).delete()
    return deleted


def _site_url() -> str:
    return mail.site_url()


def _unsubscribe_url(user_id: int, space_id: int) -> str:
    token = make_unsubscribe_token(user_id=user_id, space_id=space_id)
    return _site_url() + reverse("spaces:unsubscribe", kwargs={"token": token})


def _email_of(user: User) -> str:
    contact = getattr(user, "contact_person", None)
    return (contact.email if contact is not None else "") or user.email


def _organisations_by_user(user_ids: set[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    rows = Membership.objects.filter(contact__user_id__in=user_ids, is_active=True).values_list(
        "contact__user_id", "organisation_id"
    )
    for user_id, organisation_id in rows:
        result[user_id].add(organisation_id)
    return result


def _still_members(users: list[User], space: Space) -> list[User]:
    """Those of ``users`` who are still in the space (membership is derived and may end)."""
    members = selectors.member_organisation_ids(space)
    organisations = _organisations_by_user({u.pk for u in users})
    return [u for u in users if policy.is_office(u) or organisations[u.pk] & members]


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


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per member whose choice is the weekly digest (for a space, or for all spaces),
    listing last week's posts in each of those spaces, except their own. Never twice for the
    same member and week (outbox dedupe key), so the beat task may run again or late. Returns
    the number of mails queued.

    Queries: posts of the week, their spaces, then :func:`_weekly_readers`; then one or two per
    mail queued (the outbox's dedupe check and insert) and one per unsubscribe link.
    """
    start, end, label = digest_week(now)
    posts_by_space: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.shown()
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("organisation")
        .defer("body", "body_html", "search_text")
        .order_by("-created_at", "-pk")  # newest first: a digest lists the newest
    ):
        posts_by_space[post.space_id].append(post)
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
