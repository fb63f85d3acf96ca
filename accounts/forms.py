from typing import Any

from django.contrib.auth.forms import PasswordResetForm


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form; saving it only queues the work (accounts.services.
    request_password_reset). Looking the address up and mailing happen in a task after the
    request, so the answer takes as long for an address with a login as for one without, and
    the link is made by the outbox at sending time (never stored, never from the Host header)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        from accounts import services

        services.request_password_reset(email=self.cleaned_data["email"])
