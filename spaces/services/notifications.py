"""Notification choices, unsubscribe links, the mail for every post and the weekly digest."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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
from spaces.models import Post, Space, Subscription, UnsubscribeLink
from spaces.services.posts import require_contributor

if TYPE_CHECKING:
    from accounts.models import User

ALL_SPACES = 0  # the space id that asks for an "unsubscribe from every space" link
DIGEST_POSTS_PER_SPACE = 15  # a digest lists the newest; "and 12 more" links to the space


@transaction.atomic
def set_subscription(*, space: Space, user: User, mode: str) -> Subscription:
    require_contributor(user, space)
    if mode not in Subscription.Mode.values:
        raise ValidationError(_("Välj ett av alternativen."), code="mode")
    subscription, _created = Subscription.objects.update_or_create(
        space=space, user=user, defaults={"mode": mode}
    )
    return subscription


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
    """Turn mail off for the token's user and space (or every space). Returns rows changed."""
    link = read_unsubscribe_token(token)
    subscriptions = Subscription.objects.filter(user_id=link.user_id).exclude(
        mode=Subscription.Mode.NONE
    )
    if link.space_id is not None:
        subscriptions = subscriptions.filter(space_id=link.space_id)
    return subscriptions.update(mode=Subscription.Mode.NONE, updated_at=timezone.now())


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


def notify_new_post(*, post_id: int) -> int:
    """Mail the members who chose "every post" (not the author). Safe to call twice: each mail
    has a dedupe key per post and recipient. Returns the number of mails queued."""
    post = Post.objects.select_related("space__challenge", "space__activity", "organisation").get(
        pk=post_id
    )
    if post.is_hidden:
        return 0
    space = post.space
    subscriptions = list(
        Subscription.objects.filter(
            space=space, mode=Subscription.Mode.EACH_POST, user__is_active=True
        )
        .exclude(user_id=post.author_id or 0)
        .select_related("user__contact_person")
    )
    if not subscriptions:
        return 0
    members = selectors.member_organisation_ids(space)
    organisations = _organisations_by_user({s.user_id for s in subscriptions})
    queued = 0
    for subscription in subscriptions:
        user = subscription.user
        if not (policy.is_office(user) or organisations[user.pk] & members):
            continue  # no longer a member: membership is derived and may have ended
        address = _email_of(user)
        if not address:
            continue
        post_url = mail.absolute_url(post.get_absolute_url())
        email = mail.send_mail(
            to=mail.recipient_for_user(user, address),
            template="spaces/mail/new_post",
            context={
                "post": post,
                "space": space,
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


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per member who chose the weekly digest, listing last week's posts in each of
    their spaces. Never twice for the same member and week (outbox dedupe key), so the beat
    task may run again or late. Returns the number of mails queued.

    Queries: subscriptions, posts of the week, members of the spaces (two), the subscribers'
    organisations; then one or two per mail queued (the outbox's dedupe check and insert).
    """
    start, end, label = digest_week(now)
    subscriptions = list(
        Subscription.objects.filter(mode=Subscription.Mode.WEEKLY, user__is_active=True)
        .select_related("user__contact_person", "space__challenge", "space__activity")
        .order_by("user_id", "space_id")
    )
    if not subscriptions:
        return 0
    space_ids = {s.space_id for s in subscriptions}
    posts_by_space: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.shown()
        .filter(space_id__in=space_ids, created_at__gte=start, created_at__lt=end)
        .select_related("organisation")
        .order_by("-created_at", "-pk")  # newest first: a digest lists the newest
    ):
        posts_by_space[post.space_id].append(post)
    if not posts_by_space:
        return 0
    members = _members_of_spaces({s.space for s in subscriptions if s.space_id in posts_by_space})
    organisations = _organisations_by_user({s.user_id for s in subscriptions})
    per_user: dict[int, list[tuple[Space, list[Post]]]] = defaultdict(list)
    users: dict[int, User] = {}
    for subscription in subscriptions:
        space_posts = posts_by_space.get(subscription.space_id)
        user = subscription.user
        if not space_posts:
            continue
        if not (policy.is_office(user) or organisations[user.pk] & members[subscription.space_id]):
            continue
        per_user[user.pk].append((subscription.space, space_posts))
        users[user.pk] = user
    # A space's section of the digest is the same for every member reading the same language:
    # render it once per space and language (the expensive part), then join sections with each
    # member's own unsubscribe links.
    site = _site_url()
    rendered: dict[tuple[int, str], tuple[str, str]] = {}
    queued = 0
    for user_id, sections in per_user.items():
        user = users[user_id]
        address = _email_of(user)
        if not address:
            continue
        recipient = mail.recipient_for_user(user, address)
        parts = []
        for space, space_posts in sections:
            key = (space.pk, recipient.locale)
            if key not in rendered:
                section = {
                    "space": space,
                    "posts": space_posts[:DIGEST_POSTS_PER_SPACE],
                    "more": max(0, len(space_posts) - DIGEST_POSTS_PER_SPACE),
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
        email = mail.send_mail(
            to=recipient,
            template="spaces/mail/weekly_digest",
            context={"week": label, "sections": parts},
            dedupe_key=f"spaces-digest:{user_id}:{label}",
            unsubscribe=mail.Unsubscribe(url=_unsubscribe_url(user_id, ALL_SPACES), one_click=True),
        )
        queued += email is not None
    return queued


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
