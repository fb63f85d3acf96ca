"""Cheap building blocks for pages that list many rows.

Django's per-row conveniences cost more than the rest of a list page together: every
``get_FOO_display()`` hashes all the field's lazily translated choices (a gettext call each), and
every ``reverse()`` walks the URL resolver. These helpers do that work once per language or once
per process, so a list of 25 or 50 rows pays it once instead of per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A number no real primary key takes, so its first occurrence in the reversed URL is the slot.
# Ten digits within the <id:...> converter's range (klimatfardplan.converters.MAX_ID).
_SLOT = 2_109_876_543


def choice_labels(choices: Iterable[tuple[object, object]]) -> dict[object, str]:
    """``{value: label}`` for a choices class or list, translated into the active language.

    Cached per (choices, language): labels are fixed at import time, only their language varies.
    """
    key = choices if isinstance(choices, type) else tuple(choices)
    return _labels(key, get_language())


@cache
def _labels(choices: Any, language: str | None) -> dict[object, str]:
    pairs = getattr(choices, "choices", choices)  # a TextChoices class, or the pairs themselves
    return {value: str(label) for value, label in pairs}


def url_maker(viewname: str, kwarg: str = "pk", **fixed: object) -> Callable[[object], str]:
    """A function ``key -> URL`` for a URL pattern with one varying argument.

    ``reverse()`` once, with a placeholder, then string formatting per row. Cached per URL
    configuration and script prefix, so it stays right when the app is mounted under a prefix.
    """
    return _url_maker(
        viewname, kwarg, tuple(sorted(fixed.items())), get_urlconf(), get_script_prefix()
    )


@cache
def _url_maker(
    viewname: str,
    kwarg: str,
    fixed: tuple[tuple[str, object], ...],
    urlconf: str | None,
    prefix: str,
) -> Callable[[object], str]:
    url = reverse(viewname, urlconf=urlconf, kwargs={kwarg: _SLOT, **dict(fixed)})
    head, _, tail = url.partition(str(_SLOT))
    return lambda key: f"{head}{key}{tail}"
