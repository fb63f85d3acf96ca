from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner")

    def ready(self) -> None:
        from partners.selectors import forget_reference_data
        from roadmap.models import Challenge, FocusArea, PartnershipPeriod

        # The partner list and the matrix read periods, focus areas and challenges from a cache
        # (selectors.reference_data); any change to them drops it.
        for model in (PartnershipPeriod, FocusArea, Challenge):
            post_save.connect(forget_reference_data, sender=model, dispatch_uid=f"partners-{model}")
            post_delete.connect(
                forget_reference_data, sender=model, dispatch_uid=f"partners-del-{model}"
            )
