"""Follow-up settings, indicators, their targets and values, and boundary decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.models.rounds import VALUE_DIGITS, VALUE_PLACES


class FollowUpSettings(models.Model):
    """The office's policy choices per partnership period (survey-and-ghg.md §6.1–6.3)."""

    class Scope2Method(models.TextChoices):
        MARKET = "market", _("Marknadsbaserad")
        LOCATION = "location", _("Platsbaserad")

    period = models.OneToOneField(
        "roadmap.PartnershipPeriod",
        on_delete=models.CASCADE,
        related_name="followup_settings",
        verbose_name=_("partnerskapsperiod"),
    )
    scope2_method = models.CharField(
        _("scope 2-metod för bankontroll"),
        max_length=10,
        choices=Scope2Method.choices,
        default=Scope2Method.MARKET,
    )
    budget_tonnes = models.DecimalField(
        _("Umeås koldioxidbudget (t CO2e)"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    budget_from_year = models.PositiveSmallIntegerField(_("budgeten gäller från"), null=True)
    min_group_size = models.PositiveSmallIntegerField(_("minsta gruppstorlek"), default=3)
    change_warning_ratio = models.DecimalField(
        _("varning vid förändring"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_("0.50 = en förändring över ±50 % mot förra året kräver en kommentar."),
    )

    class Meta:
        verbose_name = _("uppföljningsinställningar")
        verbose_name_plural = _("uppföljningsinställningar")

    def __str__(self) -> str:
        return str(self.period)


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Kvantitativ")
        QUALITATIVE = "qualitative", _("Kvalitativ")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("Ska minska")
        INCREASE = "increase", _("Ska öka")

    class Source(models.TextChoices):
        SURVEY_FIELD = "survey_field", _("Enkätfråga")
        ACTIVITY_COUNT = "activity_count", _("Antal aktiviteter")
        MEETING_COUNT = "meeting_count", _("Antal träffar")
        SPACE_COUNT = "space_count", _("Antal delade ytor")
        MANUAL = "manual", _("Manuell inmatning")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Summa (utan dubbelräkning)")
        MEDIAN = "median", _("Median per organisation")
        SHARE_ANSWERED = "share", _("Andel organisationer som svarat")
        LIKERT = "likert", _("Fördelning, topp-2 och median")
        EMISSIONS = "emissions", _("Scope 1 + 2 per organisation mot 20 %-banan")
        NONE = "none", _("Värdet som det är")

    goal = models.ForeignKey(
        "roadmap.Goal", on_delete=models.PROTECT, related_name="indicators", verbose_name=_("mål")
    )
    key = models.SlugField(_("nyckel"), max_length=60, unique=True)
    name_sv = models.CharField(_("namn (svenska)"), max_length=200)
    name_en = models.CharField(_("namn (engelska)"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("enhet"), max_length=30, blank=True)
    direction = models.CharField(_("riktning"), max_length=10, choices=Direction.choices)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    source_key = models.CharField(
        _("källans nyckel"), max_length=60, blank=True, help_text=_("T.ex. enkätfrågans nyckel.")
    )
    aggregation = models.CharField(
        _("sammanställning"), max_length=20, choices=Aggregation.choices, default="none"
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["goal__order", "order", "key"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "sv").startswith("en") and self.name_en:
            return self.name_en
        return self.name_sv


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indikator")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("målvärde"), max_digits=VALUE_DIGITS, decimal_places=3)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_target_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class ManualIndicatorValue(models.Model):
    """A value the office enters, e.g. Umeå's territorial emissions from the national database."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="manual_values",
        verbose_name=_("indikator"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=VALUE_DIGITS, decimal_places=3)
    source_note = models.CharField(_("källa"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inmatat av"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("manuellt indikatorvärde")
        verbose_name_plural = _("manuella indikatorvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="unique_manual_value_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class IndicatorValue(models.Model):
    """A computed value, stored when data changes so pages never aggregate per view.

    ``organisation`` is null for the partnership aggregate. ``n`` organisations contributed out
    of ``n_total`` expected (coverage); ``suppressed`` hides groups below the minimum size.
    ``details`` holds the extras: Likert distribution, top-2-box and median, the like-for-like
    panel, the 20 % path, average and required rates.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indikator")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("organisation"),
    )
    value = models.DecimalField(
        _("värde"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    n = models.PositiveIntegerField(_("antal som ingår"), default=0)
    n_total = models.PositiveIntegerField(_("antal totalt"), default=0)
    distribution = models.JSONField(_("fördelning"), default=dict, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)
    suppressed = models.BooleanField(_("undertryckt"), default=False)
    computed_at = models.DateTimeField(_("beräknad"), auto_now=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(organisation__isnull=True),
                name="unique_partnership_value_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="unique_organisation_value_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"

    @property
    def coverage(self) -> str:
        return f"{self.n}/{self.n_total}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "value": self.value,
            "n": self.n,
            "n_total": self.n_total,
            "suppressed": self.suppressed,
            "distribution": self.distribution,
            "details": self.details,
        }


class BoundaryDecision(models.Model):
    """The office's word on one organisation's boundary in one reporting year (issue 16.5).

    The figures detect a boundary change from the answers (geographic scope or consolidation
    method changed against the previous response, or a recalculated base year). The office
    confirms ("not comparable") or overrides ("comparable") that reading, always with a reason;
    the decision wins over what the answers say."""

    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="boundary_decisions",
        verbose_name=_("organisation"),
    )
    reporting_year = models.PositiveSmallIntegerField(_("redovisningsår"))
    comparable = models.BooleanField(
        _("jämförbar"),
        help_text=_("Ja: räknas i panelens förändring trots ändrad avgränsning."),
    )
    reason = models.TextField(_("motivering"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutat av"),
    )
    decided_at = models.DateTimeField(_("beslutat"), auto_now=True)

    class Meta:
        ordering = ["organisation", "reporting_year"]
        verbose_name = _("beslut om avgränsning")
        verbose_name_plural = _("beslut om avgränsning")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reporting_year"],
                name="unique_boundary_decision_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.reporting_year}"
