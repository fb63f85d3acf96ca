"""What an import plan and an import result hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from surveys.models import Response, SurveyRound
from surveys.rules import AnswerData, Slot

if TYPE_CHECKING:
    from partners.models import Organisation


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class FieldChange:
    field_name: str
    label: str
    old: str
    new: str
    row: int


@dataclass
class OrganisationPlan:
    """What the file does to one organisation's response."""

    organisation: Organisation
    response: Response | None
    slots: list[Slot]
    rows: int = 0
    new: list[FieldChange] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    unchanged: int = 0
    # field name → (the answer to write, the version it replaces: 0 for a new answer)
    posted: dict[str, tuple[AnswerData, int]] = field(default_factory=dict)
    approve: bool = False  # its response will be approved by this import

    @property
    def state(self) -> str:
        return self.response.state if self.response else Response.State.NOT_STARTED

    @property
    def reopens(self) -> bool:
        """Its locked (submitted or approved) response must be reopened to take the changes."""
        return bool(self.posted) and self.response is not None and not self.response.is_editable

    @property
    def action(self) -> str:
        if self.posted:
            return "update" if self.response is not None else "create"
        return "approve" if self.approve else "unchanged"

    @property
    def changes(self) -> list[FieldChange]:
        return sorted(self.new + self.changed, key=lambda c: c.row)


@dataclass
class ImportResult:
    """The plan of an import and, after :func:`import_long`, whether it was applied."""

    survey_round: SurveyRound
    approve: bool
    organisations: list[OrganisationPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0  # data rows that hold an answer (blank rows are not counted)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    @property
    def changed_organisations(self) -> list[OrganisationPlan]:
        return [o for o in self.organisations if o.action != "unchanged"]

    def count(self, what: str) -> int:
        """Answers ``new``, ``changed`` or ``unchanged``; organisations ``approved``."""
        if what == "new":
            return sum(len(o.new) for o in self.organisations)
        if what == "changed":
            return sum(len(o.changed) for o in self.organisations)
        if what == "unchanged":
            return sum(o.unchanged for o in self.organisations)
        if what == "approved":
            return sum(1 for o in self.organisations if o.approve)
        raise KeyError(what)

    @property
    def summary(self) -> dict[str, int]:
        """The counts of :meth:`count`, for templates."""
        return {what: self.count(what) for what in ("new", "changed", "unchanged", "approved")}
