from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Login security (two-factor, lockout, session lifetimes), response headers and backups."""

    name = "security"
    verbose_name = _("Säkerhet")

    def ready(self) -> None:
        from security import signals  # noqa: F401  # connects the login-time receiver
