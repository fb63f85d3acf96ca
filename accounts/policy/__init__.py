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

from accounts.policy.checks import RULES, PolicyRequiredMixin, Rule, can, require
from accounts.policy.identity import holds_role, is_main_contact
from accounts.policy.roles import (
    AnyUser,
    Role,
    is_office,
    is_partner_contact,
    is_strategic,
    organisation_ids,
    real_user,
    roles,
)

__all__ = [
    "RULES",
    "AnyUser",
    "PolicyRequiredMixin",
    "Role",
    "Rule",
    "can",
    "holds_role",
    "is_main_contact",
    "is_office",
    "is_partner_contact",
    "is_strategic",
    "organisation_ids",
    "real_user",
    "require",
    "roles",
]
