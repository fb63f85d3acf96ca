"""Notification choices, unsubscribe tokens, the mail for every post and the weekly digest."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from activities.models import Participation
from outbox.services import queue_email
from partners.models import Membership
from spaces import selectors
from spaces.models import Post, Space, Subscription
from spaces.services.posts import require_contributor

if TYPE_CHECKING:
    from accounts.models import User

UNSUBSCRIBE_SALT = "spaces.unsubscribe"
ALL_SPACES = 0  # the space id an "unsubscribe from every space" token carries
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


def make_unsubscribe_token(*, user_id: int, space_id: int) -> str:
    """A signed token naming the user and the space (0: every space). No login needed."""
    return signing.dumps({"u": user_id, "s": space_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int]:
    """(user id, space id) from a token, or ValidationError when it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("Länken för att avsluta e-postmeddelanden är ogiltig eller har ändrats."),
            code="bad_token",
        ) from None


@transaction.atomic
def unsubscribe(*, token: str) -> int:
    """Turn mail off for the token's user and space (or every space). Returns rows changed."""
    user_id, space_id = read_unsubscribe_token(token)
    subscriptions = Subscription.objects.filter(user_id=user_id).exclude(
        mode=Subscription.Mode.NONE
    )
    if space_id != ALL_SPACES:
        subscriptions = subscriptions.filter(space_id=space_id)
    return subscriptions.update(mode=Subscription.Mode.NONE, updated_at=timezone.now())


def _site_url() -> str:
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return str(configured).rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost")
    return f"https://{host}"


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
        context = {
            "post": post,
            "space": space,
            "post_url": _site_url() + post.get_absolute_url(),
            "unsubscribe_url": _unsubscribe_url(user.pk, space.pk),
        }
        email = queue_email(
            to=[address],
            subject=_("Nytt inlägg i %(space)s: %(title)s") % {"space": space, "title": post.title},
            body=render_to_string("spaces/email/new_post.txt", context),
            dedupe_key=f"spaces-post:{post.pk}:{user.pk}",
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
    # A space's section of the digest is the same for every member: render it once per space
    # (the expensive part), then join sections with each member's own unsubscribe links.
    site = _site_url()
    rendered: dict[int, str] = {}
    queued = 0
    for user_id, sections in per_user.items():
        user = users[user_id]
        address = _email_of(user)
        if not address:
            continue
        parts = []
        for space, space_posts in sections:
            if space.pk not in rendered:
                rendered[space.pk] = render_to_string(
                    "spaces/email/_digest_section.txt",
                    {
                        "space": space,
                        "posts": space_posts[:DIGEST_POSTS_PER_SPACE],
                        "more": max(0, len(space_posts) - DIGEST_POSTS_PER_SPACE),
                        "space_url": site + space.get_absolute_url(),
                        "site": site,
                    },
                )
            parts.append((rendered[space.pk], _unsubscribe_url(user_id, space.pk)))
        body = render_to_string(
            "spaces/email/weekly_digest.txt",
            {
                "week": label,
                "sections": parts,
                "unsubscribe_all_url": _unsubscribe_url(user_id, ALL_SPACES),
            },
        )
        email = queue_email(
            to=[address],
            subject=_("Veckans nytt i dina rum (%(week)s)") % {"week": label},
            body=body,
            dedupe_key=f"spaces-digest:{user_id}:{label}",
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
