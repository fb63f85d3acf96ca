"""The office's import of a round's answers (surveys.importing): upload → preview → confirm.

The uploaded file is kept in private storage (under VAR_DIR, never served) with its path in the
session, so the confirmed import reads exactly the bytes that were previewed, without a second
upload. Confirming re-plans those bytes inside the import's transaction: what is written is what
the preview showed unless someone changed the round in between (then the new preview shows it).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import policy
from partners.models import private_storage
from surveys import importing, selectors
from surveys.forms import AnswerImportForm
from surveys.models import SurveyRound

_SESSION_KEY = "surveys_answer_import"


def _round(request: HttpRequest, pk: int) -> SurveyRound:
    policy.require(request.user, "surveys.import_answers")
    return get_object_or_404(SurveyRound, pk=pk)


def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: the file (and whether to approve); a preview follows, nothing is saved yet."""
    survey_round = _round(request, pk)
    form = AnswerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        storage = private_storage()
        _discard(request)  # an earlier upload that was never confirmed
        path = storage.save(
            f"imports/surveys/{secrets.token_hex(16)}{suffix}", ContentFile(upload.read())
        )
        request.session[_SESSION_KEY] = {
            "path": path,
            "filename": upload.name,
            "round": survey_round.pk,
            "approve": bool(form.cleaned_data["approve"]),
        }
        return redirect("surveys:import_preview", pk=survey_round.pk)
    return render(
        request,
        "surveys/import_upload.html",
        {"survey_round": survey_round, "form": form, "columns": importing.COLUMNS},
        status=400 if request.method == "POST" else 200,
    )


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(_SESSION_KEY, None)
    if pending:
        private_storage().delete(pending["path"])


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: what the file would change; POST imports it (all rows or none)."""
    survey_round = _round(request, pk)
    pending = request.session.get(_SESSION_KEY)
    storage = private_storage()
    if not pending or pending["round"] != survey_round.pk or not storage.exists(pending["path"]):
        messages.info(request, _("Ladda upp en fil att importera."))
        return redirect("surveys:import_upload", pk=survey_round.pk)
    with storage.open(pending["path"], "rb") as handle:
        content = handle.read()
    approve = bool(pending["approve"])
    if request.method == "POST":
        result = importing.import_long(survey_round, content, approve=approve, by=request.user)  # type: ignore[arg-type]
        if result.applied:
            _discard(request)
            messages.success(
                request,
                _(
                    "Importen är klar: %(new)s nya och %(changed)s ändrade svar hos "
                    "%(organisations)s organisationer; %(approved)s svar godkända."
                )
                % {
                    "new": result.count("new"),
                    "changed": result.count("changed"),
                    "organisations": len(result.changed_organisations),
                    "approved": result.count("approved"),
                },
            )
            return redirect(survey_round)
    else:
        result = importing.plan_import(survey_round, content, approve=approve)
    return render(
        request,
        "surveys/import_preview.html",
        {"survey_round": survey_round, "result": result, "filename": pending["filename"]},
        status=200 if result.ok or request.method == "GET" else 400,
    )


def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty long file for the round, one block of rows per active partner."""
    survey_round = _round(request, pk)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content = importing.write_template(
        survey_round, list(selectors.expected_organisations()), file_format=file_format
    )
    content_type = importing.XLSX_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    filename = f"enkat-{survey_round.year}-mall.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
