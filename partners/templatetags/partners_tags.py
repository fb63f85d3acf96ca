"""Template helpers of the partners app."""

from __future__ import annotations

from django import template

from roadmap.selectors import sector_name

register = template.Library()


@register.filter(name="sector_name")
def sector_name_filter(sector: str) -> str:
    """The organisation's sector in the active language (as typed when there is no English)."""
    return sector_name(sector)
