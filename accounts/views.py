from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from accounts import policy


class HomeView(policy.PolicyRequiredMixin, TemplateView):
    """The landing page: what the signed-in user can do, by role."""

    action = "home.view"
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_office"] = policy.is_office(user)
        context["is_strategic"] = policy.is_strategic(user)
        context["is_partner_contact"] = policy.is_partner_contact(user)
        return context


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, reachable from the login page too."""
    return django_set_language(request)


# Django's auth views are already marked login_not_required where they must be (login, reset).
LoginView = method_decorator(login_not_required, name="dispatch")(auth_views.LoginView)
