"""The inputs of the figures and who counts (survey-and-ghg.md §1.7; docs/figures.md).

:class:`Inputs` holds the frames ``surveys.selectors.figure_inputs`` reads once; the functions
here decide who is in a figure: reporting organisations ``P(y)``, organisations included in
another partner's report ``inc(o, y)`` (their own answer, every year the response covers, or the
office's group relation) and boundary changes (detected from the answers, overridden by the
office's decisions, with recalculated base values used where given). The result dataclasses are
defined here too, so both computing modules share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

BASE_KEYS = {
    "scope1_total": "base_scope1",
    "scope2_location": "base_scope2_location",
    "scope2_market": "base_scope2_market",
}
SCOPE3_CATEGORIES = range(1, 16)
BOUNDARY_KEYS = ("geographic_scope", "consolidation_approach")
TONNES = "t CO2e"
FRACTION = "fraction"
COUNT = "count"
# Rounding noise (float sums of 3-decimal tonnes) must not put an organisation off its path.
TOLERANCE = 1e-6


def scope2_key(method: str) -> str:
    return "scope2_location" if method == "location" else "scope2_market"


@dataclass
class Inputs:
    """Everything the figures read, as frames (see ``selectors.figure_inputs``).

    * ``values``: organisation_id, year, key, value — numeric answers of approved responses;
      per-year questions at their data year, the others at the response's reporting year.
    * ``choices``: organisation_id, year, key, choice — choice answers, same years.
    * ``responses``: organisation_id, reporting_year, year — the data years each approved
      response covers.
    * ``relations``: organisation_id, included_in, from_year, to_year — the office's group
      relations "Redovisas i rapporten från" (years NaN = open).
    * ``decisions``: organisation_id, reporting_year, comparable — the office's boundary
      decisions, overriding what the answers say.
    * ``n_partners``: year → partners in that year.
    """

    values: pd.DataFrame
    choices: pd.DataFrame
    responses: pd.DataFrame
    relations: pd.DataFrame
    decisions: pd.DataFrame
    n_partners: dict[int, int]
    base_year: int = 2022
    rate: float = 0.2
    scope2_method: str = "market"
    min_group: int = 3

    def __post_init__(self) -> None:
        self.scope2_method = str(self.scope2_method)  # a TextChoices member from settings
        self.values = _without_stale_scope3(self.values, self.choices)

    # Lookups built once per Inputs: every figure reads single values many times, and a dict
    # keeps that linear in the number of answers (the benchmark runs 10,000 organisations).
    @cached_property
    def value_map(self) -> dict[tuple[int, str, int], float]:
        frame = self.values
        keys = zip(
            frame["organisation_id"].astype("int64").tolist(),
            frame["key"].astype(str).tolist(),
            frame["year"].astype("int64").tolist(),
            strict=True,
        )
        return dict(zip(keys, frame["value"].astype("float64").tolist(), strict=True))

    @cached_property
    def scope3_totals(self) -> dict[tuple[int, int], float]:
        """(organisation, year) → Σ of its calculated scope 3 categories (that organisation
        only: scope 3 is never summed across organisations)."""
        frame = self.values[self.values["key"].astype(str).str.startswith("scope3_c")]
        sums = frame.groupby(["organisation_id", "year"])["value"].sum().reset_index()
        keys = zip(
            sums["organisation_id"].astype("int64").tolist(),
            sums["year"].astype("int64").tolist(),
            strict=True,
        )
        return dict(zip(keys, sums["value"].astype("float64").tolist(), strict=True))

    @cached_property
    def choice_map(self) -> dict[tuple[int, str, int], str]:
        frame = self.choices
        return {
            (int(o), str(k), int(y)): str(c)
            for o, k, y, c in zip(
                frame["organisation_id"], frame["key"], frame["year"], frame["choice"], strict=True
            )
        }

    @cached_property
    def reporting_years(self) -> dict[int, list[int]]:
        result: dict[int, set[int]] = {}
        for o, r in zip(
            self.responses["organisation_id"], self.responses["reporting_year"], strict=True
        ):
            result.setdefault(int(o), set()).add(int(r))
        return {o: sorted(years) for o, years in result.items()}

    @cached_property
    def covered(self) -> dict[tuple[int, int], set[int]]:
        """(organisation, reporting year) → the data years that response covers."""
        result: dict[tuple[int, int], set[int]] = {}
        frame = self.responses
        for o, r, y in zip(
            frame["organisation_id"], frame["reporting_year"], frame["year"], strict=True
        ):
            result.setdefault((int(o), int(r)), set()).add(int(y))
        return result

    @cached_property
    def reporters_by_year(self) -> dict[int, set[int]]:
        result: dict[int, set[int]] = {}
        for o, y in zip(self.responses["organisation_id"], self.responses["year"], strict=True):
            result.setdefault(int(y), set()).add(int(o))
        return result

    @cached_property
    def included_by_year(self) -> dict[int, dict[int, int]]:
        """year → {organisation: the partner whose report includes it}, only where that
        partner reported the year: an overlap removes an organisation only when the figures it
        is inside are themselves in the partnership's figures (otherwise its emissions would be
        lost and the note would point at a report that is not there)."""
        result: dict[int, dict[int, int]] = {}
        frame = included(self)
        for o, y, into in zip(
            frame["organisation_id"], frame["year"], frame["included_in"], strict=True
        ):
            if int(into) in self.reporters_by_year.get(int(y), set()):
                result.setdefault(int(y), {})[int(o)] = int(into)
        return result

    @cached_property
    def children_by_year(self) -> dict[tuple[int, int], frozenset[int]]:
        """(partner, year) → the organisations stated to be inside its report that year (by
        their own answer or the office's group relation), whether or not it reported."""
        result: dict[tuple[int, int], set[int]] = {}
        frame = included(self)
        for o, y, into in zip(
            frame["organisation_id"], frame["year"], frame["included_in"], strict=True
        ):
            result.setdefault((int(into), int(y)), set()).add(int(o))
        return {k: frozenset(v) for k, v in result.items()}

    @cached_property
    def changes(self) -> pd.DataFrame:
        return boundary_changes(self)

    @cached_property
    def changed_years(self) -> dict[int, list[int]]:
        """organisation → reporting years whose boundary change counts."""
        result: dict[int, list[int]] = {}
        changes = self.changes
        if changes.empty:
            return result
        counted = changes[changes["changed"].astype(bool)]
        for o, r in zip(counted["organisation_id"], counted["reporting_year"], strict=True):
            result.setdefault(int(o), []).append(int(r))
        return result


@dataclass(frozen=True)
class Figure:
    key: str
    year: int
    value: float | None
    unit: str
    n: int
    n_partners: int
    left_out_included: int = 0
    left_out_not_comparable: int = 0
    scopes: str = ""
    scope2_method: str = ""
    panel: bool = False
    base_year: int | None = None
    suppressed: bool = False

    @property
    def label(self) -> str:
        from surveys.figures.output import figure_label

        return figure_label(self)

    @property
    def note(self) -> str:
        from surveys.figures.output import figure_note

        return figure_note(self)


@dataclass(frozen=True)
class PathCheck:
    kind: str  # "partnership_path" | "own_target"
    scopes: str
    scope2_method: str
    base_year: int
    base_value: float
    rate: float
    emissions: float
    target: float | None
    gap: float | None
    gap_pct: float | None
    on_path: bool | None
    average_rate: float | None
    required_rate: float | None

    @property
    def label(self) -> str:
        from surveys.figures.output import path_check_label

        return path_check_label(self)


@dataclass(frozen=True)
class Scope3Category:
    number: int
    value: float | None
    status: str  # calculated | not_relevant | not_calculated | included_elsewhere | "" (none)


@dataclass(frozen=True)
class OrganisationFigures:
    organisation_id: int
    year: int
    scope1: float | None
    scope2_location: float | None
    scope2_market: float | None
    scope3: float | None
    scope3_categories: list[Scope3Category]
    total: float | None
    total_scopes: str
    scope2_method: str
    included_in: int | None
    comparable: bool
    boundary_changed: bool
    checks: list[PathCheck] = field(default_factory=list)
    # Why a stated own target has no check ("not_comparable" | "no_base" | "no_emissions"),
    # and why there is no total ("no_scope1" | "no_scope2_method"); "" = nothing missing.
    own_target_missing: str = ""
    total_missing: str = ""

    def check(self, kind: str) -> PathCheck | None:
        return next((c for c in self.checks if c.kind == kind), None)

    @property
    def own_target_note(self) -> str:
        from surveys.figures.output import own_target_note

        return own_target_note(self.own_target_missing)

    @property
    def total_note(self) -> str:
        from surveys.figures.output import total_note

        return total_note(self.total_missing, self.scope2_method)

    @property
    def scope2_method_label(self) -> str:
        from surveys.figures.output import method_label

        return method_label(self.scope2_method)


# --- who is in: reporters, overlaps, boundaries ------------------------------------------------


def _without_stale_scope3(values: pd.DataFrame, choices: pd.DataFrame) -> pd.DataFrame:
    """Drop scope 3 values whose category status is not "calculated": the status wins. A value
    left behind under "not relevant" or "included in another category" (its tonnes are inside
    another category) must not be added; the form now refuses such a pair (rules.field_error),
    but answers stored before that rule may hold one."""
    if values.empty or choices.empty:
        return values
    keys = ["organisation_id", "year", "key"]
    statuses = choices[choices["key"].astype(str).str.startswith("scope3_c")]
    stale = statuses.loc[statuses["choice"].astype(str) != "calculated", keys]
    if stale.empty:
        return values
    marked = values.merge(stale.assign(_stale=True), on=keys, how="left")
    kept = marked[marked["_stale"].isna()].drop(columns="_stale")
    return kept.reset_index(drop=True)


def reporters(inputs: Inputs, year: int) -> set[int]:
    """P(y): organisations with an approved response covering ``year``."""
    return inputs.reporters_by_year.get(year, set())


def included(inputs: Inputs) -> pd.DataFrame:
    """inc(o, y) as rows organisation_id, year, included_in (one per organisation-year)."""
    frames = []
    answers = inputs.choices[inputs.choices["key"] == "included_in_partner"]
    answers = answers[answers["choice"].astype(str).str.isdigit()]
    if not answers.empty:
        # The answer sits at the response's reporting year but covers all its data years.
        own = answers.rename(columns={"year": "reporting_year"}).merge(
            inputs.responses, on=["organisation_id", "reporting_year"]
        )
        frames.append(
            pd.DataFrame(
                {
                    "organisation_id": own["organisation_id"].astype("int64"),
                    "year": own["year"].astype("int64"),
                    "included_in": own["choice"].astype("int64"),
                }
            )
        )
    relations = inputs.relations
    if not relations.empty:
        covered = relations.merge(inputs.responses, on="organisation_id")
        valid = (covered["from_year"].isna() | (covered["year"] >= covered["from_year"])) & (
            covered["to_year"].isna() | (covered["year"] <= covered["to_year"])
        )
        covered = covered[valid]
        frames.append(
            pd.DataFrame(
                {
                    "organisation_id": covered["organisation_id"].astype("int64"),
                    "year": covered["year"].astype("int64"),
                    "included_in": covered["included_in"].astype("int64"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64") for c in ("organisation_id", "year", "included_in")}
        )
    result = pd.concat(frames, ignore_index=True)
    result = result[result["organisation_id"] != result["included_in"]]
    return result.drop_duplicates(["organisation_id", "year"]).reset_index(drop=True)


def included_set(inputs: Inputs, year: int) -> dict[int, int]:
    return inputs.included_by_year.get(year, {})


def choice_of(inputs: Inputs, organisation_id: int, key: str, reporting_year: int) -> str:
    return inputs.choice_map.get((organisation_id, key, reporting_year), "")


def value_of(inputs: Inputs, organisation_id: int, key: str, year: int) -> float | None:
    return inputs.value_map.get((organisation_id, key, year))


def _reporting_years(inputs: Inputs, organisation_id: int) -> list[int]:
    return inputs.reporting_years.get(organisation_id, [])


def boundary_changes(inputs: Inputs) -> pd.DataFrame:
    """Per organisation and reporting year r: did the boundary change (detected) and does it
    count (after the office's decision)?

    Detected, for every response after the organisation's first one (also one of a round that
    collects the base year again), when the geographic scope or consolidation method differs
    from its previous approved response, when it says its base year was recalculated, or when a
    partner that was inside its report now reports on its own (a divestment) or a partner that
    reported on its own is now inside it (an acquisition): a structural change, after which its
    own figures are not like for like with its base (survey-and-ghg.md §1.4) unless it gives a
    recalculated base. Columns: organisation_id, reporting_year, detected, changed, reasons
    (list of keys), decided (bool).
    """
    rows = []
    decisions = {
        (int(o), int(r)): bool(c)
        for o, r, c in zip(
            inputs.decisions["organisation_id"],
            inputs.decisions["reporting_year"],
            inputs.decisions["comparable"],
            strict=True,
        )
    }
    for organisation_id, years in sorted(inputs.reporting_years.items()):
        for index, reporting_year in enumerate(years):
            reasons: list[str] = []
            if index > 0:
                previous = years[index - 1]
                for key in BOUNDARY_KEYS:
                    now = choice_of(inputs, organisation_id, key, reporting_year)
                    before = choice_of(inputs, organisation_id, key, previous)
                    if now and before and now != before:
                        reasons.append(key)
                if choice_of(inputs, organisation_id, "base_recalculated", reporting_year) == "yes":
                    reasons.append("base_recalculated")
                if _group_changed(inputs, organisation_id, previous, reporting_year):
                    reasons.append("group_change")
            decision = decisions.get((organisation_id, reporting_year))
            detected = bool(reasons)
            changed = detected if decision is None else not decision
            if detected or decision is not None:
                rows.append(
                    {
                        "organisation_id": organisation_id,
                        "reporting_year": reporting_year,
                        "detected": detected,
                        "changed": changed,
                        "reasons": reasons,
                        "decided": decision is not None,
                    }
                )
    columns = ["organisation_id", "reporting_year", "detected", "changed", "reasons", "decided"]
    return pd.DataFrame.from_records(rows, columns=columns)


def _group_changed(inputs: Inputs, organisation_id: int, previous: int, year: int) -> bool:
    """Did a partner leave or join the organisation's report between two reporting years? Only
    partners seen on both sides count (one reporting on its own in the other year): a
    subsidiary that merely joins the partnership, or stops answering, changes nothing we know."""
    before = inputs.children_by_year.get((organisation_id, previous), frozenset())
    now = inputs.children_by_year.get((organisation_id, year), frozenset())
    sold = {c for c in before - now if c in reporters(inputs, year)}
    bought = {c for c in now - before if c in reporters(inputs, previous)}
    return bool(sold or bought)


def changed_since_base(inputs: Inputs, organisation_id: int, year: int) -> bool:
    """Did the organisation's boundary change (as it counts) after the base year, up to
    ``year``?"""
    return any(inputs.base_year < r <= year for r in inputs.changed_years.get(organisation_id, []))


def recalculated_base(inputs: Inputs, organisation_id: int, key: str, year: int) -> float | None:
    """The recalculated value of the partnership's base year for ``key`` given in the
    organisation's latest response up to ``year`` that states a recalculation, or None."""
    for reporting_year in reversed(_reporting_years(inputs, organisation_id)):
        if reporting_year > year or reporting_year <= inputs.base_year:
            continue
        if choice_of(inputs, organisation_id, "base_recalculated", reporting_year) != "yes":
            continue
        stated_base = value_of(inputs, organisation_id, "base_year", reporting_year)
        if stated_base is None or int(stated_base) != inputs.base_year:
            return None
        return value_of(inputs, organisation_id, BASE_KEYS[key], reporting_year)
    return None


def base_value(
    inputs: Inputs, organisation_id: int, key: str, year: int
) -> tuple[float | None, bool]:
    """(value of ``key`` in the base year to compare ``year`` against, comparable?).

    A recalculated base is used where given; otherwise a boundary change since the base year
    makes the organisation not comparable (value None, False)."""
    recalculated = recalculated_base(inputs, organisation_id, key, year)
    if recalculated is not None:
        return recalculated, True
    if changed_since_base(inputs, organisation_id, year):
        return None, False
    return value_of(inputs, organisation_id, key, inputs.base_year), True
