"""Which pages the benchmark requests: derived from the URL configuration and the access matrix
(tests/access_matrix.toml) of the tree under test, so a new page is measured without editing the
benchmark.

Every named URL pattern that some signed-in role may open with GET is requested as the first of
``ROLES`` allowed to open it (the office sees the most), and also as a partner contact when a
contact may open it too (what the partners' pages cost). Path parameters come from the matrix's
``args``, resolved against the access world's samples. ``VARIANTS`` adds a few query strings on the
busiest lists (search, filters, a later page). Every pattern left out is named with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

ROLES = ["office", "strategic", "contact_a", "contact_a2", "contact_b"]
PARTNER = "contact_a"
# p95 budgets (issue 19, point 5), ms.
BUDGET_MS = 150
SLOW_BUDGET_MS = 300
SLOW_PAGES = {"activities:dashboard", "surveys:followup"}
# Query strings worth their own row: searches, filters and later pages of the lists with rows.
VARIANTS: dict[str, list[str]] = {
    "partners:organisation_list": ["?q=Bench", "?status=active&sort=name&page=3"],
    "partners:commitment_matrix": ["?page=3"],
    "activities:activity_list": ["?q=Benchaktivitet&page=2"],
    "spaces:library": ["?q=resepolicy"],
}


def _two_cards(samples: dict[str, Any]) -> str:
    from activities.models import Activity

    ids = Activity.objects.order_by("pk").values_list("pk", flat=True)[:2]
    return "?" + "&".join(f"ids={pk}" for pk in ids)


# Downloads whose default is a batch job's size: requested at a page's size instead. The gallery
# PDF without ``ids`` renders up to 300 cards (seconds per card on a loaded machine): two here.
CAPPED = {"activities:gallery_pdf": _two_cards}


@dataclass(frozen=True)
class Page:
    name: str  # the URL pattern's name
    role: str
    url: str

    @property
    def key(self) -> str:
        return f"{self.name} {self.url} ({self.role})"

    @property
    def budget_ms(self) -> int:
        return SLOW_BUDGET_MS if self.name in SLOW_PAGES else BUDGET_MS


def _cells(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split())


def _kwargs(args: dict[str, str], samples: dict[str, Any]) -> dict[str, Any]:
    """The matrix's ``args``: "=literal", "sample" (its pk) or "sample.attribute"."""
    kwargs: dict[str, Any] = {}
    for param, spec in args.items():
        if spec.startswith("="):
            kwargs[param] = spec[1:]
            continue
        name, _, attribute = spec.partition(".")
        value = samples[name]
        kwargs[param] = (
            getattr(value, attribute or "pk") if hasattr(value, "pk") or attribute else value
        )
    return kwargs


def pages(samples: dict[str, Any]) -> tuple[list[Page], list[tuple[str, str]]]:
    """(pages to request, [(pattern, why it is left out)])."""
    from tests.url_patterns import all_routes, excluded_prefixes, load_matrix

    matrix = load_matrix()
    entries: dict[str, Any] = matrix.get("url", {})  # type: ignore[assignment]
    excluded = excluded_prefixes(matrix)
    found: list[Page] = []
    skipped: list[tuple[str, str]] = []
    for prefix, why in excluded.items():
        skipped.append((f"/{prefix}…", f"excluded from the access matrix: {why}"))
    for route in all_routes():
        if any(route.route.startswith(p) for p in excluded):
            continue
        entry = entries.get(route.name)
        if entry is None:
            skipped.append((route.name, "no entry in tests/access_matrix.toml"))
            continue
        cells = _cells(entry.get("GET", ""))
        roles = [r for r in ROLES if cells.get(r) == "ok"]
        if not roles:
            signed_in = {cells.get(r) for r in ROLES}
            why = "GET is not allowed (POST only)" if signed_in == {"405"} else "no role may GET"
            skipped.append((route.name, why))
            continue
        try:
            url = reverse(route.name, kwargs=_kwargs(entry.get("args", {}), samples))
        except (KeyError, NoReverseMatch) as exc:
            skipped.append((route.name, f"no sample for its parameters ({exc})"))
            continue
        if route.name in CAPPED:
            url += CAPPED[route.name](samples)
        chosen = [roles[0]] + ([PARTNER] if PARTNER in roles and roles[0] != PARTNER else [])
        for role in chosen:
            found.append(Page(route.name, role, url))
            if role == roles[0]:
                found.extend(Page(route.name, role, url + q) for q in VARIANTS.get(route.name, []))
    return found, skipped
