from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import policy


class OfficeAdminSite(admin.AdminSite):
    """The admin is the office's fallback tool; the access policy decides who may use it."""

    site_header = _("Klimatfärdplan – administration")
    site_title = _("Klimatfärdplan")
    index_title = _("Kansliets administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return policy.can(request.user, "admin.access")
