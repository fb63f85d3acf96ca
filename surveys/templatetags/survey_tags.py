"""Template helpers of the survey: percentages on the follow-up pages. The form page's inputs
are templates (``surveys/form/``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from klimatfardplan.numbers import for_people

register = template.Library()


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """0.1538 → "15,4 %" (localised); empty for missing values."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return "–"
    return f"{for_people(number, places)} %"
