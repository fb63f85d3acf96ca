"""Survey rounds and their questionnaires."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

VALUE_DIGITS = 18
VALUE_PLACES = 3


def default_reminder_offsets() -> list[int]:
    return [14, 7, 1]


def default_escalation_offsets() -> list[int]:
    return [1]


class SurveyRound(models.Model):
    """A yearly survey: the reporting year, the years it collects data for, and its dates."""

    year = models.PositiveSmallIntegerField(_("enkätår"), unique=True)
    name = models.CharField(_("namn"), max_length=100)
    reporting_year = models.PositiveSmallIntegerField(
        _("redovisningsår"), help_text=_("Det kalenderår som rapporteras, normalt enkätåret − 1.")
    )
    data_years = models.JSONField(
        _("år som samlas in"),
        default=list,
        help_text=_("T.ex. [2022, 2023] för nollmätningen; annars bara redovisningsåret."),
    )
    period = models.ForeignKey(
        "roadmap.PartnershipPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_rounds",
        verbose_name=_("partnerskapsperiod"),
    )
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("stänger"))
    reminder_offsets = models.JSONField(
        _("påminnelser (dagar före stängning)"), default=default_reminder_offsets
    )
    escalation_offsets = models.JSONField(
        _("påminnelser till huvudkontakten (dagar före stängning)"),
        default=default_escalation_offsets,
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kopierad från"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("enkätomgång")
        verbose_name_plural = _("enkätomgångar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_round_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:round_detail", kwargs={"pk": self.pk})

    @property
    def is_baseline(self) -> bool:
        return len(self.data_years) > 1

    def years(self) -> list[int]:
        return sorted(int(y) for y in self.data_years) or [self.reporting_year]

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


class Question(models.Model):
    class Section(models.TextChoices):
        BOUNDARY = "boundary", _("Gränsdragning")
        BASE_YEAR = "base_year", _("Basår")
        SCOPE1 = "scope1", _("Scope 1")
        SCOPE2 = "scope2", _("Scope 2 och energi")
        SCOPE3 = "scope3", _("Scope 3")
        OTHER = "other", _("Biogent och kompensation")
        METHOD = "method", _("Metod och källor")
        NORMALISERS = "normalisers", _("Nyckeltal")
        TARGET = "target", _("Eget mål")
        EVIDENCE = "evidence", _("Underlag")
        COMMITMENTS = "commitments", _("Uppföljning av åtaganden")
        ENABLING = "enabling", _("Förutsättningsmål")

    class Kind(models.TextChoices):
        DECIMAL = "decimal", _("Decimaltal")
        INTEGER = "integer", _("Heltal")
        CHOICE = "choice", _("Val")
        MULTI = "multi", _("Flerval")
        TEXT = "text", _("Text")
        URL = "url", _("Länk")
        DATE = "date", _("Datum")
        LIKERT = "likert", _("Skala 1–5")
        SCOPE3 = "scope3", _("Scope 3-kategori (värde eller status)")
        ORGANISATION = "organisation", _("Annan partner")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="questions", verbose_name=_("omgång")
    )
    key = models.SlugField(
        _("nyckel"), max_length=60, help_text=_("Samma nyckel varje år för samma fråga.")
    )
    section = models.CharField(_("avsnitt"), max_length=20, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text_sv = models.CharField(_("fråga (svenska)"), max_length=300)
    text_en = models.CharField(_("fråga (engelska)"), max_length=300, blank=True)
    help_sv = models.TextField(_("hjälptext (svenska)"), blank=True)
    help_en = models.TextField(_("hjälptext (engelska)"), blank=True)
    unit = models.CharField(_("enhet"), max_length=30, blank=True)
    # [value, Swedish label, English label] per option; the English label may be left out.
    choices = models.JSONField(
        _("svarsalternativ"),
        default=list,
        blank=True,
        help_text=_("En lista av [värde, svensk text, engelsk text]."),
    )
    required = models.BooleanField(_("obligatorisk"), default=False)
    per_year = models.BooleanField(
        _("per år"), default=False, help_text=_("Frågas för varje år omgången samlar in.")
    )
    per_commitment = models.BooleanField(
        _("per åtagande"), default=False, help_text=_("Frågas för varje antagen utmaning.")
    )
    min_value = models.DecimalField(
        _("minsta värde"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    max_value = models.DecimalField(
        _("största värde"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    breakdown_of = models.SlugField(
        _("delsumma av"), max_length=60, blank=True, help_text=_("Nyckeln till totalen.")
    )
    # Issue 20.3: answered once per response and rarely changed (boundary, base year, own target,
    # method): filled in from the organisation's last approved response (surveys.carryover).
    carry_over = models.BooleanField(
        _("fylls i från förra året"),
        default=False,
        help_text=_(
            "Svaret fylls i från organisationens senast godkända svar och markeras tills någon "
            "bekräftar eller ändrar det."
        ),
    )

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="unique_question_key_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    @property
    def text(self) -> str:
        if (get_language() or "sv").startswith("en") and self.text_en:
            return self.text_en
        return self.text_sv

    @property
    def help(self) -> str:
        if (get_language() or "sv").startswith("en") and self.help_en:
            return self.help_en
        return self.help_sv

    def choice_options(self) -> list[tuple[str, str]]:
        """(value, label) of each option in the active language (Swedish when no English)."""
        english = (get_language() or "sv").startswith("en")
        options = []
        for value, label_sv, *rest in self.choices:
            label_en = rest[0] if rest else ""
            options.append((value, label_en if english and label_en else label_sv))
        return options

    @property
    def is_numeric(self) -> bool:
        return self.kind in {self.Kind.DECIMAL, self.Kind.INTEGER, self.Kind.SCOPE3}
