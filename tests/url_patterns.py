"""Walk the URL configuration: every named pattern of our apps, with its path parameters.

Used by the access matrix (tests/test_access_matrix.py) and by ``python -m tests.url_patterns``,
which lists the patterns missing from tests/access_matrix.toml with a drafted entry to review.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

MATRIX_FILE = Path(__file__).with_name("access_matrix.toml")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern text, e.g. "partners/<int:pk>/"
    params: tuple[str, ...]


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> list[Route]:
    found: list[Route] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        else:
            route = prefix + str(entry.pattern)
            if entry.name is None:
                name = f"<unnamed {route}>"
            else:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            params = tuple(sorted(entry.pattern.regex.groupindex))
            found.append(Route(name=name, route=route, params=params))
    return found


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns, "", "")


def load_matrix() -> dict[str, object]:
    with MATRIX_FILE.open("rb") as handle:
        return tomllib.load(handle)


def excluded_prefixes(matrix: dict[str, object]) -> dict[str, str]:
    excluded = matrix.get("excluded", {})
    assert isinstance(excluded, dict)
    return {str(k): str(v) for k, v in excluded.items()}


def in_scope(route: Route, matrix: dict[str, object]) -> bool:
    return not any(route.route.startswith(prefix) for prefix in excluded_prefixes(matrix))


def missing(matrix: dict[str, object] | None = None) -> list[Route]:
    matrix = matrix if matrix is not None else load_matrix()
    urls = matrix.get("url", {})
    assert isinstance(urls, dict)
    return [r for r in all_routes() if in_scope(r, matrix) and r.name not in urls]


DRAFT_CELLS = (
    "anonymous=login office=ok strategic=deny contact_a=deny contact_a2=deny contact_b=deny "
    "inactive=login"
)


def main() -> None:
    import django

    django.setup()
    gaps = missing()
    out = sys.stdout
    if not gaps:
        out.write(f"Every URL pattern has an entry in {MATRIX_FILE.name}\n")
        return
    out.write(
        f"# {len(gaps)} URL patterns missing from {MATRIX_FILE.name}; review before pasting\n\n"
    )
    for route in gaps:
        out.write(f'[url."{route.name}"]  # /{route.route}\n')
        if route.params:
            params = ", ".join(f'{p} = "?"' for p in route.params)
            out.write(f"args = {{ {params} }}\n")
        # A default-deny draft: office only. Widen it after reading the view's policy action.
        out.write(f'GET = "{DRAFT_CELLS}"\nPOST = "{DRAFT_CELLS}"\n\n')
    sys.exit(1)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings_test")
    main()
