from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email to send: saved first, sent by a Celery worker (see klimatfardplan.queue).

    Keeping mail as rows makes sending retryable and idempotent, survives a broker outage, and
    lets GDPR erasure find every message addressed to a person.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    to = models.JSONField(_("mottagare"), default=list)
    subject = models.CharField(_("ämne"), max_length=255)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    reply_to = models.CharField(_("svara till"), max_length=254, blank=True)
    # Extra message headers, e.g. List-Unsubscribe on bulk mail (outbox.mail.send_mail).
    headers = models.JSONField(_("rubrikfält"), default=dict, blank=True)
    # Groups a message with what caused it, e.g. "survey-reminder:12:7d" (never twice per key).
    dedupe_key = models.CharField(_("nyckel"), max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    # A password-reset or invitation link is a key to an account: the body keeps a placeholder
    # (outbox.services.LINK_PLACEHOLDER) and the link is made for this login at send time, so
    # neither the admin, a database reader nor a backup ever holds a working link.
    link_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("engångslänk för"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
