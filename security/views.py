"""Two-factor pages: set up a TOTP device (QR code) and verify a code after the password."""

from __future__ import annotations

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import policy
from security.forms import TokenForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _qr_data_url(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "security.two_factor")
    if user_has_device(request.user):  # confirmed already: the verify step, never a second secret
        return redirect(
            f"{reverse('security:otp_verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "TOTP"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is passed
            # Saved (cycle_key) as having passed it before the device counts as confirmed: the
            # confirmation ends the user's sessions that have not (security.signals).
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, _("Tvåfaktorsinloggning är aktiverad."))
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token", _("Koden stämmer inte. Kontrollera klockan i telefonen och försök igen.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_data_url": _qr_data_url(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "security/otp_setup.html", context, status=status)


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "security.two_factor")
    if not user_has_device(request.user):
        return redirect(
            f"{reverse('security:otp_setup')}?{urlencode({'next': _next_url(request)})}"
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is passed
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("Koden stämmer inte eller är redan använd."))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "security/otp_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )
