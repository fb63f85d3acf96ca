from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Konton och behörigheter")


class AccountsAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that asks the access policy who may enter."""

    default = False
    default_site = "accounts.admin_site.OfficeAdminSite"
