"""Likert answers per group, with small groups suppressed."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    # One row per organisation and group, whatever the caller passes: n counts organisations,
    # so a repeated pair would count its answer twice and push a share over 100 %.
    merged = subset.merge(
        groups.drop_duplicates(["organisation_id", "group"]), on="organisation_id"
    )
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
