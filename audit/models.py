"""The audit trail: one row per create, change or delete of an audited object (see registry)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Skapad")
        UPDATE = "update", _("Ändrad")
        DELETE = "delete", _("Borttagen")

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    # SET_NULL + a label: the trail outlives accounts; GDPR erasure blanks the label too.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utförd av"),
    )
    actor_label = models.CharField(_("utförd av (namn)"), max_length=150, blank=True)
    action = models.CharField(_("händelse"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("typ av objekt")
    )
    object_id = models.CharField(_("objekt-id"), max_length=64)
    object_repr = models.CharField(_("objekt"), max_length=255, blank=True)
    # The organisation the object belongs to, so its page can show the whole history at once.
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    # {field: [old, new]}; a create has old None, a delete has new None.
    changes = models.JSONField(_("ändringar"), default=dict, blank=True)
    bulk = models.BooleanField(_("massändring"), default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("granskningslogg")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["organisation_id", "-at"], name="audit_organisation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.at:%Y-%m-%d %H:%M})"


class ErasureRecord(models.Model):
    """GDPR erasure ledger: a hash of the erased person's e-mail, to replay after a restore.

    Holds no personal data: only a keyed hash (HMAC with SECRET_KEY) and the date.
    """

    subject_hash = models.CharField(_("hash"), max_length=64, unique=True)
    erased_at = models.DateTimeField(_("raderad"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raderad av"),
    )

    class Meta:
        verbose_name = _("radering")
        verbose_name_plural = _("raderingar")

    def __str__(self) -> str:
        return f"{self.subject_hash[:12]}… {self.erased_at:%Y-%m-%d}"


class RetentionSettings(models.Model):
    """One row: how long contacts of organisations that left are kept before review."""

    review_after_days = models.PositiveIntegerField(
        _("granska efter (dagar)"),
        default=365,
        help_text=_(
            "Kontaktpersoner vars alla organisationer har lämnat partnerskapet flaggas för "
            "granskning så här många dagar efter att organisationen lämnade."
        ),
    )

    class Meta:
        verbose_name = _("lagringstid")
        verbose_name_plural = _("lagringstid")

    def __str__(self) -> str:
        return str(self.review_after_days)

    @classmethod
    def current(cls) -> RetentionSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
