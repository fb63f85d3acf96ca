"""Identity rules (issue 15): who may change a person, grant a role or manage a login."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.policy.roles import is_office, organisation_ids
from accounts.policy.rules import _org_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


# Identity (issue 15): who may change whom. A contact person may be shared by several
# organisations and may have a login; whoever can change its e-mail can have a password link sent
# there, so these rules decide who may change a person, grant a role or manage a login.


def _manage_login(user: AnyUser, target: Any = None) -> bool:
    """The office manages logins (e-mail, password, activation); only a superuser manages a
    superuser, so that the office cannot take over the one account above it."""
    if target is not None and getattr(target, "is_superuser", False):
        return bool(user.is_superuser)
    return is_office(user)


def _person_elsewhere(membership: Any) -> bool:
    """Does the membership's person also belong (now or before) to another organisation?"""
    from partners.models import Membership  # here: partners imports this module

    return (
        Membership.objects.filter(contact_id=membership.contact_id)
        .exclude(organisation_id=membership.organisation_id)
        .exists()
    )


def _change_person_identity(user: AnyUser, membership: Any = None) -> bool:
    """Name and e-mail of a contact person (obj: the Membership it is edited through). The
    office may (a superuser's record: only a superuser); the organisation's own contacts only
    while the person has no login and belongs to no other organisation."""
    if membership is None:
        return False
    login = membership.contact.user if membership.contact.user_id is not None else None
    if login is not None:
        return _manage_login(user, login)
    if is_office(user):
        return True
    if holds_role(membership) and not _grant_roles(user, membership):
        # Whoever sets a role holder's e-mail can invite that address and sign in as them, with
        # their roles (red-team finding 1): only who may grant the roles may re-address them.
        return False
    return _org_id(membership) in organisation_ids(user) and not _person_elsewhere(membership)


def holds_role(membership: Any) -> bool:
    """Main contact or survey submitter: the roles that act for the organisation."""
    return bool(membership.is_main_contact or membership.is_survey_submitter)


def _invite_person(user: AnyUser, contact: Any = None) -> bool:
    """Invite a contact person (a login and a password link for them): the office, or a contact
    of one of the person's organisations, but a person holding a role (main contact, submitter)
    anywhere only by whoever may grant that role there. An invitation signs someone in as that
    person, roles included, so it is granting the roles again."""
    if contact is None:
        return False
    if is_office(user):
        return True
    from partners.models import Membership  # here: partners imports this module

    memberships = list(Membership.objects.filter(contact_id=contact.pk, is_active=True))
    if not any(_org_id(m) in organisation_ids(user) for m in memberships):
        return False
    return all(_grant_roles(user, m) for m in memberships if holds_role(m))


def _change_person_details(user: AnyUser, membership: Any = None) -> bool:
    """Title and phone: the office, or the organisation while the person belongs to no other
    organisation (the record is shared, and another organisation's contacts must not edit it)."""
    if membership is None:
        return False
    if is_office(user):
        return True
    return _org_id(membership) in organisation_ids(user) and not _person_elsewhere(membership)


def is_main_contact(user: AnyUser, organisation: Any) -> bool:
    org_id = _org_id(organisation)
    if org_id is None or org_id not in organisation_ids(user):
        return False
    from partners.models import Membership  # here: partners imports this module

    user_id: int = user.pk  # type: ignore[assignment]  # organisation_ids() excluded anonymous
    return Membership.objects.filter(
        contact__user_id=user_id, organisation_id=org_id, is_active=True, is_main_contact=True
    ).exists()


def _grant_roles(user: AnyUser, obj: Any = None) -> bool:
    """Roles at an organisation (main contact, submitter, contributor, communications) are
    granted by the office or the organisation's main contact, never taken by a contributor."""
    return is_office(user) or is_main_contact(user, obj)
