from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        from partners.sections import ORGANISATION_SECTIONS

        # The partner page lists the organisation's published reports (partners/sections.py).
        path = "reporting.sections.organisation_reports"
        if path not in ORGANISATION_SECTIONS:
            ORGANISATION_SECTIONS.append(path)
