"""Reads about survey rounds: which rounds, who is expected to answer, deadlines, settings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value

from accounts import policy
from surveys.models import DeadlineExtension, FollowUpSettings, Response, SurveyRound

if TYPE_CHECKING:
    from partners.models import Organisation
    from roadmap.models import PartnershipPeriod


EXPECTED_STATUSES = ("signed", "active")


def list_rounds() -> QuerySet[SurveyRound]:
    """Rounds with ``n_organisations``: the organisations the round's tracker lists (see
    :func:`round_overview`: every expected organisation and any other that responded), and
    ``n_submitted`` of them, so the list and the tracker count the same thing (issue 17)."""
    from partners.models import Organisation

    expected = Organisation.objects.filter(status__in=EXPECTED_STATUSES).count()
    # Ordered here: a GROUP BY query ignores Meta.ordering (the list read 2024, 2026, 2025).
    rounds = SurveyRound.objects.select_related("period").order_by("-year")
    return rounds.annotate(
        n_organisations=Value(expected)
        + Count(
            "responses",
            filter=~Q(responses__organisation__status__in=EXPECTED_STATUSES),
        ),
        n_submitted=Count(
            "responses",
            filter=Q(responses__state__in=[Response.State.SUBMITTED, Response.State.APPROVED]),
        ),
    )


def latest_round() -> SurveyRound | None:
    return SurveyRound.objects.order_by("-year").first()


def expected_organisations() -> QuerySet[Organisation]:
    from partners.models import Organisation

    return Organisation.objects.filter(status__in=EXPECTED_STATUSES).order_by("name")


def rounds_with_deadline(organisation_id: int) -> QuerySet[SurveyRound]:
    """Rounds annotated with ``extended_until``: the organisation's deadline extension (or
    None), so the form page needs no query of its own for it (see :func:`deadline_for`)."""
    return SurveyRound.objects.annotate(
        extended_until=Subquery(
            DeadlineExtension.objects.filter(
                round_id=OuterRef("pk"), organisation_id=organisation_id
            ).values("until")[:1]  # unique per round and organisation
        ),
        extension_for=Value(organisation_id),
    )


def deadline_for(survey_round: SurveyRound, organisation_id: int) -> date:
    extension: date | None
    if getattr(survey_round, "extension_for", None) == organisation_id:
        # Loaded through rounds_with_deadline() for this organisation: no query.
        extension = getattr(survey_round, "extended_until", None)
        return max(extension, survey_round.closes_on) if extension else survey_round.closes_on
    extension = (
        DeadlineExtension.objects.filter(round=survey_round, organisation_id=organisation_id)
        .values_list("until", flat=True)
        .first()
    )
    return max(extension, survey_round.closes_on) if extension else survey_round.closes_on


def list_my_responses(*, visible_to: Any) -> list[dict[str, Any]]:
    """For a partner contact: each of their organisations × each round, with the state."""
    from partners.models import Organisation

    org_ids = policy.organisation_ids(visible_to)
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    rounds = list(SurveyRound.objects.order_by("-year")[:10])
    responses = {
        (r.round_id, r.organisation_id): r
        for r in Response.objects.filter(organisation_id__in=org_ids, round__in=rounds)
    }
    return [
        {
            "organisation": org,
            "round": rnd,
            "response": responses.get((rnd.pk, org.pk)),
        }
        for rnd in rounds
        for org in organisations
    ]


def followup_settings(period: PartnershipPeriod | None) -> FollowUpSettings:
    if period is None:
        return FollowUpSettings()
    found = FollowUpSettings.objects.filter(period=period).first()
    return found or FollowUpSettings(period=period)


def current_period() -> PartnershipPeriod | None:
    from roadmap.models import PartnershipPeriod

    return PartnershipPeriod.objects.order_by("-start_year").first()


def organisation_groups(group: str) -> pd.DataFrame:
    """organisation_id, group: the organisation's kind, sector or focus areas (from its
    commitments; an organisation sits once in each focus area it committed to)."""
    from partners.models import Commitment, Organisation

    rows: list[tuple[Any, ...]]
    if group == "focus_area":
        # order_by(): Commitment's default ordering (challenge number) would join the
        # SELECT DISTINCT and list an organisation once per challenge in the area.
        rows = list(
            Commitment.objects.order_by()
            .values_list("commitment_set__organisation_id", "challenge__focus_area__name_sv")
            .distinct()
        )
    elif group in {"kind", "sector"}:
        rows = list(Organisation.objects.exclude(**{group: ""}).values_list("pk", group))
    else:
        raise ValueError(group)
    return pd.DataFrame.from_records(rows, columns=["organisation_id", "group"])
