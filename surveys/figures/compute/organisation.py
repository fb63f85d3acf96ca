"""One organisation's figures: emissions on the path, required rate, path check."""

from __future__ import annotations

from surveys.figures.compute.common import path_target
from surveys.figures.compute.targets import own_target, own_target_base
from surveys.figures.inputs import (
    SCOPE3_CATEGORIES,
    TOLERANCE,
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


def _own_target_check(
    inputs: Inputs, organisation_id: int, year: int, years: list[int]
) -> tuple[PathCheck | None, str]:
    """The organisation's path towards its own target, or why there is none ("" when it has
    no target)."""
    method = inputs.scope2_method
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
                return check, own_missing
            own_missing = "no_emissions"
    return None, own_missing


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
    own_check, own_missing = _own_target_check(inputs, organisation_id, year, years)
    if own_check is not None:
        checks.append(own_check)
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
