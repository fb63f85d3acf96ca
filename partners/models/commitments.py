"""Declarations of intent and commitment sets with their commitments and changes."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.organisations import Organisation


def private_storage() -> Storage:
    """The private storage (settings.STORAGES["private"]); a callable so that migrations do
    not freeze a storage instance and tests may override the setting."""
    return storages["private"]


def declaration_upload_to(instance: Declaration, filename: str) -> str:
    # The user's file name is never used on disk: it could hold anything. A random part keeps
    # names unguessable and lets a replaced file be written before the old one is deleted.
    return (
        f"declarations/{instance.organisation_id}/{instance.period_id}-{secrets.token_hex(8)}.pdf"
    )


class Declaration(models.Model):
    """A signed declaration of intent (avsiktsförklaring) for one organisation and period."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("organisation"),
    )
    period = models.ForeignKey(
        "roadmap.PartnershipPeriod",
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("partnerskapsperiod"),
    )
    signed_on = models.DateField(_("undertecknad"))
    signatory_name = models.CharField(_("undertecknad av"), max_length=200)
    signatory_title = models.CharField(_("undertecknarens titel"), max_length=200, blank=True)
    document = models.FileField(
        _("undertecknat dokument (PDF)"),
        storage=private_storage,
        upload_to=declaration_upload_to,
        blank=True,
        max_length=255,
    )
    goals = models.ManyToManyField(
        "roadmap.Goal",
        blank=True,
        related_name="declarations",
        verbose_name=_("mål som förklaringen anger"),
    )
    goals_text = models.TextField(_("mål i egna ord"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("avsiktsförklaring")
        verbose_name_plural = _("avsiktsförklaringar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="unique_declaration_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.period}"

    def get_download_url(self) -> str:
        return reverse("partners:declaration_download", kwargs={"pk": self.pk})


class CommitmentSet(models.Model):
    """The challenges an organisation adopts for a period. A draft may hold any number; the
    "at least 5 challenges" rule is checked when the set is confirmed (services)."""

    MIN_CHALLENGES = 5

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        CONFIRMED = "confirmed", _("Bekräftad")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="commitment_sets",
        verbose_name=_("organisation"),
    )
    period = models.ForeignKey(
        "roadmap.PartnershipPeriod",
        on_delete=models.PROTECT,
        related_name="commitment_sets",
        verbose_name=_("partnerskapsperiod"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Optimistic locking, as on Organisation: a form carries the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-period__start_year", "organisation__name"]
        verbose_name = _("åtagandeuppsättning")
        verbose_name_plural = _("åtagandeuppsättningar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="unique_commitment_set_per_period"
            ),
        ]
        indexes = [
            # Covers the matrix's per-period reads of a period's sets by status.
            models.Index(
                fields=["period", "status", "updated_at", "version"],
                name="commitmentset_period_status",
            ),
            # Served the matrix's fingerprint, which is gone (issue 19); nothing reads it now.
            # Kept until the lead drops the fingerprints' indexes in one migration.
            models.Index(fields=["updated_at"], name="commitmentset_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.period}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def confirmed(self) -> CommitmentQuerySet:
        return self.filter(commitment_set__status=CommitmentSet.Status.CONFIRMED)

    def for_period(self, period: Any) -> CommitmentQuerySet:
        return self.filter(commitment_set__period=period)

    def for_organisation(self, organisation: Any) -> CommitmentQuerySet:
        return self.filter(commitment_set__organisation=organisation)

    def looking_for_partners(self) -> CommitmentQuerySet:
        return self.filter(looking_for_partners=True)


class Commitment(models.Model):
    """One adopted challenge in a commitment set, with a short text of what is planned."""

    commitment_set = models.ForeignKey(
        CommitmentSet,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("åtagandeuppsättning"),
    )
    challenge = models.ForeignKey(
        "roadmap.Challenge",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("klimatutmaning"),
    )
    plan = models.TextField(_("vad ni planerar"), blank=True)
    looking_for_partners = models.BooleanField(_("söker samarbetspartner"), default=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["challenge__number"]
        verbose_name = _("åtagande")
        verbose_name_plural = _("åtaganden")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment_set", "challenge"], name="unique_commitment_per_challenge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_set}: {self.challenge}"


class CommitmentChange(models.Model):
    """History of a commitment set: each added, changed or removed challenge, confirmation and
    reopening, with who did it and when (issue: "History of changes is kept")."""

    class Action(models.TextChoices):
        ADDED = "added", _("Utmaning tillagd")
        CHANGED = "changed", _("Plan ändrad")
        REMOVED = "removed", _("Utmaning borttagen")
        CONFIRMED = "confirmed", _("Bekräftad")
        REOPENED = "reopened", _("Öppnad som utkast")

    commitment_set = models.ForeignKey(
        CommitmentSet,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("åtagandeuppsättning"),
    )
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    challenge = models.ForeignKey(
        "roadmap.Challenge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klimatutmaning"),
    )
    plan = models.TextField(_("plan"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    changed_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("ändring av åtaganden")
        verbose_name_plural = _("ändringar av åtaganden")

    def __str__(self) -> str:
        return f"{self.commitment_set}: {self.get_action_display()}"
