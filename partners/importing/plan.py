"""The columns of an organisation import and what a plan holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from partners.models import CommitmentSet, Organisation
from roadmap.models import Challenge, PartnershipPeriod

COLUMNS = [
    "organisation_number",
    "name",
    "kind",
    "sector",
    "employees",
    "website",
    "street_address",
    "postal_code",
    "city",
    "status",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_title",
    "contact_phone",
    "contact_roles",
    "period",
    "challenges",
    "commitment_status",
]
REQUIRED = ("organisation_number", "name", "kind")
ORG_FIELDS = (
    "name",
    "kind",
    "sector",
    "employees",
    "website",
    "street_address",
    "postal_code",
    "city",
)
ROLE_CODES = {
    "main": "is_main_contact",
    "huvudkontakt": "is_main_contact",
    "contributor": "is_survey_contributor",
    "bidrar": "is_survey_contributor",
    "submitter": "is_survey_submitter",
    "skickar": "is_survey_submitter",
    "communications": "is_communications",
    "kommunikation": "is_communications",
}


def _choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class OrganisationPlan:
    number: str
    values: dict[str, Any]
    status: str
    existing: Organisation | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    period: PartnershipPeriod | None = None
    challenges: list[Challenge] | None = None
    commitment_status: str = CommitmentSet.Status.DRAFT
    commitments_change: bool = False
    first_row: int = 0

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        if (
            self.changes
            or self.commitments_change
            or any(c.get("action") != "unchanged" for c in self.contacts)
        ):
            return "update"
        return "unchanged"


@dataclass
class ImportPlan:
    organisations: list[OrganisationPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    def count(self, action: str) -> int:
        return sum(1 for o in self.organisations if o.action == action)

    @property
    def contacts_to_add(self) -> int:
        return sum(
            1 for o in self.organisations for c in o.contacts if c.get("action") != "unchanged"
        )
