"""Path converters shared by every app's urls.py.

``<id:pk>`` replaces Django's ``<int:pk>`` for anything that is looked up in the database (primary
keys, years, grouping numbers). It matches at most ten digits and refuses values above the largest
32-bit integer, so ``/partners/99999999999999999999/`` is a plain 404 from the URL resolver: the
value never reaches a query, raw SQL or arithmetic that could overflow (issue 15, point 6).
Django 5.1 deprecates re-registering the built-in ``int``, hence a name of our own.
"""

from __future__ import annotations

from django.urls import register_converter

# The smallest integer column we look up by (IntegerField, e.g. a year) stops here; primary keys
# are 64-bit but no row of ours will ever get near two billion.
MAX_ID = 2_147_483_647


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is above {MAX_ID}")  # no match: the resolver gives 404
        return number

    def to_url(self, value: int | str) -> str:
        number = int(value)
        if not 0 <= number <= MAX_ID:
            raise ValueError(f"{value} is not a database id")  # reverse() raises NoReverseMatch
        return str(number)


def parse_id(value: str | None) -> int | None:
    """A database id from a query-string value such as ``?ids=12``, or None when it is not one
    (not digits, or out of range): callers ignore such values instead of querying with them."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if number <= MAX_ID else None


register_converter(IdConverter, "id")
