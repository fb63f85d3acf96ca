from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Granskningslogg")

    def ready(self) -> None:
        from audit import registry

        registry.connect()
        from partners.sections import ORGANISATION_SECTIONS

        if "audit.sections.organisation_history" not in ORGANISATION_SECTIONS:
            ORGANISATION_SECTIONS.append("audit.sections.organisation_history")
