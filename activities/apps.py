from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Aktiviteter")

    def ready(self) -> None:
        from partners.sections import ORGANISATION_SECTIONS

        path = "activities.sections.organisation_activities"
        if path not in ORGANISATION_SECTIONS:  # ready() may run twice in tests
            ORGANISATION_SECTIONS.append(path)
