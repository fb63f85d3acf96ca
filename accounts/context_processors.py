from django.http import HttpRequest

from accounts import navigation as nav
from accounts import policy


def navigation(request: HttpRequest) -> dict[str, object]:
    user = policy.real_user(request.user)
    if not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset()}
    return {
        "nav_items": nav.items_for(user, request.path),
        "user_roles": policy.roles(user),
    }
