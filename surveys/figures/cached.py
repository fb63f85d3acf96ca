"""The follow-up's figures, kept in the shared cache (issue 19, point 3).

Computing them reads every approved answer (110,000 at ten times the real size) into pandas: about
a second a request. They change only when ``surveys.services.schedule_recompute`` runs: an
approval, a reopened approved response, an import, a boundary decision, a manual value, an
organisation's "included in the report of" relation. That service calls :func:`changed`, which
versions the cached values (klimatfardplan.cache: a new version at once and on commit), so the
page is never stale; every value also expires after ``TIMEOUT``.

The values are language-neutral (figures and pandas frames; labels are translated when shown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from klimatfardplan import cache
from surveys.figures.compute import partnership_figures as compute_partnership
from surveys.figures.inputs import Figure, Inputs, OrganisationFigures

NAMESPACE = "followup"
TIMEOUT = 15 * 60  # seconds; a safety net for a change made behind the services' back
LIKERT_GROUPS = ("kind", "sector", "focus_area")
# ?year= outside these is not a reporting year: read as "the latest", not cached on its own.
PLAUSIBLE_YEARS = range(1990, 2101)


def changed() -> None:
    """The figures' sources changed in this transaction (see the module's docstring)."""
    cache.bump(NAMESPACE)


@dataclass(frozen=True)
class PartnershipYear:
    """What the follow-up page shows of the partnership for one reporting year."""

    years: list[int]  # every year with reporters, oldest first
    year: int | None  # the year shown: the one asked for, else the latest
    figures: list[Figure]
    likert: dict[str, pd.DataFrame]  # by grouping (kind, sector, focus area)
    reporting_organisation_ids: list[int]  # organisations with figures in some year


class _Once:
    """The inputs, read at most once per call however many values miss."""

    def __init__(self) -> None:
        self._inputs: Inputs | None = None

    def __call__(self) -> Inputs:
        if self._inputs is None:
            from surveys import figures

            self._inputs = figures.load_inputs()
        return self._inputs


def _partnership_year(inputs: Callable[[], Inputs], wanted: int | None) -> PartnershipYear:
    from surveys import figures

    loaded = inputs()
    years = sorted(loaded.reporters_by_year)
    year = wanted if wanted in years else (years[-1] if years else None)
    return PartnershipYear(
        years=years,
        year=year,
        figures=compute_partnership(loaded, year) if year is not None else [],
        likert={group: figures.likert_by_group(year, group, loaded) for group in LIKERT_GROUPS}
        if year is not None
        else {},
        reporting_organisation_ids=sorted(loaded.reporting_years),
    )


def partnership_year(wanted: int | None) -> PartnershipYear:
    """The partnership's figures for the year asked for (None or not a reporting year: the
    latest)."""
    if wanted not in PLAUSIBLE_YEARS:
        wanted = None
    inputs = _Once()
    return cache.get_or_compute(
        NAMESPACE,
        f"partnership:{wanted or 'latest'}",
        lambda: _partnership_year(inputs, wanted),
        timeout=TIMEOUT,
    )


def organisation_series(organisation_id: int) -> list[OrganisationFigures]:
    """One organisation's figures, every year it reported, oldest first."""
    from surveys import figures

    return cache.get_or_compute(
        NAMESPACE,
        f"organisation:{organisation_id}",
        lambda: figures.organisation_series(organisation_id),
        timeout=TIMEOUT,
    )


@dataclass(frozen=True)
class BoundaryChange:
    """One organisation's boundary change in a reporting year, as the office reviews it."""

    organisation_id: int
    reasons: list[str]  # codes: geographic_scope, consolidation_approach, base_recalculated, …
    detected: bool
    changed: bool
    recalculated: dict[str, float]  # base-year values given again, by figure key


def _boundary_changes(inputs: Callable[[], Inputs], reporting_year: int) -> list[BoundaryChange]:
    from surveys.figures import inputs as who

    loaded = inputs()
    changes = loaded.changes
    if changes.empty:
        return []
    result = []
    for record in changes[changes["reporting_year"] == reporting_year].to_dict("records"):
        organisation_id = int(record["organisation_id"])
        recalculated = {
            key: who.recalculated_base(loaded, organisation_id, key, reporting_year)
            for key in who.BASE_KEYS
        }
        result.append(
            BoundaryChange(
                organisation_id=organisation_id,
                reasons=list(record["reasons"]),
                detected=bool(record["detected"]),
                changed=bool(record["changed"]),
                recalculated={k: v for k, v in recalculated.items() if v is not None},
            )
        )
    return result


def boundary_changes(reporting_year: int) -> list[BoundaryChange]:
    """The boundary changes of one reporting year (the office's review on the round page)."""
    return cache.get_or_compute(
        NAMESPACE,
        f"boundaries:{reporting_year}",
        lambda: _boundary_changes(_Once(), reporting_year),
        timeout=TIMEOUT,
    )


def warm() -> None:
    """Compute what the pages open with and store it for the current version: the follow-up's
    latest year and the latest round's boundary review. Run by a task after every change
    (surveys.services.schedule_recompute) and by beat more often than TIMEOUT, so the costly
    computation (about a second at ten times the real size) falls on a worker, not on the first
    reader after a change or an expiry."""
    from surveys.models import SurveyRound

    inputs = _Once()
    cache.refresh(
        NAMESPACE,
        "partnership:latest",
        lambda: _partnership_year(inputs, None),
        timeout=TIMEOUT,
    )
    latest = SurveyRound.objects.order_by("-year").first()
    if latest is not None:
        year = latest.reporting_year
        cache.refresh(
            NAMESPACE,
            f"boundaries:{year}",
            lambda: _boundary_changes(inputs, year),
            timeout=TIMEOUT,
        )
