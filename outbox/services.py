"""The outbox: every email the app sends is queued here and delivered by a Celery task."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from klimatfardplan.queue import publish, publish_on_commit
from outbox.models import OutgoingEmail

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# Stands in the stored body where the "<uidb64>/<token>" part of a password-reset link was.
LINK_PLACEHOLDER = "[engångslänk-skapas-vid-utskick]"

# One-time links (issue 15 point 4, red-team finding 5). A sender that mails a password link
# (the reset form, an invitation) never puts the link itself in the mail: it puts
# one_time_link_path() where the link goes and names the login with ``link_user``. The worker
# makes the real link when it sends, only for that login and only to the address that login
# already has. Nothing else is ever read for links: a rendered body holds text people wrote (a
# post title), and text shaped like a link must neither mint a real one nor stop a mail.


def _confirm_prefix() -> str:
    path = reverse("password_reset_confirm", kwargs={"uidb64": "UID", "token": "TOKEN"})
    return path.split("UID", 1)[0]


def one_time_link_path() -> str:
    """The path a sender puts in a mail where the password link of its ``link_user`` goes."""
    return f"{_confirm_prefix()}{LINK_PLACEHOLDER}/"


def _with_fresh_link(text: str, user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return text.replace(one_time_link_path(), f"{_confirm_prefix()}{uid}/{token}/")


def queue_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html_body: str = "",
    reply_to: str = "",
    dedupe_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    link_user: AbstractBaseUser | None = None,
) -> OutgoingEmail | None:
    """Save an email and have a worker send it after commit.

    With a ``dedupe_key`` that was used before, nothing is queued and None is returned: this is
    how reminders are "never sent twice for the same offset".

    ``link_user``: the login whose one-time password link the worker puts where the body has
    :func:`one_time_link_path` (the sender put it there; see above).
    """
    from outbox import tasks  # here: tasks import this module

    if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    if link_user is not None and one_time_link_path() not in body + html_body:
        raise ValueError("A mail with a one-time link needs one_time_link_path() in its body.")
    link_user_id = link_user.pk if link_user is not None else None
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                to=list(to),
                subject=subject[:255],
                body=body,
                html_body=html_body,
                reply_to=reply_to,
                dedupe_key=dedupe_key,
                link_user_id=link_user_id,
                headers=dict(headers or {}),
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
        body, html_body = email.body, email.html_body
        # Only a mail its sender marked (link_user) gets a link; the text is never searched.
        if email.link_user_id is not None:
            refusal = _link_refusal(email)
            if refusal:
                logger.warning("Outbox e-mail %s not sent: %s", email.pk, refusal)
                email.status = OutgoingEmail.Status.FAILED
                email.last_error = refusal
                email.save(update_fields=["status", "last_error"])
                return email
            body = _with_fresh_link(body, email.link_user)
            html_body = _with_fresh_link(html_body, email.link_user)
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            reply_to=[email.reply_to] if email.reply_to else None,
            headers=dict(email.headers) or None,
        )
        if html_body:
            message.attach_alternative(html_body, "text/html")
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


def _link_refusal(email: OutgoingEmail) -> str:
    """Why a one-time link may not go out, or "" when it may.

    A link opens the login it was made for, so it goes only to the address that login already
    has: an outbox row whose recipients were changed (or a contact record whose e-mail someone
    else edited) can never carry another person's account to a new address.
    """
    user = email.link_user
    if user is None:
        return "The login the one-time link was for no longer exists."
    own = (getattr(user, get_user_model().get_email_field_name(), "") or "").strip().lower()
    if not own or [address.strip().lower() for address in email.to] != [own]:
        return "A one-time link is only sent to the login's own e-mail address."
    return ""


def sweep_pending_emails(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Re-publish emails still pending (e.g. queued while the broker was down)."""
    from outbox import tasks

    cutoff = timezone.now() - older_than
    ids = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    sent = 0
    for pk in ids:
        if not publish(tasks.send_email, pk):
            break  # the broker is still down: the next sweep tries again
        sent += 1
    return sent
