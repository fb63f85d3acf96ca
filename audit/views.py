"""The office's GDPR pages: find a contact person, export their data, erase them, and review
contacts of organisations that left the partnership."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit import gdpr, selectors
from audit.forms import EraseForm, RetentionForm
from audit.models import RetentionSettings
from partners.models import ContactPerson


@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "gdpr.manage")
    query = request.GET.get("q", "").strip()[:100]
    contacts = ContactPerson.objects.exclude(email__endswith=gdpr.ERASED_EMAIL_DOMAIN).order_by(
        "last_name", "first_name"
    )
    if query:
        contacts = contacts.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(contacts, 50).get_page(request.GET.get("page"))
    return render(request, "audit/contact_list.html", {"page_obj": page, "query": query})


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "gdpr.manage")
    contact = get_object_or_404(ContactPerson.objects.select_related("user"), pk=pk)
    entries = selectors.describe(selectors.history_for(contact))
    return render(
        request,
        "audit/contact_detail.html",
        {
            "contact": contact,
            "form": EraseForm(),
            "entries": entries,
            "memberships": contact.memberships.select_related("organisation"),
        },
    )


@require_GET
def contact_export(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "gdpr.manage")
    contact = get_object_or_404(ContactPerson.objects.select_related("user"), pk=pk)
    data = gdpr.export_person(contact=contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="kontaktperson-{contact.pk}-{stamp}.json"'
    )
    return response


@require_POST
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "gdpr.manage")
    contact = get_object_or_404(ContactPerson.objects.select_related("user"), pk=pk)
    if contact.user is not None:
        # Erasing deactivates the login and removes its password and second factor, so it is a
        # change of that login: the office may not do it to a superuser (issue 15).
        policy.require(request.user, "accounts.manage_login", contact.user)
    form = EraseForm(request.POST)
    if not form.is_valid():
        entries = selectors.describe(selectors.history_for(contact))
        return render(
            request,
            "audit/contact_detail.html",
            {
                "contact": contact,
                "form": form,
                "entries": entries,
                "memberships": contact.memberships.select_related("organisation"),
            },
            status=400,
        )
    report = gdpr.erase_person(contact=contact, by=request.user)
    messages.success(
        request,
        _(
            "Personen är raderad: %(rows)s poster rensade, %(files)s filer borttagna, "
            "%(logs)s inloggningsloggar och %(sessions)s sessioner borttagna."
        )
        % {
            "rows": report.rows_scrubbed,
            "files": report.files_removed,
            "logs": report.login_log_rows,
            "sessions": report.sessions,
        },
    )
    return redirect("audit:contact_list")


@require_http_methods(["GET", "POST"])
def retention_review(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "gdpr.manage")
    form = RetentionForm(request.POST or None, instance=RetentionSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Lagringstiden är sparad."))
        return redirect("audit:retention_review")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "audit/retention_review.html",
        {"form": form, "due": gdpr.contacts_due_for_review()},
        status=status,
    )
