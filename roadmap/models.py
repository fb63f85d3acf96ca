"""The roadmap's reference data: focus areas, the 21 climate challenges, clusters, goals and
partnership periods. All of it is editable data (domain.md), loaded by ``load_reference_data``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin(models.Model):
    """Swedish name first, English beside it; ``name`` follows the active language."""

    name_sv = models.CharField(_("namn (svenska)"), max_length=200)
    name_en = models.CharField(_("namn (engelska)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if (get_language() or "sv").startswith("en") and self.name_en:
            return self.name_en
        return self.name_sv


class FocusArea(BilingualNameMixin):
    code = models.SlugField(_("kod"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    colour = models.CharField(_("färg"), max_length=7, default="#1f6f50", help_text="#rrggbb")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("fokusområde")
        verbose_name_plural = _("fokusområden")

    def __str__(self) -> str:
        return self.name


class Challenge(BilingualNameMixin):
    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("fokusområde"),
    )
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("klimatutmaning")
        verbose_name_plural = _("klimatutmaningar")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Cluster(BilingualNameMixin):
    """A group of challenges that may form one network (e.g. sustainable building, 6–12)."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    challenges = models.ManyToManyField(
        Challenge, related_name="clusters", verbose_name=_("utmaningar")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kluster")
        verbose_name_plural = _("kluster")

    def __str__(self) -> str:
        return self.name


class Goal(BilingualNameMixin):
    """A long-term goal: impact goal 1 (emissions), impact goal 2 (own operations) or the
    enabling goal (organisation and process)."""

    class Kind(models.TextChoices):
        IMPACT = "impact", _("Effektmål")
        ENABLING = "enabling", _("Förutsättningsmål")

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    description_sv = models.TextField(_("beskrivning (svenska)"), blank=True)
    description_en = models.TextField(_("beskrivning (engelska)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        if (get_language() or "sv").startswith("en") and self.description_en:
            return self.description_en
        return self.description_sv


class PartnershipPeriod(models.Model):
    """A partnership period (partnerskapsperiod), e.g. 2023–2025, with its emissions path."""

    name = models.CharField(_("namn"), max_length=40, unique=True)
    start_year = models.PositiveSmallIntegerField(_("första år"))
    end_year = models.PositiveSmallIntegerField(_("sista år"))
    base_year = models.PositiveSmallIntegerField(
        _("basår"), help_text=_("Året som minskningen räknas från (nollmätningen).")
    )
    annual_reduction_rate = models.DecimalField(
        _("årlig minskningstakt"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Andel per år, 0.200 = 20 %."),
    )
    is_open = models.BooleanField(
        _("öppen för ändringar"), default=True, help_text=_("Partner kan ändra sina åtaganden.")
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("partnerskapsperiod")
        verbose_name_plural = _("partnerskapsperioder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="period_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Sector(models.Model):
    """The English name of a sector (bransch). Organisations keep their sector as the Swedish
    text the office typed or imported; this table gives the English page its name, and a
    sector missing here is shown as typed."""

    name_sv = models.CharField(_("namn (svenska)"), max_length=100, unique=True)
    name_en = models.CharField(_("namn (engelska)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("bransch")
        verbose_name_plural = _("branscher")

    def __str__(self) -> str:
        return self.name_sv


def branding_storage() -> Storage:
    """The logo lives with the private files and is streamed by a view after a login check."""
    return storages["private"]


class PartnershipBranding(models.Model):
    """The partnership's logo and accent colour: one row (``pk=1``), edited by the office.

    Pages take the colour from a small stylesheet (``roadmap:branding_css``), PDFs take both when
    a report is built. ``version`` grows with each change so that stylesheet and logo URLs can be
    revalidated cheaply (ETag) and a new logo is never served from a browser's cache.
    """

    SINGLETON_PK = 1

    accent = models.CharField(
        _("accentfärg"), max_length=7, default="#1f5e43", help_text=_("#rrggbb")
    )
    logo = models.FileField(
        _("logotyp"), upload_to="branding/", storage=branding_storage, blank=True
    )
    logo_content_type = models.CharField(max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )

    class Meta:
        verbose_name = _("partnerskapets profil")
        verbose_name_plural = _("partnerskapets profil")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="branding_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Partnerskapets logotyp och färg"))
