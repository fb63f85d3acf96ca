from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Utgående e-post")

    def ready(self) -> None:
        from outbox import checks  # registers the deploy check

        checks.warn_at_start_up()
