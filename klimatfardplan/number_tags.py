"""``{% load numbers %}``: the filters of :mod:`klimatfardplan.numbers` (registered in settings).

``{{ y|for_machines }}`` in SVG, CSS and data attributes; ``{{ total|for_people:1 }}`` for a
number a person reads."""

from __future__ import annotations

from django import template

from klimatfardplan import numbers

register = template.Library()


@register.filter
def for_machines(value: object, places: int | None = None) -> str:
    return numbers.for_machines(value, places)


@register.filter
def for_people(value: object, places: int | None = None) -> str:
    return numbers.for_people(value, places)
