"""Who a user is: office, strategic group, partner contact, and their organisations."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.functional import LazyObject, empty

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    SUPERUSER = "superuser"
    OFFICE = "office"
    STRATEGIC = "strategic"
    PARTNER = "partner"


def real_user(user: AnyUser) -> AnyUser:
    """The user object behind ``request.user``'s lazy proxies (auth's, then django-otp's).

    A menu or a list asks the policy hundreds of attribute questions per page; through two
    proxies every one of them costs a wrapper call, so the policy asks the real object.
    """
    found: Any = user
    while isinstance(found, LazyObject):
        proxy: Any = found  # django-stubs leave LazyObject's internals out
        if proxy._wrapped is empty:
            proxy._setup()
        found = proxy._wrapped
    return found  # type: ignore[no-any-return]


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_office(user: AnyUser) -> bool:
    return _active(user) and bool(user.is_superuser or getattr(user, "is_office_staff", False))


def is_strategic(user: AnyUser) -> bool:
    return _active(user) and bool(getattr(user, "is_strategic_group", False))


def organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations this user is a contact person of (cached on the user for the request)."""
    if not _active(user):
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_kf_organisation_ids", None)
    if cached is None:
        from partners.models import Membership  # here: partners imports this module

        user_id: int = user.pk  # type: ignore[assignment]  # _active() excluded AnonymousUser
        cached = frozenset(
            Membership.objects.filter(contact__user_id=user_id, is_active=True)
            .order_by()
            .values_list("organisation_id", flat=True)
        )
        user._kf_organisation_ids = cached  # type: ignore[union-attr]
    return cached


def is_partner_contact(user: AnyUser) -> bool:
    return bool(organisation_ids(user))


def roles(user: AnyUser) -> frozenset[Role]:
    user = real_user(user)
    if not _active(user):
        return frozenset({Role.ANONYMOUS})
    found = set()
    if user.is_superuser:
        found.add(Role.SUPERUSER)
    if is_office(user):
        found.add(Role.OFFICE)
    if is_strategic(user):
        found.add(Role.STRATEGIC)
    if is_partner_contact(user):
        found.add(Role.PARTNER)
    return frozenset(found)
