from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import policy, services
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

    # Only a superuser manages a superuser (issue 15): for the office a superuser's page is
    # read-only, which also closes its password form (UserAdmin.user_change_password asks
    # has_change_permission) and deleting it.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not policy.can(request.user, "accounts.manage_login", obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not policy.can(request.user, "accounts.manage_login", obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A changed e-mail moves every future password link: audited, and told to the old
        address (accounts.services), as when the office edits a contact person."""
        changed = set(form.changed_data) if change else set()
        old = {k: form.initial.get(k) for k in ("email", "is_active") if k in changed}
        super().save_model(request, obj, form, change)
        if old:
            services.record_login_change(
                user=obj, changes={k: [v, getattr(obj, k)] for k, v in old.items()}
            )
        if old.get("email"):
            services.notify_email_changed(user=obj, old_email=old["email"], new_email=obj.email)
        if "is_active" in old:
            # Switched off or on again: no session from before may come back with it.
            services.end_sessions(obj)
