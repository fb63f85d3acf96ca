from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Gemensamma rum")

    def ready(self) -> None:
        from partners.sections import ORGANISATION_SECTIONS

        path = "spaces.sections.organisation_spaces"
        if path not in ORGANISATION_SECTIONS:  # ready() may run twice in tests
            ORGANISATION_SECTIONS.append(path)
