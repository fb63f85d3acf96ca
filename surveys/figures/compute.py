"""The arithmetic of every published emissions figure (survey-and-ghg.md §1.6, §1.7, §3.3).

Pure pandas: :class:`Inputs` (frames read once by ``surveys.selectors.figure_inputs``) go in,
dataclasses come out. ``docs/figures.md`` defines each figure and works the scenarios the tests
assert. The rules, in one place:

* ``P(y)``: organisations with an approved response covering year y;
* ``inc(o, y)``: o's figures for y are inside another partner's report, from o's own answer
  ("included_in_partner", valid for every year that response covers, base years included) or
  from the office's group relation "Redovisas i rapporten från" valid in y;
* sums per scope, each alone (scope 1 and scope 2 are never added across partners, §1.6.2);
* scope 3 only as per-category distributions, never summed across partners (§1.6.3);
* panel changes on the like-for-like panel from the period's base year, leaving out joiners,
  overlaps and organisations whose boundary changed without a recalculated base (§1.7).

Numbers are float64 (t CO2e below 1e8 keeps ~15 significant digits); callers round for display.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveys.figures.inputs import (
    BASE_KEYS,
    COUNT,
    FRACTION,
    SCOPE3_CATEGORIES,
    TOLERANCE,
    TONNES,
    Figure,
    Inputs,
    OrganisationFigures,
    PathCheck,
    Scope3Category,
    base_value,
    changed_since_base,
    choice_of,
    included_set,
    reporters,
    scope2_key,
    value_of,
)

# The base-year answers of an own target's scopes ("scope3" = Σ calculated categories).
OWN_BASE_KEYS = BASE_KEYS | {"scope3": "base_scope3"}

# --- partnership figures ---------------------------------------------------------------------


def _wide(inputs: Inputs, year: int) -> pd.DataFrame:
    frame = inputs.values[inputs.values["year"] == year]
    if frame.empty:
        return pd.DataFrame()
    return frame.pivot_table(
        index="organisation_id", columns="key", values="value", aggfunc="first"
    )


def _suppressed(inputs: Inputs, n: int) -> bool:
    return n < inputs.min_group


def scope_sum(inputs: Inputs, key: str, year: int) -> tuple[float, list[int], list[int]]:
    """Σ key over o ∈ P(y), not inc(o, y): (sum, organisations included, left out as included)."""
    members = reporters(inputs, year)
    inside = included_set(inputs, year)
    frame = inputs.values[(inputs.values["year"] == year) & (inputs.values["key"] == key)]
    frame = frame[frame["organisation_id"].isin(members)]
    counted = frame[~frame["organisation_id"].isin(inside)]
    left_out = frame[frame["organisation_id"].isin(inside)]
    return (
        float(counted["value"].sum()),
        sorted(int(o) for o in counted["organisation_id"]),
        sorted(int(o) for o in left_out["organisation_id"]),
    )


@dataclass(frozen=True)
class PanelMember:
    organisation_id: int
    base: float
    current: float


def panel(inputs: Inputs, keys: list[str], year: int) -> tuple[list[PanelMember], int, int]:
    """The like-for-like panel from the base year to ``year`` for the sum of ``keys`` (one
    organisation's own scopes): (members, left out as included, left out as not comparable).

    A member is in P(base) and P(year), not inc in either year, reported every key in ``year``
    and has a base value for every key (its recalculated one where given)."""
    base_year = inputs.base_year
    if year <= base_year:
        return [], 0, 0
    both = reporters(inputs, base_year) & reporters(inputs, year)
    inside = set(included_set(inputs, base_year)) | set(included_set(inputs, year))
    members: list[PanelMember] = []
    n_included = n_not_comparable = 0
    for organisation_id in sorted(both):
        currents = [value_of(inputs, organisation_id, key, year) for key in keys]
        if any(v is None for v in currents):
            continue
        bases = [base_value(inputs, organisation_id, key, year) for key in keys]
        if not all(comparable for _v, comparable in bases):
            n_not_comparable += 1
            continue
        if any(v is None for v, _c in bases):
            continue
        if organisation_id in inside:
            n_included += 1
            continue
        members.append(
            PanelMember(
                organisation_id,
                float(sum(v for v, _c in bases if v is not None)),
                float(sum(v for v in currents if v is not None)),
            )
        )
    return members, n_included, n_not_comparable


def path_target(base: float, rate: float, steps: int) -> float:
    return base * (1.0 - rate) ** steps


def partnership_figures(inputs: Inputs, year: int) -> list[Figure]:
    """Every partnership figure for ``year`` (keys: docs/figures.md)."""
    n_partners = int(inputs.n_partners.get(year, 0))
    members = reporters(inputs, year)
    method = inputs.scope2_method
    figures: list[Figure] = [
        Figure("responses", year, float(len(members)), COUNT, len(members), n_partners)
    ]
    for key, figure_key, scopes, scope2 in (
        ("scope1_total", "scope1_sum", "1", ""),
        ("scope2_location", "scope2_location_sum", "2", "location"),
        ("scope2_market", "scope2_market_sum", "2", "market"),
    ):
        total, counted, left_out = scope_sum(inputs, key, year)
        suppressed = _suppressed(inputs, len(counted))
        figures.append(
            Figure(
                figure_key,
                year,
                None if suppressed else total,
                TONNES,
                len(counted),
                n_partners,
                left_out_included=len(left_out),
                scopes=scopes,
                scope2_method=scope2,
                suppressed=suppressed,
            )
        )
    if year > inputs.base_year:
        for key, figure_key, scopes, scope2 in (
            ("scope1_total", "scope1_panel_change", "1", ""),
            ("scope2_location", "scope2_location_panel_change", "2", "location"),
            ("scope2_market", "scope2_market_panel_change", "2", "market"),
        ):
            group, n_inc, n_nc = panel(inputs, [key], year)
            base_sum = sum(m.base for m in group)
            value = sum(m.current for m in group) / base_sum - 1.0 if base_sum > 0 else None
            suppressed = _suppressed(inputs, len(group))
            figures.append(
                Figure(
                    figure_key,
                    year,
                    None if suppressed else value,
                    FRACTION,
                    len(group),
                    n_partners,
                    n_inc,
                    n_nc,
                    scopes,
                    scope2,
                    True,
                    inputs.base_year,
                    suppressed,
                )
            )
        group, n_inc, n_nc = panel(inputs, ["scope1_total", scope2_key(method)], year)
        changes = [m.current / m.base - 1.0 for m in group if m.base > 0]
        steps = year - inputs.base_year
        on_path = [m.current <= path_target(m.base, inputs.rate, steps) + TOLERANCE for m in group]
        suppressed = _suppressed(inputs, len(group))
        figures.append(
            Figure(
                "median_partner_change",
                year,
                None if suppressed or not changes else float(np.median(changes)),
                FRACTION,
                len(changes),
                n_partners,
                n_inc,
                n_nc,
                "1+2",
                method,
                True,
                inputs.base_year,
                suppressed,
            )
        )
        figures.append(
            Figure(
                "on_path_share",
                year,
                None if suppressed or not group else sum(on_path) / len(group),
                FRACTION,
                len(group),
                n_partners,
                n_inc,
                n_nc,
                "1+2",
                method,
                True,
                inputs.base_year,
                suppressed,
            )
        )
    figures.append(_own_target_share(inputs, year, members, n_partners))
    figures += _scope3_figures(inputs, year, members, n_partners)
    return figures


def _response_year(inputs: Inputs, organisation_id: int, year: int) -> int | None:
    """The reporting year of the organisation's approved response covering ``year``."""
    found = [
        r
        for r in inputs.reporting_years.get(organisation_id, [])
        if year in inputs.covered.get((organisation_id, r), set())
    ]
    return max(found) if found else None


def own_target(inputs: Inputs, organisation_id: int, year: int) -> tuple[float, int, str] | None:
    """(rate as a fraction, base year, scopes like "1+2+3") of the organisation's own target,
    from the response covering ``year``; None without a stated rate."""
    reporting_year = _response_year(inputs, organisation_id, year)
    if reporting_year is None:
        return None
    rate = value_of(inputs, organisation_id, "target_rate_pct", reporting_year)
    if rate is None or rate <= 0:
        return None
    base = value_of(inputs, organisation_id, "target_base_year", reporting_year)
    chosen = choice_of(inputs, organisation_id, "target_scopes", reporting_year)
    scopes = sorted({c.strip().removeprefix("s") for c in chosen.split(",") if c.strip()})
    return (
        rate / 100.0,
        int(base) if base is not None else inputs.base_year,
        "+".join(scopes or ["1", "2"]),
    )


def own_target_base(
    inputs: Inputs, organisation_id: int, scopes: str, base_year: int, year: int
) -> tuple[float | None, str]:
    """(base value on ``scopes`` for an own target from ``base_year``, why it is missing).

    From the partnership's base year the scope 1 and 2 bases are the partnership path's own
    (recalculated where given; none across an unrecalculated boundary change), so the two
    checks never disagree about the base. From another year (e.g. 2019, before the survey) the
    base is the base-year value the organisation states (``base_scope1`` … with ``base_year``),
    else its reported value for that year. A boundary change after the base year without a
    recalculated base leaves no like-for-like base: the reason is "not_comparable"; no value
    at all gives "no_base". Reasons are labelled in ``output.own_target_note``."""
    total = 0.0
    for scope in scopes.split("+"):
        key = {"1": "scope1_total", "2": scope2_key(inputs.scope2_method)}.get(scope, "scope3")
        if base_year == inputs.base_year and key in BASE_KEYS:
            value, comparable = base_value(inputs, organisation_id, key, year)
        else:
            value, comparable = _stated_base(inputs, organisation_id, key, base_year, year)
        if not comparable:
            return None, "not_comparable"
        if value is None:
            return None, "no_base"
        total += value
    return total, ""


def _stated_base(
    inputs: Inputs, organisation_id: int, key: str, base_year: int, year: int
) -> tuple[float | None, bool]:
    """(base value of ``key`` for ``base_year``, comparable?) outside the partnership base year:
    the latest stated value up to ``year``; across a boundary change only a value stated as
    recalculated in or after the change."""
    changes = [r for r in inputs.changed_years.get(organisation_id, []) if base_year < r <= year]
    for reporting_year in reversed(inputs.reporting_years.get(organisation_id, [])):
        if reporting_year > year:
            continue
        stated = value_of(inputs, organisation_id, "base_year", reporting_year)
        value = value_of(inputs, organisation_id, OWN_BASE_KEYS[key], reporting_year)
        if stated is None or int(stated) != base_year or value is None:
            continue
        recalculated = (
            choice_of(inputs, organisation_id, "base_recalculated", reporting_year) == "yes"
        )
        if changes and not (recalculated and reporting_year >= max(changes)):
            return None, False
        return value, True
    if changes:
        return None, False
    if key == "scope3":
        return inputs.scope3_totals.get((organisation_id, base_year)), True
    return value_of(inputs, organisation_id, key, base_year), True


def _own_target_share(inputs: Inputs, year: int, members: set[int], n_partners: int) -> Figure:
    with_target = [o for o in members if own_target(inputs, o, year) is not None]
    n = len(members)
    suppressed = _suppressed(inputs, n)
    return Figure(
        "own_target_share",
        year,
        None if suppressed or n == 0 else len(with_target) / n,
        FRACTION,
        n,
        n_partners,
        suppressed=suppressed,
    )


def _scope3_figures(inputs: Inputs, year: int, members: set[int], n_partners: int) -> list[Figure]:
    inside = included_set(inputs, year)
    result = []
    frame = inputs.values[inputs.values["year"] == year]
    frame = frame[frame["key"].str.startswith("scope3_c") & frame["organisation_id"].isin(members)]
    by_key = {str(key): rows for key, rows in frame.groupby("key")}
    empty = frame.iloc[0:0]
    for number in SCOPE3_CATEGORIES:
        rows = by_key.get(f"scope3_c{number}", empty)
        left_out = int(rows["organisation_id"].isin(inside).sum())
        values = rows.loc[~rows["organisation_id"].isin(inside), "value"].astype("float64")
        n = len(values)
        suppressed = _suppressed(inputs, n)
        stats = {
            "reporting": float(n),
            "median": None if suppressed else float(values.median()),
            "q1": None if suppressed else float(values.quantile(0.25)),
            "q3": None if suppressed else float(values.quantile(0.75)),
        }
        for stat, value in stats.items():
            result.append(
                Figure(
                    f"scope3_c{number}_{stat}",
                    year,
                    value,
                    COUNT if stat == "reporting" else TONNES,
                    n,
                    n_partners,
                    left_out_included=left_out,
                    scopes="3",
                    suppressed=suppressed and stat != "reporting",
                )
            )
    return result


# --- one organisation -------------------------------------------------------------------------


def _scope3(
    inputs: Inputs, organisation_id: int, year: int
) -> tuple[float | None, list[Scope3Category]]:
    categories = []
    calculated: list[float] = []
    for number in SCOPE3_CATEGORIES:
        key = f"scope3_c{number}"
        value = value_of(inputs, organisation_id, key, year)
        status = choice_of(inputs, organisation_id, key, year)
        if value is not None:
            status = "calculated"
            calculated.append(value)
        categories.append(Scope3Category(number, value, status))
    return (float(sum(calculated)) if calculated else None), categories


def emissions_on(inputs: Inputs, organisation_id: int, year: int, scopes: str) -> float | None:
    """The organisation's own emissions for ``year`` on ``scopes`` ("1+2", "1+2+3", "3" …),
    scope 2 by the period's method; None when a needed scope is missing."""
    parts: list[float | None] = []
    for scope in scopes.split("+"):
        if scope == "1":
            parts.append(value_of(inputs, organisation_id, "scope1_total", year))
        elif scope == "2":
            parts.append(value_of(inputs, organisation_id, scope2_key(inputs.scope2_method), year))
        elif scope == "3":
            parts.append(inputs.scope3_totals.get((organisation_id, year)))
    if not parts or any(p is None for p in parts):
        return None
    return float(sum(p for p in parts if p is not None))


def required_rate(emissions: float, budget: float, used: float) -> float:
    """§3.3.3 as amended: r = E / (E + B_remaining); a spent budget needs 100 %."""
    remaining = budget - used
    if remaining <= 0:
        return 1.0
    return emissions / (emissions + remaining)


def path_check(
    *,
    kind: str,
    scopes: str,
    scope2_method: str,
    series: dict[int, float],
    base_year: int,
    base: float,
    rate: float,
    year: int,
    budget: float | None = None,
    budget_from_year: int | None = None,
) -> PathCheck | None:
    """The §3.3 checks of ``series[year]`` against base × (1 − rate)^(y − base).

    ``budget`` defaults to the one the fixed path implies, base × (1 − rate) / rate, which
    covers the years after the base year. A given budget is spent from ``budget_from_year``
    (that year included; default the year after the base year): Umeå's budget from 2020 is
    used by 2020's emissions too. The required rate needs every year it is spent over
    (otherwise None)."""
    emissions = series.get(year)
    if emissions is None or year < base_year:
        return None
    steps = year - base_year
    target = path_target(base, rate, steps)
    gap = emissions - target
    average = None
    if steps > 0 and base > 0:
        average = 1.0 - (max(emissions, 0.0) / base) ** (1.0 / steps)
    required = None
    if budget is None:
        budget_from_year = None  # the implied budget covers the years after the base year
        if 0 < rate < 1:
            budget = base * (1.0 - rate) / rate
    years_since = range(budget_from_year or base_year + 1, year + 1)
    if budget is not None and all(y in series for y in years_since):
        required = required_rate(emissions, budget, sum(series[y] for y in years_since))
    return PathCheck(
        kind=kind,
        scopes=scopes,
        scope2_method=scope2_method,
        base_year=base_year,
        base_value=base,
        rate=rate,
        emissions=emissions,
        target=target,
        gap=gap,
        gap_pct=gap / target if target > 0 else None,
        on_path=emissions <= target + TOLERANCE,
        average_rate=average,
        required_rate=required,
    )


def _series(
    inputs: Inputs, organisation_id: int, scopes: str, years: list[int]
) -> dict[int, float]:
    result = {}
    for year in years:
        value = emissions_on(inputs, organisation_id, year, scopes)
        if value is not None:
            result[year] = value
    return result


def organisation_figures(
    inputs: Inputs, organisation_id: int, year: int
) -> OrganisationFigures | None:
    if organisation_id not in reporters(inputs, year):
        return None
    method = inputs.scope2_method
    s1 = value_of(inputs, organisation_id, "scope1_total", year)
    s2l = value_of(inputs, organisation_id, "scope2_location", year)
    s2m = value_of(inputs, organisation_id, "scope2_market", year)
    s3, categories = _scope3(inputs, organisation_id, year)
    s2 = s2l if method == "location" else s2m
    total = None if s1 is None or s2 is None else s1 + s2 + (s3 or 0.0)
    years = sorted(
        y for y, members in inputs.reporters_by_year.items() if organisation_id in members
    )
    changed = changed_since_base(inputs, organisation_id, year)
    checks: list[PathCheck] = []
    series = _series(inputs, organisation_id, "1+2", years)
    bases = [
        base_value(inputs, organisation_id, key, year)
        for key in ("scope1_total", scope2_key(method))
    ]
    comparable = all(c for _v, c in bases)
    if comparable and all(v is not None for v, _c in bases):
        series[inputs.base_year] = float(sum(v for v, _c in bases if v is not None))
        check = path_check(
            kind="partnership_path",
            scopes="1+2",
            scope2_method=method,
            series=series,
            base_year=inputs.base_year,
            base=series[inputs.base_year],
            rate=inputs.rate,
            year=year,
        )
        if check is not None:
            checks.append(check)
    target = own_target(inputs, organisation_id, year)
    own_missing = ""
    if target is not None:
        own_rate, own_base_year, own_scopes = target
        own_series = _series(inputs, organisation_id, own_scopes, years)
        own_base, own_missing = own_target_base(
            inputs, organisation_id, own_scopes, own_base_year, year
        )
        if own_base is not None:
            own_series[own_base_year] = own_base
            check = path_check(
                kind="own_target",
                scopes=own_scopes,
                scope2_method=method if "2" in own_scopes else "",
                series=own_series,
                base_year=own_base_year,
                base=own_base,
                rate=own_rate,
                year=year,
            )
            if check is not None:
                checks.append(check)
            else:
                own_missing = "no_emissions"
    total_missing = ""
    if total is None:
        total_missing = "no_scope1" if s1 is None else "no_scope2_method"
    inside = included_set(inputs, year)
    return OrganisationFigures(
        organisation_id=organisation_id,
        year=year,
        scope1=s1,
        scope2_location=s2l,
        scope2_market=s2m,
        scope3=s3,
        scope3_categories=categories,
        total=total,
        total_scopes="1+2+3" if s3 is not None else "1+2",
        scope2_method=method,
        included_in=inside.get(organisation_id),
        comparable=comparable,
        boundary_changed=changed,
        checks=checks,
        own_target_missing=own_missing,
        total_missing=total_missing,
    )


# --- Likert per group (§5, point 11) ----------------------------------------------------------

LIKERT_SCALE = ["1", "2", "3", "4", "5"]


def _suppressed_cells(
    sizes: dict[tuple[str, int, str], int], min_group: int
) -> set[tuple[str, int, str]]:
    """The cells to suppress: every cell under ``min_group`` organisations (primary), then,
    per item and year, the smallest other cells until the suppressed cells together hold at
    least ``min_group`` organisations and are at least two (secondary). The item's total over
    all organisations is published too (its indicator), so a single suppressed cell would be
    the total minus the cells shown: (5 × 80 % − 3 × 67 %) / 2 reads a 2-organisation cell back.
    When nothing is left to add, the whole breakdown of that item and year is suppressed."""
    hidden: set[tuple[str, int, str]] = set()
    by_item: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for (key, year, group), n in sizes.items():
        by_item.setdefault((key, year), []).append((n, group))
    for (key, year), cells in by_item.items():
        small = {group for n, group in cells if n < min_group}
        if not small:
            continue
        rest = sorted((n, group) for n, group in cells if group not in small)
        held = sum(n for n, group in cells if group in small)
        while rest and (len(small) < 2 or held < min_group):
            n, group = rest.pop(0)
            small.add(group)
            held += n
        hidden |= {(key, year, group) for group in small}
    return hidden


def likert_by_group(
    choices: pd.DataFrame, groups: pd.DataFrame, keys: list[str], *, min_group: int = 3
) -> pd.DataFrame:
    """Per Likert item, year and group: n (organisations on the scale), % per category,
    top-2-box and median; every cell with fewer than ``min_group`` organisations is suppressed
    (its numbers blanked, n kept as "< min_group" is not shown either).

    ``groups``: organisation_id, group — an organisation may sit in several groups (focus
    areas). Unit of analysis is the organisation: one answer each (§5.1)."""
    subset = choices[choices["key"].isin(keys) & choices["choice"].isin(LIKERT_SCALE)]
    merged = subset.merge(groups, on="organisation_id")
    columns = ["key", "year", "group", "n", *[f"pct_{c}" for c in LIKERT_SCALE], "top2",
               "median", "suppressed"]  # fmt: skip
    if merged.empty:
        return pd.DataFrame(columns=columns)
    sizes = {
        (str(key), int(str(year)), str(group)): int(cell["organisation_id"].nunique())
        for (key, year, group), cell in merged.groupby(["key", "year", "group"], sort=True)
    }
    hidden = _suppressed_cells(sizes, min_group)
    rows = []
    for (key, year, group), cell in merged.groupby(["key", "year", "group"], sort=True):
        n = int(cell["organisation_id"].nunique())
        suppressed = (str(key), int(str(year)), str(group)) in hidden
        counts = cell["choice"].value_counts().reindex(LIKERT_SCALE, fill_value=0)
        row: dict[str, object] = {"key": key, "year": int(str(year)), "group": group}
        row["n"] = None if suppressed else n
        for c in LIKERT_SCALE:
            row[f"pct_{c}"] = None if suppressed else float(counts[c]) / n
        row["top2"] = None if suppressed else float(counts["4"] + counts["5"]) / n
        cumulative = counts.cumsum().to_numpy(dtype="float64")
        row["median"] = None if suppressed else float(np.argmax(cumulative >= n / 2.0) + 1)
        row["suppressed"] = suppressed
        rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=columns).astype(object)
    # Suppressed cells stay None (not NaN): nothing in them may read as a number.
    return frame.where(frame.notna(), None)
