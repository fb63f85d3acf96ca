"""The access policy: the one place that decides who may see and do what.

Roles (not exclusive; a user may hold several):

* **superuser** — everything;
* **office staff** (kansliet) — administers the whole partnership;
* **strategic group** (strategisk grupp) — reads the dashboard, indicators and published reports;
* **partner contact** — a user linked through ``partners.ContactPerson`` to one or more
  organisations; sees and changes only those organisations' non-public data.

Views never test roles themselves. They call :func:`can` / :func:`require` with an *action* name
(``"partners.change_organisation"``) and, where the rule depends on it, the object; selectors
scope querysets with :func:`organisation_ids`. Every action is listed in ``RULES``; asking for an
unknown action raises ``KeyError`` so that a typo can never silently allow or deny.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponseBase
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
        user_id: int = user.pk  # type: ignore[assignment]  # _active() excluded AnonymousUser
        with connection.cursor() as cursor:
            cursor.execute(_organisation_ids_sql(connection.vendor), [user_id, True])
            cached = frozenset(row[0] for row in cursor.fetchall())
        user._kf_organisation_ids = cached  # type: ignore[union-attr]
    return cached


@lru_cache(maxsize=4)
def _organisation_ids_sql(vendor: str) -> str:
    """The statement of :func:`organisation_ids`: what
    ``Membership.objects.filter(contact__user_id=…, is_active=True)`` says (a test checks the
    two agree), written once per process. Every page asks it for a signed-in partner or
    strategic-group member (the menu's rules), and building the ORM query cost a tenth of a
    minimal page."""
    from partners.models import ContactPerson, Membership  # here: partners imports this module

    q = connection.ops.quote_name
    membership, contact = Membership._meta, ContactPerson._meta
    return (
        f"SELECT m.{q(membership.get_field('organisation').column)}"  # noqa: S608 (names only)
        f" FROM {q(membership.db_table)} m INNER JOIN {q(contact.db_table)} c"
        f" ON c.{q(contact.pk.column)} = m.{q(membership.get_field('contact').column)}"
        f" WHERE c.{q(contact.get_field('user').column)} = %s"
        f" AND m.{q(membership.get_field('is_active').column)} = %s"
    )


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


Rule = Callable[[AnyUser, Any], bool]

RULES: dict[str, Rule] = {
    # Project-wide
    "home.view": _signed_in,
    "admin.access": _office,
    "admin.model_permission": _admin_model_permission,
    # obj: the target User: its e-mail, password, activation (only a superuser for a superuser)
    "accounts.manage_login": _manage_login,
    # Reference data (focus areas, challenges, goals, periods)
    "roadmap.view": _signed_in,
    "roadmap.change": _office,
    # Partners (issue 3)
    "partners.list_organisations": _office_or_strategic,
    "partners.view_organisation": _office_strategic_or_own_organisation,
    "partners.view_organisation_private": _office_or_own_organisation,
    "partners.create_organisation": _office,
    "partners.change_organisation": _office_or_own_organisation,
    "partners.manage_organisation": _office,  # status, declarations, periods, imports
    "partners.view_matrix": _office_or_strategic,
    "partners.view_groupings": _partner_or_staff,
    "partners.export": _office,
    "partners.view_own": _partner_contact,  # "Min organisation"
    "partners.change_commitments": _change_commitments,
    "partners.manage_contacts": _office_or_own_organisation,  # add, edit, invite contacts
    # obj: a Membership. Name and e-mail; title and phone (issue 15: identity belongs to the person)
    "partners.change_person_identity": _change_person_identity,
    "partners.change_person_details": _change_person_details,
    # obj: a Membership or Organisation: set or clear its roles, remove a role holder
    "partners.grant_roles": _grant_roles,
    "partners.invite_person": _invite_person,
    "partners.download_declaration": _office_or_own_organisation,
    "partners.view_matchmaking": _office_or_own_organisation,
    # Activities, working groups, meetings, dashboard (issue 4)
    "activities.list": _partner_or_staff,
    "activities.view": _activity_reader,
    "activities.create": _office,
    # obj: the Organisation the card is proposed for (issue 18); the office approves or returns it
    "activities.propose": _propose_activity,
    "activities.edit_proposal": _edit_proposal,  # obj: the Activity (an open proposal)
    "activities.review_proposal": _office,
    "activities.change": _office,  # the card's content, its team, the signal override
    "activities.update_status": _activity_member,  # status, milestones, attachments
    "activities.view_dashboard": _office_or_strategic,  # read-only for the strategic group
    "activities.print_gallery": _office_or_strategic,
    "activities.export": _office_or_strategic,
    "activities.list_meetings": _partner_or_staff,
    "activities.view_meeting": _meeting_reader,
    "activities.manage_meetings": _office,
    "activities.calendar_feed": _signed_in,
    # Survey rounds, responses, indicators and follow-up (issue 5)
    "surveys.respond": _partner_contact,  # "Enkät" menu: my organisations' responses
    "surveys.view_response": _office_or_own_organisation,
    "surveys.edit_response": _own_organisation_contact,  # save drafts
    "surveys.submit_response": _survey_submitter,
    "surveys.manage": _office,  # rounds, reminders, approve/reopen, extensions, export
    "surveys.import_answers": _office,  # a round's long file in (surveys.importing)
    "surveys.view_followup": _partner_or_staff,  # partners see aggregates + their own figures
    "surveys.view_organisation_followup": _office_or_own_organisation,
    # Annual reports (issue 6)
    "reporting.list": _partner_or_staff,
    "reporting.manage": _office,  # report years, narrative, snapshots, builds, drafts, publishing
    # obj: a ReportJob. Drafts only for the office; published: partners and the strategic group.
    "reporting.download_partnership": lambda user, job: (
        is_office(user) or (bool(getattr(job, "is_published", False)) and _partner_or_staff(user))
    ),
    # obj: a ReportJob. Published: only that organisation's contacts (and the office).
    "reporting.download_organisation": lambda user, job: (
        is_office(user)
        or (bool(getattr(job, "is_published", False)) and _org_id(job) in organisation_ids(user))
    ),
    # Shared spaces (issue 8)
    "spaces.list": _partner_or_staff,  # strategic group: no spaces, but the library link
    "spaces.view_space": _space_member,  # posts, comments and files of a space
    "spaces.contribute": _space_member,  # post, comment, choose notifications
    "spaces.mark_answered": _question_owner,
    "spaces.hide_post": _office,  # hide and show again
    "spaces.edit_own": _own_space_content,  # obj: a Post or Comment (issue 18)
    "spaces.delete": _delete_space_content,  # obj: a Post or Comment (issue 18)
    "spaces.export": _office,
    "spaces.view_library": _partner_or_staff,  # reusable posts and their files
    "spaces.use_library_item": _partner_contact,  # "we used this", for one's own organisation
    # Audit trail, GDPR (issue 7)
    "security.two_factor": _signed_in,  # set up / verify one's own TOTP device
    "audit.view_history": _office,
    "gdpr.manage": _office,  # export, erase, retention review of contact persons
}


def can(user: AnyUser, action: str, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` (on ``obj``)? Inactive and anonymous users may do nothing."""
    rule = RULES[action]
    user = real_user(user)
    if not _active(user):
        return False
    return bool(rule(user, obj))


def require(user: AnyUser, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless :func:`can` allows it."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


class PolicyRequiredMixin(AccessMixin):
    """For class-based views: set ``action``; object views check again with their object.

    Anonymous users never reach this (LoginRequiredMiddleware), but we still send them to the
    login page rather than a 403 in case a view is marked ``login_not_required`` by mistake.
    """

    action: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, self.action, self.get_policy_object())
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response

    def get_policy_object(self) -> Any:
        """The object the rule is about, when it can be known before the view runs."""
        return None
