"""A partner contact's home: per organisation they represent, what to do now.

Only the contact's own organisations' non-public data is read: every selector below is narrowed
to :func:`accounts.policy.organisation_ids` explicitly, even for a contact who is also office
staff (whose selectors would otherwise answer for every organisation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts import policy
from activities import selectors as activity_selectors
from activities.models import Meeting, Signal
from partners import selectors as partner_selectors
from partners.models import CommitmentSet
from reporting import selectors as report_selectors
from reporting.models import ReportJob
from surveys import selectors as survey_selectors
from surveys.models import Response

if TYPE_CHECKING:
    from accounts.policy import AnyUser
    from activities.selectors import ActivityRow
    from partners.models import Organisation
    from roadmap.models import PartnershipPeriod
    from surveys.models import SurveyRound

MEETINGS_SHOWN = 5
ACTIVITIES_SHOWN = 5
# Signals that ask the team for news (activities.followup decides which activity has which).
NEEDS_UPDATE_SIGNALS = frozenset({Signal.LATE.value, Signal.AT_RISK.value})


@dataclass(frozen=True)
class SurveyTask:
    """The organisation's response to the latest round: where it stands and the one next step."""

    round_name: str
    opens_on: dt.date
    is_open: bool  # False before the round opens (drafts may be saved, not sent)
    state: str
    state_label: str
    deadline: dt.date
    days_left: int
    answered: int
    required: int
    action: str  # "start" | "continue" | "review" | "view"
    url: str

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.required) if self.required else 100


@dataclass
class OrganisationHome:
    organisation: Organisation
    challenge_count: int
    min_challenges: int
    commitment_status: str | None  # None: no commitment set for the period
    has_declaration: bool
    survey: SurveyTask | None = None
    activities: list[ActivityRow] = field(default_factory=list)
    activities_needing_update: int = 0

    @property
    def commitment_status_label(self) -> str:
        if self.commitment_status is None:
            return ""
        return str(CommitmentSet.Status(self.commitment_status).label)

    @property
    def commitments_complete(self) -> bool:
        return (
            self.commitment_status == CommitmentSet.Status.CONFIRMED
            and self.challenge_count >= self.min_challenges
        )


@dataclass
class PartnerHome:
    period: PartnershipPeriod | None
    organisations: list[OrganisationHome]
    meetings: list[Meeting]
    reports: list[ReportJob]
    report_year: int | None


def partner_home(user: AnyUser, *, now: dt.datetime | None = None) -> PartnerHome:
    """Everything the partner block shows. Queries: the period and the organisations with their
    commitment facts (2), the latest round's organisations, rounds and responses (3) and
    progress (2); per organisation its deadline and its activities (2 each, and whether the
    contact may submit once every answer is in); meetings (1), reports (2)."""
    now = now or timezone.now()
    ids = policy.organisation_ids(user)
    period = partner_selectors.current_period()
    organisations = [
        OrganisationHome(
            organisation=org,
            challenge_count=org.challenge_count,  # type: ignore[attr-defined]
            min_challenges=CommitmentSet.MIN_CHALLENGES,
            commitment_status=org.commitment_status,  # type: ignore[attr-defined]
            has_declaration=org.has_declaration,  # type: ignore[attr-defined]
        )
        for org in partner_selectors.list_organisations(
            visible_to=user, filters=partner_selectors.OrganisationFilters(period=period)
        ).filter(pk__in=ids)
    ]
    _add_surveys(user, organisations, today=timezone.localdate(now))
    for entry in organisations:
        rows = activity_selectors.list_activity_rows(
            visible_to=user,
            filters=activity_selectors.ActivityFilters(organisation=entry.organisation.pk),
            now=now,
        )
        needing = [r for r in rows if r.is_stale or r.signal in NEEDS_UPDATE_SIGNALS]
        entry.activities = needing[:ACTIVITIES_SHOWN]
        entry.activities_needing_update = len(needing)
    reports, report_year = _latest_reports(user, ids)
    return PartnerHome(
        period=period,
        organisations=organisations,
        meetings=_upcoming_meetings(user),
        reports=reports,
        report_year=report_year,
    )


def _add_surveys(user: AnyUser, organisations: list[OrganisationHome], *, today: dt.date) -> None:
    """Each organisation's response to the latest round, its deadline (with an extension) and
    how many required questions it has answered (surveys.selectors.missing_required_counts)."""
    rows = survey_selectors.list_my_responses(visible_to=user)
    if not rows or not organisations:
        return
    survey_round: SurveyRound = rows[0]["round"]  # rounds come newest first
    responses = {
        row["organisation"].pk: row["response"] for row in rows if row["round"] == survey_round
    }
    missing, required = survey_selectors.missing_required_counts(
        survey_round, organisation_ids=[entry.organisation.pk for entry in organisations]
    )
    total = sum(required.values())
    for entry in organisations:
        org = entry.organisation
        response: Response | None = responses.get(org.pk)
        deadline = survey_selectors.deadline_for(survey_round, org.pk)
        answered = total - sum(missing.get(org.pk, required).values()) if response else 0
        entry.survey = SurveyTask(
            round_name=survey_round.name,
            opens_on=survey_round.opens_on,
            is_open=today >= survey_round.opens_on,
            state=response.state if response else Response.State.NOT_STARTED,
            state_label=str(
                response.get_state_display() if response else Response.State.NOT_STARTED.label
            ),
            deadline=deadline,
            days_left=(deadline - today).days,
            answered=answered,
            required=total,
            **_next_step(user, survey_round, org, response, answered, total, deadline, today),
        )


def _next_step(
    user: AnyUser,
    survey_round: SurveyRound,
    org: Organisation,
    response: Response | None,
    answered: int,
    total: int,
    deadline: dt.date,
    today: dt.date,
) -> dict[str, str]:
    """The one button: start, continue, review and send (when every required answer is there
    and the contact may submit), or view (sent, or the round has closed)."""
    kwargs = {"round_pk": survey_round.pk, "organisation_pk": org.pk}
    form_url = reverse("surveys:response_form", kwargs=kwargs)
    editable = response is None or response.is_editable
    if not editable or today > deadline:
        return {"action": "view", "url": form_url}
    if response is None:
        return {"action": "start", "url": form_url}
    # Drafts may be saved before the round opens, but sent only once it has.
    opened = today >= survey_round.opens_on
    if answered >= total and opened and policy.can(user, "surveys.submit_response", org):
        return {"action": "review", "url": reverse("surveys:response_submit", kwargs=kwargs)}
    return {"action": "continue", "url": form_url}


def _upcoming_meetings(user: AnyUser) -> list[Meeting]:
    return list(
        activity_selectors.list_meetings(visible_to=user, upcoming=True).exclude(
            status=Meeting.Status.CANCELLED
        )[:MEETINGS_SHOWN]
    )


def _latest_reports(user: AnyUser, ids: frozenset[int]) -> tuple[list[ReportJob], int | None]:
    """The published reports of the latest year the contact has any: the partnership's and
    their own organisations' (never another organisation's, whatever else the user may be)."""
    reports = report_selectors.list_published_reports(visible_to=user).filter(
        Q(kind=ReportJob.Kind.PARTNERSHIP) | Q(organisation_id__in=ids)
    )
    year: Any = reports.aggregate(year=Max("report_year__year"))["year"]
    if year is None:
        return [], None
    return list(reports.filter(report_year__year=year)), int(year)
