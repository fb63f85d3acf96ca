"""Formatting for the follow-up pages: rates stored as fractions shown as percentages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

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
    return f"{number_format(round(number, places), places)} %"
