"""Organisations' own targets and their base years."""

from __future__ import annotations

from surveys.figures.compute.common import OWN_BASE_KEYS, _suppressed
from surveys.figures.inputs import (
    BASE_KEYS,
    COUNT,
    FRACTION,
    SCOPE3_CATEGORIES,
    TONNES,
    Figure,
    Inputs,
    base_value,
    choice_of,
    included_set,
    scope2_key,
    value_of,
)


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
