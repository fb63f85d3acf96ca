from django.http import HttpRequest
from django.utils.functional import LazyObject, empty

from accounts import navigation as nav
from accounts import policy


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "user_roles": frozenset()}
    # The policy asks the user a few hundred attribute questions for the menu; ask the real
    # object, not the request's lazy proxy (every proxied access costs a wrapper call).
    wrapped = getattr(user, "_wrapped", empty) if isinstance(user, LazyObject) else user
    if wrapped is not empty:
        user = wrapped  # type: ignore[assignment]  # the User behind the proxy
    return {
        "nav_items": nav.items_for(user, request.path),
        "user_roles": policy.roles(user),
    }
