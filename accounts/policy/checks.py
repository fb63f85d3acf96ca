"""The table of rules and the checks views and templates call: can, require, the mixin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.policy.identity import (
    _change_person_details,
    _change_person_identity,
    _grant_roles,
    _invite_person,
    _manage_login,
)
from accounts.policy.roles import _active, is_office, organisation_ids, real_user
from accounts.policy.rules import (
    _activity_member,
    _activity_reader,
    _admin_model_permission,
    _change_commitments,
    _delete_space_content,
    _edit_proposal,
    _meeting_reader,
    _office,
    _office_or_own_organisation,
    _office_or_strategic,
    _office_strategic_or_own_organisation,
    _org_id,
    _own_organisation_contact,
    _own_space_content,
    _partner_contact,
    _partner_or_staff,
    _propose_activity,
    _question_owner,
    _signed_in,
    _space_member,
    _survey_submitter,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


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
