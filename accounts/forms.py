from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from outbox.services import queue_email


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending through the outbox so a slow mail server never blocks."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=[to_email], subject=subject, body=body)
