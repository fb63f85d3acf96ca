"""What a locked-out login looks like: the login form again, with a clear message (HTTP 429)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # A bound form keeps the typed username; validation is skipped on purpose (it would call
    # authenticate() again and count another failure).
    form = AuthenticationForm(request, data={"username": request.POST.get("username", "")})
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    form.add_error(
        None,
        _(
            "För många misslyckade inloggningsförsök. Kontot är tillfälligt låst – "
            "försök igen om %(minutes)s minuter eller kontakta kansliet."
        )
        % {"minutes": minutes},
    )
    return render(request, "registration/login.html", {"form": form, "next": ""}, status=429)
