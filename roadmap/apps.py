from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Klimatfärdplanen")

    def ready(self) -> None:
        from roadmap.models import Challenge, FocusArea, PartnershipPeriod
        from roadmap.selectors import forget_reference_data

        # The dashboard reads periods, focus areas and challenges from Django's cache
        # (selectors.reference_data); any change to them gives it a new version.
        for model in (PartnershipPeriod, FocusArea, Challenge):
            post_save.connect(forget_reference_data, sender=model, dispatch_uid=f"ref-{model}")
            post_delete.connect(
                forget_reference_data, sender=model, dispatch_uid=f"ref-del-{model}"
            )
