from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Roles are flags here; being a partner contact comes from partners.ContactPerson.

    Roles are not exclusive: a member of the strategic group is usually also a contact person of
    a partner organisation. accounts.policy turns these facts into permissions.
    """

    is_office_staff = models.BooleanField(
        _("kansliet"), default=False, help_text=_("Administrerar partnerskapet i webbläsaren.")
    )
    is_strategic_group = models.BooleanField(
        _("strategisk grupp"),
        default=False,
        help_text=_("Ser aktivitetsdashboard och uppföljning."),
    )
    # The language of the mails this person gets; set by the language switch (accounts.views).
    # Blank: the site's language (Swedish).
    preferred_language = models.CharField(
        _("språk"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
