"""The rule functions: one per kind of permission, by app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.policy.roles import (
    _active,
    is_office,
    is_partner_contact,
    is_strategic,
    organisation_ids,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


# --- rule helpers -----------------------------------------------------------------------------


def _org_id(obj: Any) -> int | None:
    """The organisation an object belongs to: an Organisation itself or anything with one."""
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    if obj.__class__.__name__ == "Organisation":
        return int(obj.pk)
    org_id = getattr(obj, "organisation_id", None)
    return int(org_id) if org_id is not None else None


def _office(user: AnyUser, obj: Any = None) -> bool:
    return is_office(user)


def _office_or_strategic(user: AnyUser, obj: Any = None) -> bool:
    return is_office(user) or is_strategic(user)


def _signed_in(user: AnyUser, obj: Any = None) -> bool:
    return _active(user)


def _office_or_own_organisation(user: AnyUser, obj: Any = None) -> bool:
    return is_office(user) or (_org_id(obj) in organisation_ids(user))


def _office_strategic_or_own_organisation(user: AnyUser, obj: Any = None) -> bool:
    return _office_or_strategic(user) or (_org_id(obj) in organisation_ids(user))


def _partner_or_staff(user: AnyUser, obj: Any = None) -> bool:
    return _office_or_strategic(user) or is_partner_contact(user)


def _partner_contact(user: AnyUser, obj: Any = None) -> bool:
    return is_partner_contact(user)


def _change_commitments(user: AnyUser, obj: Any = None) -> bool:
    # obj: a partners.CommitmentSet (or anything with organisation_id and period). The office may
    # correct any set; a partner contact only its own organisation's, while the period is open.
    if is_office(user):
        return True
    period = getattr(obj, "period", None)
    return _org_id(obj) in organisation_ids(user) and bool(getattr(period, "is_open", False))


def _admin_model_permission(user: AnyUser, perm: Any = None) -> bool:
    # The office works in every app of ours through the admin; the user admin keeps the role
    # flags read-only for non-superusers (accounts.admin) so nobody can promote themselves.
    if not is_office(user):
        return False
    app_label = str(perm).split(".", 1)[0]
    return app_label in {
        "accounts",
        "roadmap",
        "partners",
        "activities",
        "surveys",
        "reporting",
        "outbox",
        "spaces",
    }


# Activities (issue 4): the object is an activities.Activity / Meeting, whose organisation_ids()
# reads prefetched participations / invitations when the selector loaded them.


def _activity_member(user: AnyUser, activity: Any = None) -> bool:
    """Office, or a contact of an organisation in the activity's working group."""
    if is_office(user):
        return True
    if activity is None:
        return False
    return bool(organisation_ids(user) & activity.organisation_ids())


def _activity_reader(user: AnyUser, activity: Any = None) -> bool:
    """Office and strategic group read every card; partner contacts their own and shared ones."""
    if _office_or_strategic(user) or _activity_member(user, activity):
        return True
    return bool(activity is not None and activity.is_shared and is_partner_contact(user))


def _propose_activity(user: AnyUser, organisation: Any = None) -> bool:
    """A partner contact proposes an activity card for one of its own organisations (issue 18);
    without an organisation: may the user propose at all (the menu, the empty form)."""
    if organisation is None:
        return is_partner_contact(user)
    return _org_id(organisation) in organisation_ids(user)


def _edit_proposal(user: AnyUser, activity: Any = None) -> bool:
    """Until the office approves it, a proposal is edited by the office or a contact of the
    organisation that proposed it; after approval only what members may always change."""
    if activity is None or not getattr(activity, "is_open_proposal", False):
        return False
    return is_office(user) or activity.proposer_organisation_id in organisation_ids(user)


def _meeting_reader(user: AnyUser, meeting: Any = None) -> bool:
    """Office and strategic group see every meeting; partner contacts those for all partners
    and those their organisation is invited to or organises."""
    if _office_or_strategic(user):
        return True
    if meeting is None or not is_partner_contact(user):
        return False
    return bool(meeting.is_for_all_partners or organisation_ids(user) & meeting.organisation_ids())


# Shared spaces (issue 8): membership is derived from commitments and working groups by
# spaces.selectors (imported in the functions: spaces imports this module).


def _space_member(user: AnyUser, space: Any = None) -> bool:
    """Office, or a contact of an organisation that is a member of the space."""
    if is_office(user):
        return True
    if space is None:
        return False
    from spaces.selectors import is_member

    return is_member(user, space)


def _question_owner(user: AnyUser, post: Any = None) -> bool:
    """Office, or the author of the question while still a member of its space."""
    if is_office(user):
        return True
    if post is None or post.author_id != getattr(user, "pk", None):
        return False
    return _space_member(user, post.space)


def _own_space_content(user: AnyUser, item: Any = None) -> bool:
    """The author of a post or comment, while still a member of its space (issue 18): nobody
    edits someone else's words, and a partner that left the space edits nothing there."""
    if item is None or item.author_id is None or item.author_id != getattr(user, "pk", None):
        return False
    space = item.space if hasattr(item, "space_id") else item.post.space
    return _space_member(user, space)


def _delete_space_content(user: AnyUser, item: Any = None) -> bool:
    """The author (as for editing), or the office, which may remove anything from a space."""
    return is_office(user) or _own_space_content(user, item)


# Surveys (issue 5): the object is a surveys.Response or an Organisation (anything with an
# organisation). Only contacts of the organisation fill in its survey; the office reviews it.


def _own_organisation_contact(user: AnyUser, obj: Any = None) -> bool:
    return obj is not None and _org_id(obj) in organisation_ids(user)


def _survey_submitter(user: AnyUser, obj: Any = None) -> bool:
    """A contact holding the submitter role (Membership.is_survey_submitter) at obj's org."""
    org_id = _org_id(obj)
    if org_id is None or org_id not in organisation_ids(user):
        return False
    from partners.models import Membership  # here: partners imports this module

    user_id: int = user.pk  # type: ignore[assignment]  # organisation_ids() excluded anonymous
    return Membership.objects.filter(
        contact__user_id=user_id, organisation_id=org_id, is_active=True, is_survey_submitter=True
    ).exists()
