from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Office staff manage logins but must not be able to grant themselves more power.
PRIVILEGED_FIELDS = ("is_superuser", "is_staff", "is_office_staff", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_office_staff",
        "is_strategic_group",
        "is_active",
    )
    list_filter = ("is_office_staff", "is_strategic_group", "is_superuser", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Roller i klimatfärdplanen"), {"fields": ("is_office_staff", "is_strategic_group")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += PRIVILEGED_FIELDS
        return readonly
