"""The one place that decides how a number is written (issue 17).

* ``for_machines``: SVG coordinates, CSS lengths, JSON, CSV and ``data-`` attributes. Never
  localised: a decimal point, no thousands separator, whatever the page's language. A Swedish
  page once wrote ``y="208,0"`` and every chart scattered.
* ``for_people``: numbers a person reads, in the active language: Swedish ``1 234,5`` (a
  non-breaking space between thousands), English ``1,234.5``.

Both return ``str``: the template engine localises ints, floats and Decimals it prints, never
strings, so a value that went through one of these is written exactly once, as decided here.
Templates use the filters of the same names (``{% load numbers %}``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat
from django.utils.formats import get_format

# At most this many decimals when none are asked for; trailing zeros are dropped (447.600 → 447.6).
MAX_DECIMALS = 3


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _rounded(number: Decimal, places: int | None) -> Decimal:
    if places is None:
        rounded = number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP)
        rounded = rounded.normalize() if rounded else Decimal(0)
        # normalize() writes 1200 as 1.2E+3: give it its integer exponent back.
        return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # no "-0,0"


def for_machines(value: object, places: int | None = None) -> str:
    """``208.0``-style text for SVG, CSS, JSON, CSV and data attributes ("" for no number).
    ``places``: exactly that many decimals; None: up to three, trailing zeros dropped."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{_rounded(number, places):f}"


def for_people(value: object, places: int | None = None, *, missing: str = "–") -> str:
    """The number as the active language writes it, grouped by thousands: Swedish
    ``447,6`` / ``1 234,5`` (non-breaking space), English ``447.6`` / ``1,234.5``."""
    number = _decimal(value)
    if number is None:
        return missing
    return numberformat.format(
        _rounded(number, places),
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
