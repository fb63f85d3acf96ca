from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from accounts import policy, services, throttle
from accounts.forms import OutboxPasswordResetForm
from accounts.home.office import office_home
from accounts.home.partner import partner_home
from accounts.home.strategic import strategic_home
from activities import selectors as activity_selectors


class HomeView(policy.PolicyRequiredMixin, TemplateView):
    """The landing page: what the signed-in user has to do now, one block per role
    (accounts.home gathers each block from the apps' selectors)."""

    action = "home.view"
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_office"] = is_office = policy.is_office(user)
        context["is_strategic"] = is_strategic = policy.is_strategic(user)
        context["is_partner_contact"] = policy.is_partner_contact(user)
        if is_office or is_strategic:
            dashboard = activity_selectors.dashboard(visible_to=user)  # read once, shown twice
            if is_office:
                context["office"] = office_home(user, dashboard=dashboard)
            if is_strategic:
                context["strategic"] = strategic_home(user, dashboard=dashboard)
        if context["is_partner_contact"]:
            context["partner"] = partner_home(user)
        return context


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, reachable from the login page too. A signed-in person's choice
    is also kept on their login: it is the language of the mails they get (outbox.mail)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_preferred_language(user=request.user, language=language)
    return response


# Django's auth views are already marked login_not_required where they must be (login, reset).
LoginView = method_decorator(login_not_required, name="dispatch")(auth_views.LoginView)


MSG_RESET_THROTTLED = gettext_noop(
    "För många förfrågningar om nytt lösenord. Vänta en timme och försök igen, "
    "eller kontakta kansliet."
)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per client (issue 15). The request looks
    no account up: the limit counts the address as typed (NFKC case-folded, as Django compares
    it) and the client, and the form queues the lookup and the mail for a task after commit
    (accounts.services.request_password_reset). Its answer and its time are then the same
    whether the address belongs to a login or not."""

    form_class = OutboxPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not throttle.allow_password_reset(self.request, form.cleaned_data["email"]):
            form.add_error(None, _(MSG_RESET_THROTTLED))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's set-a-new-password page (a reset link or an invitation): once the password is
    set, every session of the login ends (issue 15), wherever it was opened."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.end_sessions(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password keeps this session and ends the others."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.end_sessions(form.user, keep=self.request.session.session_key)
        return response
