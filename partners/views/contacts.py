"""An organisation's contact people: add, edit, remove and invite."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from partners import services
from partners.forms import ContactForm
from partners.models import Membership, Organisation
from partners.views.shared import _organisation

# --- contacts ---------------------------------------------------------------------------------


def _lock_contact_fields(
    request: HttpRequest, form: ContactForm, *, organisation: Organisation, membership: Any = None
) -> None:
    """Disable what the user may not change (a disabled field keeps its initial value whatever
    is posted; services refuse it again): the person's name and e-mail, title and phone, and
    the roles (policy: partners.change_person_identity / change_person_details / grant_roles)."""
    user = request.user
    locked: list[tuple[tuple[str, ...], str]] = []
    if membership is not None:
        if not policy.can(user, "partners.change_person_identity", membership):
            locked.append((services.IDENTITY_FIELDS, services.MSG_IDENTITY_LOCKED))
        if not policy.can(user, "partners.change_person_details", membership):
            locked.append((services.DETAIL_FIELDS, services.MSG_DETAILS_LOCKED))
    if not policy.can(user, "partners.grant_roles", membership or organisation):
        locked.append((services.ROLE_FIELDS, services.MSG_ROLES_LOCKED))
    for names, message in locked:
        for name in names:
            form.fields[name].disabled = True
            form.fields[name].help_text = _(message)


def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.manage_contacts")
    form = ContactForm(request.POST or None)
    _lock_contact_fields(request, form, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(
                organisation=organisation,
                data=form.cleaned_data,
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Kontaktpersonen är tillagd."))
            return redirect(organisation)
    return render(
        request, "partners/contact_form.html", {"form": form, "organisation": organisation}
    )


def _membership(request: HttpRequest, pk: int) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("contact__user", "organisation"), pk=pk, is_active=True
    )
    if not policy.can(request.user, "partners.view_organisation_private", membership):
        raise Http404
    policy.require(request.user, "partners.manage_contacts", membership)
    return membership


def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    contact = membership.contact
    initial = {
        **{k: getattr(contact, k) for k in services.CONTACT_FIELDS},
        **{k: getattr(membership, k) for k in services.ROLE_FIELDS},
    }
    form = ContactForm(request.POST or None, initial=initial)
    _lock_contact_fields(request, form, organisation=membership.organisation, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(membership=membership, data=form.cleaned_data, by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Kontaktpersonen är sparad."))
            return redirect(membership.organisation)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "organisation": membership.organisation, "membership": membership},
    )


@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    try:
        services.remove_contact(membership=membership, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s är inte längre kontaktperson.") % {"name": membership.contact.full_name},
        )
    return redirect(membership.organisation)


@require_POST
def contact_invite(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    try:
        contact = services.invite_contact(
            contact=membership.contact,
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # The address the link went to: the login's own, not necessarily the contact record's.
        sent_to = contact.user.email if contact.user is not None else contact.email
        messages.success(
            request,
            _("En inbjudan med en engångslänk har skickats till %(email)s.") % {"email": sent_to},
        )
    return redirect(membership.organisation)
