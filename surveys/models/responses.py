"""Responses, their answers, their event log and deadline extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from surveys.models.rounds import VALUE_DIGITS, VALUE_PLACES, Question, SurveyRound


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
    # When last year's answers were carried over (surveys.carryover): once per response.
    carried_over_at = models.DateTimeField(_("ifyllt från förra året"), null=True, blank=True)
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
    # The survey year of the approved response this answer was carried over from, until someone
    # confirms or changes it (issue 20.3); None for an answer of this year's own.
    carried_from_year = models.PositiveSmallIntegerField(
        _("ifyllt från enkät"), null=True, blank=True
    )
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
        CARRIED_OVER = "carried_over", _("Ifyllt från förra året")
        CONFIRMED = "confirmed", _("Förra årets svar bekräftade")

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
