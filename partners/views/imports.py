"""Import of organisations from a file: upload, then preview and confirm."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import policy
from partners import importing
from partners.forms import ImportForm
from partners.models import private_storage as _private_storage

# --- import -----------------------------------------------------------------------------------

_IMPORT_SESSION_KEY = "partners_import"


def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the file is kept privately and a preview shows what would change."""
    policy.require(request.user, "partners.manage_organisation")
    form: Form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        name = _private_storage().save(
            f"imports/{secrets.token_hex(16)}{suffix}", ContentFile(content)
        )
        request.session[_IMPORT_SESSION_KEY] = {"path": name, "filename": upload.name}
        return redirect("partners:import_preview")
    return render(request, "partners/import_upload.html", {"form": form})


def _pending_import(request: HttpRequest) -> tuple[bytes, str, str] | None:
    pending = request.session.get(_IMPORT_SESSION_KEY)
    storage = _private_storage()
    if not pending or not storage.exists(pending["path"]):
        return None
    with storage.open(pending["path"], "rb") as handle:
        content = handle.read()
    return content, pending["path"], pending["filename"]


def import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2: the preview, and on POST the all-or-nothing import."""
    policy.require(request.user, "partners.manage_organisation")
    pending = _pending_import(request)
    if pending is None:
        messages.info(request, _("Ladda upp en fil att importera."))
        return redirect("partners:import_upload")
    content, path, filename = pending
    if request.method == "POST":
        plan = importing.apply_import(content, path, by=request.user)  # type: ignore[arg-type]
        if plan.ok:
            _private_storage().delete(path)
            request.session.pop(_IMPORT_SESSION_KEY, None)
            messages.success(
                request,
                _("Importen är klar: %(created)s nya och %(updated)s ändrade organisationer.")
                % {"created": plan.count("create"), "updated": plan.count("update")},
            )
            return redirect("partners:organisation_list")
    else:
        plan = importing.plan_import(content, path)
    return render(
        request,
        "partners/import_preview.html",
        {
            "plan": plan,
            "filename": filename,
            "summary": {
                "create": plan.count("create"),
                "update": plan.count("update"),
                "unchanged": plan.count("unchanged"),
                "contacts": plan.contacts_to_add,
            },
        },
        status=200 if plan.ok or request.method == "GET" else 400,
    )
