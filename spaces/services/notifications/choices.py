"""Who wants which mails: subscriptions, mail preferences and unsubscribe links."""

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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from outbox import mail
from partners.models import Membership
from spaces import selectors
from spaces.models import MailPreference, Space, Subscription, UnsubscribeLink
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
