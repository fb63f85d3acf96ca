from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts import policy


class PolicyBackend(ModelBackend):
    """Django's model backend, with model permissions for the admin decided by accounts.policy.

    The admin asks ``user.has_perm("partners.change_organisation")``; instead of maintaining
    Django permission rows per user we answer from the same policy every view uses.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if policy.can(user_obj, "admin.model_permission", perm):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if policy.can(user_obj, "admin.model_permission", f"{app_label}."):
            return True
        return super().has_module_perms(user_obj, app_label)
