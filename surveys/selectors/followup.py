"""Follow-up of the indicators and each organisation's emissions series."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from surveys.models import Indicator, IndicatorTarget, IndicatorValue

if TYPE_CHECKING:
    from partners.models import Organisation


EMISSIONS_INDICATOR = "emissions_s1s2"


# --- follow-up ----------------------------------------------------------------------------------
def indicator_followup(
    year: int | None = None, *, organisation: Organisation | None = None
) -> list[dict[str, Any]]:
    """Indicators with their stored values per year (see the module docstring). Three or four
    queries whatever the number of indicators."""
    indicators = list(
        Indicator.objects.select_related("goal").prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
        )
    )
    values = IndicatorValue.objects.filter(organisation__isnull=True)
    if year is not None:
        values = values.filter(year__lte=year)
    by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in values.order_by("year"):
        by_indicator[value.indicator_id].append(value)
    own: dict[int, list[IndicatorValue]] = defaultdict(list)
    if organisation is not None:
        own_values = IndicatorValue.objects.filter(organisation=organisation)
        if year is not None:
            own_values = own_values.filter(year__lte=year)
        for value in own_values.order_by("year"):
            own[value.indicator_id].append(value)
    result = []
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        result.append(
            {
                "indicator": indicator,
                "goal": indicator.goal,
                "values": by_indicator.get(indicator.pk, []),
                "own_values": own.get(indicator.pk, []),
                "targets": targets,
            }
        )
    return result


def organisation_emissions_series(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's S1 + S2 series with the 20 % path and its own target (stored values)."""
    rows = IndicatorValue.objects.filter(
        organisation=organisation, indicator__key=EMISSIONS_INDICATOR
    ).order_by("year")
    result = []
    for row in rows:
        details = row.details or {}

        def dec(name: str, details: dict[str, Any] = details) -> Decimal | None:
            raw = details.get(name)
            return Decimal(str(raw)) if raw is not None else None

        result.append(
            {
                "year": row.year,
                "emissions": row.value,
                "path": dec("path"),
                "gap": dec("gap"),
                "on_path": details.get("on_path"),
                "annual_change": dec("annual_change"),
                "average_rate": dec("average_rate"),
                "required_rate": dec("required_rate"),
                "own_target": dec("own_target"),
            }
        )
    return result
