"""Values kept per process while the thing they were computed from stays the same.

Some pages read the same derived value on every request (the organisation names of a filter, the
dashboard's focus-area counts, a filter's option markup) while it changes a few times a day.
Each such value is kept under a key that changes whenever its source does: a table's
fingerprint (:func:`klimatfardplan.sql.fingerprint`), the reference data's version object, or
another kept value. Keys are compared with ``==`` (identity first, as tuples do), so a new key
recomputes the value and an unchanged one costs a comparison. Only the latest key of a slot is
kept: nothing grows, and nothing stale is ever returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_slots: dict[str, tuple[Any, Any]] = {}


def kept(
    slot: str, key: Any, compute: Callable[[], T], *, valid: Callable[[T], bool] | None = None
) -> T:
    """The value of ``compute()`` for ``key`` in ``slot``: computed again only when ``key``
    differs from the one it was last computed for, or when ``valid`` (for values that also
    depend on the time) says the kept value no longer holds."""
    entry = _slots.get(slot)
    if entry is None or entry[0] != key or (valid is not None and not valid(entry[1])):
        entry = _slots[slot] = (key, compute())
    value: T = entry[1]
    return value
