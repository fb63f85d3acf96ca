"""The outbox: every email the app sends is queued here and delivered by a Celery task."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from klimatfardplan.queue import publish, publish_on_commit
from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html_body: str = "",
    reply_to: str = "",
    dedupe_key: str | None = None,
) -> OutgoingEmail | None:
    """Save an email and have a worker send it after commit.

    With a ``dedupe_key`` that was used before, nothing is queued and None is returned: this is
    how reminders are "never sent twice for the same offset".
    """
    from outbox import tasks  # here: tasks import this module

    if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                to=list(to),
                subject=subject[:255],
                body=body,
                html_body=html_body,
                reply_to=reply_to,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:  # a concurrent caller won the race for this dedupe_key
        return None
    publish_on_commit(tasks.send_email, email.pk)
    return email


def send_email(*, email_id: int) -> OutgoingEmail | None:
    """Deliver one queued email. Safe to call twice: a sent email is not sent again."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutgoingEmail.Status.PENDING:
            return email
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            reply_to=[email.reply_to] if email.reply_to else None,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        email.attempts += 1
        try:
            message.send()
        except OSError as exc:
            email.last_error = str(exc)
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            raise
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
        return email


def sweep_pending_emails(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Re-publish emails still pending (e.g. queued while the broker was down)."""
    from outbox import tasks

    cutoff = timezone.now() - older_than
    ids = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    return sum(publish(tasks.send_email, pk) for pk in ids)
