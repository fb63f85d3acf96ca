"""Indicators: the default set, recomputes, manual values and boundary decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klimatfardplan.queue import publish_on_commit
from surveys.models import BoundaryDecision, Indicator, ManualIndicatorValue
from surveys.questionnaire import (
    DEFAULT_INDICATORS,
    INDICATOR_NAMES_EN,
    MAX_TONNES,
    REPLACED_INDICATOR_NAMES,
)
from surveys.rules import LARGE_TONNES

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


# --- indicators ---------------------------------------------------------------------------------
def create_default_indicators() -> int:
    """Create the partnership's indicators that are missing (questionnaire.DEFAULT_INDICATORS);
    return how many were created. Part of the reference data (roadmap.services
    .load_reference_data), so a fresh install has them. Existing indicators (matched by key) are
    left as the office edited them, except a name still equal to a replaced default."""
    from roadmap.models import Goal

    goals = {g.code: g for g in Goal.objects.all()}
    created_count = 0
    for order, spec in enumerate(DEFAULT_INDICATORS):
        goal = goals.get(spec.goal)
        if goal is None:
            continue
        defaults = {
            "goal": goal,
            "name_sv": spec.name,
            "name_en": INDICATOR_NAMES_EN.get(spec.key, ""),
            "kind": spec.kind,
            "unit": spec.unit,
            "direction": spec.direction,
            "source": spec.source,
            "source_key": spec.source_key,
            "aggregation": spec.aggregation,
            "order": order,
        }
        _indicator, created = Indicator.objects.get_or_create(key=spec.key, defaults=defaults)
        created_count += created
        if not created and spec.key in INDICATOR_NAMES_EN:
            # An indicator made before the English names existed gets one; an edited one stays.
            Indicator.objects.filter(key=spec.key, name_en="").update(
                name_en=INDICATOR_NAMES_EN[spec.key]
            )
        if spec.key in REPLACED_INDICATOR_NAMES:
            # The old headline (a cross-partner S1 + S2 sum) now stores the on-path share.
            Indicator.objects.filter(
                key=spec.key, name_sv=REPLACED_INDICATOR_NAMES[spec.key]
            ).update(name_sv=spec.name, unit=spec.unit, direction=spec.direction)
    return created_count


def schedule_recompute() -> None:
    """The figures' sources changed: the stored indicator values are recomputed after commit,
    and the follow-up's cached figures get a new version (surveys.figures.cached)."""
    from surveys import tasks  # here: tasks import this module
    from surveys.figures import cached

    cached.changed()
    publish_on_commit(tasks.recompute_indicators)
    publish_on_commit(tasks.warm_followup_figures)  # after the bump on commit: the new version


MANUAL_LIMITS = {"t CO2e": MAX_TONNES, "%": Decimal(100)}


def check_manual_value(*, indicator: Indicator, value: Decimal, source_note: str) -> None:
    """A manual value must be plausible: never negative, within the unit's range, and one above
    1 Mt (Umeå's territorial emissions are ~0.4 Mt) only with a note saying where it is from."""
    errors: dict[str, str] = {}
    limit = MANUAL_LIMITS.get(indicator.unit)
    if value < 0:
        errors["value"] = _("Värdet kan inte vara negativt.")
    elif limit is not None and value > limit:
        errors["value"] = _("Värdet %(value)s %(unit)s är orimligt stort (högst %(limit)s).") % {
            "value": f"{value.normalize():f}",
            "unit": indicator.unit,
            "limit": f"{limit.normalize():f}",
        }
    elif indicator.unit == "t CO2e" and value > LARGE_TONNES and not source_note.strip():
        errors["source_note"] = _(
            "Över 1 miljon ton CO2e: kontrollera enheten och ange källan i en kommentar."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_manual_value(
    *, indicator: Indicator, year: int, value: Decimal, source_note: str, by: User
) -> ManualIndicatorValue:
    if indicator.source != Indicator.Source.MANUAL:
        raise ValidationError(_("Indikatorn hämtar sina värden automatiskt."))
    check_manual_value(indicator=indicator, value=value, source_note=source_note)
    manual, _created = ManualIndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"value": value, "source_note": source_note, "entered_by": by},
    )
    schedule_recompute()
    return manual


@transaction.atomic
def decide_boundary(
    *, organisation: Organisation, reporting_year: int, comparable: bool, reason: str, by: User
) -> BoundaryDecision:
    """The office confirms (not comparable) or overrides (comparable) the boundary reading of
    one organisation's response, with a written reason; the figures recompute."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför.")})
    decision, _created = BoundaryDecision.objects.update_or_create(
        organisation=organisation,
        reporting_year=reporting_year,
        defaults={"comparable": comparable, "reason": reason, "decided_by": by},
    )
    schedule_recompute()
    return decision


@transaction.atomic
def remove_boundary_decision(*, decision: BoundaryDecision) -> None:
    decision.delete()
    schedule_recompute()
