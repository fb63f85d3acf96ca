"""Data frames and inputs for the aggregations and surveys.figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from django.db.models import Q

from surveys.models import Answer, Response, SurveyRound
from surveys.selectors.rounds import EXPECTED_STATUSES, current_period, followup_settings

if TYPE_CHECKING:
    pass


# --- frames for the aggregations ---------------------------------------------------------------
def approved_values_frame(*, keys: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers of approved responses: organisation_id, year, key, value (float64; see
    surveys.aggregations on the number representation). One query."""
    qs = Answer.objects.filter(
        response__state=Response.State.APPROVED, value__isnull=False, not_reported=False
    )
    if keys is not None:
        qs = qs.filter(question__key__in=keys)
    rows = qs.values_list("response__organisation_id", "year", "question__key", "value")
    frame = pd.DataFrame.from_records(
        list(rows), columns=["organisation_id", "year", "key", "value"]
    )
    frame["value"] = frame["value"].astype("float64")
    return frame.astype({"organisation_id": "int64", "year": "int64"})


def expected_frame() -> pd.DataFrame:
    """year → n_total: the partners in each data year of a round (coverage = n / n_total).

    An organisation is a partner in year y when it was asked about y (it has a response, in any
    state, in a round covering y), or when its status at the end of y was signed or active by
    its status history. Without a status history, an organisation signed or active now counts
    from the first year its responses cover (one that never answered: the latest round's
    years). So a joiner of 2024 is not counted among the partners of 2023, and a partner that
    has since left still counts in the years it was asked (issue 16, red-team). Two queries."""
    from partners.models import Organisation

    years_of: dict[int, list[int]] = {}
    latest = -1
    asked: dict[int, set[int]] = defaultdict(set)  # year → organisations
    first_year: dict[int, int] = {}
    latest_years: set[int] = set()
    # One row per round and response (a round without responses: organisation None).
    rounds = cast(
        list[tuple[int, int, list[Any], int | None]],
        list(
            SurveyRound.objects.values_list(
                "pk", "reporting_year", "data_years", "responses__organisation_id"
            )
        ),
    )
    for round_id, reporting_year, data_years, organisation_id in rounds:
        years = sorted(int(y) for y in data_years or []) or [reporting_year]
        years_of[round_id] = years
        if reporting_year > latest:
            latest, latest_years = reporting_year, set(years)
        if organisation_id is None:
            continue
        for year in years:
            asked[year].add(organisation_id)
            first_year[organisation_id] = min(year, first_year.get(organisation_id, year))
    if not years_of:
        return pd.DataFrame(columns=["year", "n_total"]).astype("int64")
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    current: set[int] = set()
    # Current partners and everyone with a status history, one row per history step.
    organisations = cast(
        list[tuple[int, str, date | None, str | None]],
        list(
            Organisation.objects.filter(
                Q(status__in=EXPECTED_STATUSES) | Q(status_changes__isnull=False)
            )
            .order_by("pk", "status_changes__changed_on", "status_changes__id")
            .values_list("pk", "status", "status_changes__changed_on", "status_changes__status")
        ),
    )
    for organisation_id, status_now, changed_on, status in organisations:
        if changed_on is not None:
            history[organisation_id].append((changed_on, status or ""))
        elif status_now in EXPECTED_STATUSES:
            current.add(organisation_id)
    rows = []
    for year in sorted({y for years in years_of.values() for y in years}):
        partners = set(asked.get(year, set()))
        end = date(year, 12, 31)
        for organisation_id, steps in history.items():
            status = next((s for on, s in reversed(steps) if on <= end), "")
            if status in EXPECTED_STATUSES:
                partners.add(organisation_id)
        for organisation_id in current - set(history):
            start = first_year.get(organisation_id)
            if (start is None and year in latest_years) or (start is not None and year >= start):
                partners.add(organisation_id)
        rows.append({"year": year, "n_total": len(partners)})
    return pd.DataFrame.from_records(rows, columns=["year", "n_total"]).astype("int64")


# --- inputs of surveys.figures -----------------------------------------------------------------
def figure_inputs() -> Any:
    """Everything :mod:`surveys.figures` reads, in five queries (approved responses only).

    Where two approved responses cover the same organisation and year, the later round wins."""
    from partners.models import GroupRelation
    from surveys.figures.inputs import Inputs
    from surveys.models import BoundaryDecision

    approved = Response.objects.filter(state=Response.State.APPROVED)
    covers = [
        {"organisation_id": org, "reporting_year": reporting_year, "year": int(year)}
        for org, reporting_year, data_years in approved.values_list(
            "organisation_id", "round__reporting_year", "round__data_years"
        )
        for year in (sorted(int(y) for y in data_years) or [reporting_year])
    ]
    responses = pd.DataFrame.from_records(
        covers, columns=["organisation_id", "reporting_year", "year"]
    ).astype("int64")
    rows = (
        Answer.objects.filter(response__state=Response.State.APPROVED, not_reported=False)
        .exclude(value__isnull=True, choice="")
        .order_by("response__round__year")
        .values_list("response__organisation_id", "year", "question__key", "value", "choice")
    )
    answers = pd.DataFrame.from_records(
        list(rows), columns=["organisation_id", "year", "key", "value", "choice"]
    ).astype({"organisation_id": "int64", "year": "int64"})
    answers = answers.drop_duplicates(["organisation_id", "year", "key"], keep="last")
    numbers = answers[answers["value"].notna()]
    values = pd.DataFrame(
        {
            "organisation_id": numbers["organisation_id"],
            "year": numbers["year"],
            "key": numbers["key"],
            "value": numbers["value"].astype("float64"),
        }
    ).reset_index(drop=True)
    chosen = answers[answers["choice"] != ""]
    choices = chosen[["organisation_id", "year", "key", "choice"]].reset_index(drop=True)
    # The office's "included in X's report" relations, with the years each holds.
    relation_rows = GroupRelation.objects.filter(
        kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF
    ).values_list("from_organisation_id", "to_organisation_id", "from_year", "to_year")
    relations = pd.DataFrame.from_records(
        list(relation_rows),
        columns=["organisation_id", "included_in", "from_year", "to_year"],
    ).astype({"from_year": "float64", "to_year": "float64"})
    decisions = pd.DataFrame.from_records(
        list(
            BoundaryDecision.objects.values_list("organisation_id", "reporting_year", "comparable")
        ),
        columns=["organisation_id", "reporting_year", "comparable"],
    )
    expected = expected_frame()
    period = current_period()
    settings = followup_settings(period)
    return Inputs(
        values=values,
        choices=choices,
        responses=responses,
        relations=relations,
        decisions=decisions,
        n_partners={
            int(y): int(n) for y, n in zip(expected["year"], expected["n_total"], strict=True)
        },
        base_year=period.base_year if period else 2022,
        rate=float(period.annual_reduction_rate) if period else 0.2,
        scope2_method=settings.scope2_method,
        min_group=settings.min_group_size,
    )
