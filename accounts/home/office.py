"""The office's home: the year's work at a glance, each figure a link to the list it counts.

Every count comes from the selector of the list it links to (the round's tracker, the activity
list's signal filter, the report year's page), so the number on the home page and the rows the
link shows are the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from activities import selectors as activity_selectors
from activities.models import Signal
from outbox.models import OutgoingEmail
from partners import selectors as partner_selectors
from partners.models import Organisation
from reporting import selectors as report_selectors
from surveys import selectors as survey_selectors
from surveys.models import Response

if TYPE_CHECKING:
    from accounts.policy import AnyUser
    from reporting.models import ReportYear
    from surveys.models import SurveyRound

WAITING_SHOWN = 5


def _link(viewname: str, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    url = reverse(viewname, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class Counted:
    """A number with the list that shows what it counts."""

    key: str
    label: str
    count: int
    url: str


@dataclass
class RoundGlance:
    survey_round: SurveyRound
    days_left: int
    total: int
    states: list[Counted]
    waiting: list[dict[str, Any]] = field(default_factory=list)  # submitted, first few
    waiting_count: int = 0


@dataclass
class ReportGlance:
    report_year: ReportYear
    batch_total: int | None  # None: no batch built for the year yet
    batch_done: int
    step: str  # "snapshot" | "build" | "publish" | "published"


@dataclass
class Onboarding:
    new: list[Organisation]  # the first few new partners, each page with its checklist
    counts: list[Counted]


@dataclass
class OfficeHome:
    survey: RoundGlance | None
    onboarding: Onboarding
    activities: list[Counted]
    report: ReportGlance | None
    failed_mail: Counted


def office_home(
    user: AnyUser, *, dashboard: activity_selectors.Dashboard, today: dt.date | None = None
) -> OfficeHome:
    """``dashboard``: the activities dashboard read once for the page (the strategic block
    shows it too)."""
    today = today or timezone.localdate()
    return OfficeHome(
        survey=_round_glance(today),
        onboarding=_onboarding(user),
        activities=_activities(dashboard),
        report=_report_glance(user),
        failed_mail=Counted(
            "failed_mail",
            str(OutgoingEmail.Status.FAILED.label),
            OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count(),
            _link("admin:outbox_outgoingemail_changelist", {"status__exact": "failed"}),
        ),
    )


def _round_glance(today: dt.date) -> RoundGlance | None:
    """The latest round as its tracker counts and filters it (surveys.selectors
    tracker_state_counts, tracker_organisations): each count links to the tracker filtered by
    that state. The counts are one grouped query; only the first few waiting rows are read."""
    survey_round = survey_selectors.latest_round()
    if survey_round is None:
        return None
    counts = survey_selectors.tracker_state_counts(survey_round)
    waiting = survey_selectors.tracker_organisations(survey_round, Response.State.SUBMITTED)
    return RoundGlance(
        survey_round=survey_round,
        days_left=(survey_round.closes_on - today).days,
        total=sum(count for _state, _label, count in counts),
        states=[
            Counted(
                state,
                label,
                count,
                _link("surveys:round_detail", {"state": state}, pk=survey_round.pk),
            )
            for state, label, count in counts
        ],
        waiting=[
            {
                "organisation": organisation,
                # The office's one-page review, where it approves or reopens the response.
                "url": reverse(
                    "surveys:response_review",
                    kwargs={"round_pk": survey_round.pk, "organisation_pk": organisation.pk},
                ),
            }
            for organisation in waiting[:WAITING_SHOWN]
        ],
        waiting_count=next(
            (count for state, _l, count in counts if state == Response.State.SUBMITTED), 0
        ),
    )


def _onboarding(user: AnyUser) -> Onboarding:
    """New partners (signed, not yet active: their onboarding checklist is on their page) and
    partners without a declaration for the period, each through the partner list's own filter.
    The intro-meeting step is recorded for new partners only, so it is not counted over all."""
    signed = partner_selectors.list_organisations(
        visible_to=user,
        filters=partner_selectors.OrganisationFilters(status=Organisation.Status.SIGNED),
    )
    missing = partner_selectors.list_organisations(
        visible_to=user, filters=partner_selectors.OrganisationFilters(declaration_missing=True)
    )
    return Onboarding(
        new=list(signed[:WAITING_SHOWN]),
        counts=[
            Counted(
                "signed",
                str(Organisation.Status.SIGNED.label),
                signed.count(),
                _link("partners:organisation_list", {"status": Organisation.Status.SIGNED}),
            ),
            Counted(
                "declaration_missing",
                "",
                missing.count(),
                _link("partners:organisation_list", {"declaration_missing": "on"}),
            ),
        ],
    )


def _activities(dashboard: activity_selectors.Dashboard) -> list[Counted]:
    """The dashboard's "needs attention" counts: late and at risk link to the activity list
    filtered by signal; stale and leaderless ones to the dashboard's lists (the activity list
    has no filter for them)."""
    attention = dashboard.attention_counts
    board = reverse("activities:dashboard") + "#attention-heading"
    return [
        Counted(
            Signal.LATE.value,
            str(Signal.LATE.label),
            attention.get("late", 0),
            _link("activities:activity_list", {"signal": Signal.LATE.value}),
        ),
        Counted(
            Signal.AT_RISK.value,
            str(Signal.AT_RISK.label),
            attention.get("at_risk", 0),
            _link("activities:activity_list", {"signal": Signal.AT_RISK.value}),
        ),
        Counted("stale", "", attention.get("stale", 0), board),
        Counted("no_lead", "", attention.get("no_lead", 0), board),
    ]


def _report_glance(user: AnyUser) -> ReportGlance | None:
    # The snapshot's frozen data (the whole year as JSON) is not shown here: not read either.
    report_year = (
        report_selectors.list_report_years(visible_to=user).defer("snapshot__data").first()
    )
    if report_year is None:
        return None
    # The latest build of the current snapshot: one of an older snapshot is out of date.
    batch = (
        report_selectors.list_batches(report_year=report_year)
        .filter(snapshot=report_year.snapshot_id)
        .first()
        if report_year.snapshot_id is not None
        else None
    )
    total: int | None = batch.total if batch is not None else None  # type: ignore[attr-defined]
    done: int = batch.done if batch is not None else 0  # type: ignore[attr-defined]
    if report_year.is_published:
        step = "published"
    elif report_year.snapshot_id is None:
        step = "snapshot"
    elif total is None or done < total:
        step = "build"
    else:
        step = "publish"
    return ReportGlance(report_year=report_year, batch_total=total, batch_done=done, step=step)
