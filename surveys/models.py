"""The annual survey and the indicators it feeds.

* :class:`SurveyRound` — one per survey year (Q1), with its questionnaire of :class:`Question` rows
  whose ``key`` stays the same across years (survey-and-ghg.md §4 "stable IDs").
* :class:`Response` — one per organisation and round, shared by all its contacts, with a state
  machine (not started → draft → submitted → reopened → submitted → approved) and a log
  (:class:`ResponseEvent`).
* :class:`Answer` — one value per question, data year and (for commitment follow-up) challenge.
  ``raw`` keeps exactly what was typed so a draft is never lost; ``value`` is the parsed
  Decimal; ``not_reported`` is an explicit "ej rapporterat", never the same as 0.
* :class:`Indicator`, :class:`IndicatorTarget`, :class:`ManualIndicatorValue` and the computed
  :class:`IndicatorValue` rows that follow-up pages and reports read.

Numbers are ``DecimalField`` throughout (t CO2e with 3 decimals); floats never reach the database.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
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
    # Changes whenever one of the round's questions is saved or deleted (see the receivers below
    # Question): the form page keeps the questionnaire in memory under (pk, token), so it reads
    # the ~70 question rows only when they changed. Random rather than a counter, so a token
    # from a rolled-back transaction can never come back with other questions behind it.
    questions_token = models.UUIDField(default=uuid.uuid4, editable=False)

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


def _questions_changed(sender: Any, instance: Question, **kwargs: Any) -> None:
    """A question was saved or deleted (admin, services): the round's questionnaire changed.
    Bulk writes (``bulk_create``, ``QuerySet.update``) send no signal; code that changes an
    existing round's questions that way must call this too."""
    SurveyRound.objects.filter(pk=instance.round_id).update(questions_token=uuid.uuid4())


post_save.connect(_questions_changed, sender=Question, dispatch_uid="surveys_questions_changed")
post_delete.connect(_questions_changed, sender=Question, dispatch_uid="surveys_questions_changed")


class Response(models.Model):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Ej påbörjad")
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        REOPENED = "reopened", _("Öppnad igen")
        APPROVED = "approved", _("Godkänd")

    EDITABLE_STATES = frozenset({State.NOT_STARTED, State.DRAFT, State.REOPENED})

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="responses", verbose_name=_("omgång")
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="survey_responses",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    changed_since_reopen = models.BooleanField(default=False, editable=False)
    reopen_reason = models.TextField(_("skäl till att öppna igen"), blank=True)
    last_edited_at = models.DateTimeField(_("senast ändrad"), null=True, blank=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast ändrad av"),
    )
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkänd av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="unique_response_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round}"

    def get_absolute_url(self) -> str:
        return reverse(
            "surveys:response_form",
            kwargs={"round_pk": self.round_id, "organisation_pk": self.organisation_id},
        )

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class Answer(models.Model):
    """One answer. ``field_name`` identifies the input on the form (and its anchor): the question
    key, plus ``__<year>`` for per-year questions and ``__c<number>`` for per-challenge ones."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("svar")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("fråga")
    )
    field_name = models.CharField(_("fältnamn"), max_length=80)
    year = models.PositiveSmallIntegerField(_("år"))
    challenge = models.ForeignKey(
        "roadmap.Challenge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klimatutmaning"),
    )
    raw = models.TextField(_("inmatat"), blank=True)
    value = models.DecimalField(
        _("värde"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    choice = models.CharField(_("val"), max_length=200, blank=True)
    not_reported = models.BooleanField(_("ej rapporterat"), default=False)
    comment = models.TextField(_("kommentar"), blank=True)
    version = models.PositiveIntegerField(default=1)
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
        ordering = ["response", "question__order", "field_name"]
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "field_name"], name="unique_answer_per_field"
            ),
        ]
        indexes = [models.Index(fields=["question", "year"])]

    def __str__(self) -> str:
        return f"{self.response}: {self.field_name}"

    @property
    def is_answered(self) -> bool:
        return bool(self.not_reported or self.raw.strip() or self.choice)


class ResponseEvent(models.Model):
    class Kind(models.TextChoices):
        SAVED = "saved", _("Sparat")
        SUBMITTED = "submitted", _("Inskickat")
        REOPENED = "reopened", _("Öppnat igen")
        APPROVED = "approved", _("Godkänt")
        REMINDED = "reminded", _("Påminnelse skickad")
        EXTENDED = "extended", _("Tidsfrist förlängd")
        CONFLICT = "conflict", _("Krock vid samtidig ändring")

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="events", verbose_name=_("svar")
    )
    kind = models.CharField(_("händelse"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    at = models.DateTimeField(_("tid"), auto_now_add=True)
    message = models.TextField(_("meddelande"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")

    def __str__(self) -> str:
        return f"{self.response}: {self.get_kind_display()}"


class DeadlineExtension(models.Model):
    """The office lets one organisation submit after the round's close date."""

    round = models.ForeignKey(
        SurveyRound,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("omgång"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="survey_extensions",
        verbose_name=_("organisation"),
    )
    until = models.DateField(_("förlängd till"))
    reason = models.CharField(_("skäl"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beviljad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("förlängd tidsfrist")
        verbose_name_plural = _("förlängda tidsfrister")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="unique_extension_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.until}"


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
