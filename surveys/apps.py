from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Enkät och uppföljning")

    def ready(self) -> None:
        from partners.sections import ORGANISATION_SECTIONS

        for path in ("surveys.sections.survey_status", "surveys.chart_section.emissions_chart"):
            if path not in ORGANISATION_SECTIONS:  # ready() may run twice in tests
                ORGANISATION_SECTIONS.append(path)
