"""Declarations, commitments and the commitment matrix."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import policy
from partners import charts as partner_charts
from partners import commitment_selectors, importing, selectors, services
from partners.filters import CommitmentMatrixFilterForm
from partners.forms import CommitmentsForm, DeclarationForm
from partners.models import CommitmentSet, Declaration
from partners.views.shared import _download, _organisation, _period

# --- declarations -----------------------------------------------------------------------------


def declaration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.manage_organisation")
    period = _period(request)
    existing = Declaration.objects.filter(organisation=organisation, period=period).first()
    initial: dict[str, Any] = {"period": period}
    if existing is not None:
        initial.update(
            signed_on=existing.signed_on,
            signatory_name=existing.signatory_name,
            signatory_title=existing.signatory_title,
            goals=list(existing.goals.all()),
            goals_text=existing.goals_text,
        )
    form = DeclarationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        require_document=existing is None or not existing.document,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_declaration(
                organisation=organisation,
                period=data["period"],
                signed_on=data["signed_on"],
                signatory_name=data["signatory_name"],
                signatory_title=data["signatory_title"],
                document=data.get("document") or None,
                goals=data["goals"],
                goals_text=data["goals_text"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Avsiktsförklaringen är sparad."))
            return redirect(organisation)
    return render(
        request,
        "partners/declaration_form.html",
        {"form": form, "organisation": organisation, "declaration": existing},
    )


def declaration_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    declaration = get_object_or_404(
        selectors.list_declarations_for_download(visible_to=request.user), pk=pk
    )
    policy.require(request.user, "partners.download_declaration", declaration)
    if not declaration.document:
        raise Http404
    response = FileResponse(
        declaration.document.open("rb"),
        as_attachment=True,
        filename=f"avsiktsforklaring-{declaration.organisation_id}-{declaration.period_id}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- commitments ------------------------------------------------------------------------------


def commitments_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.view_organisation_private")
    period = _period(request)
    if period is None:
        raise Http404
    commitment_set = CommitmentSet.objects.filter(organisation=organisation, period=period).first()
    # Checked against an unsaved set first, so that a denied user never creates a row.
    policy.require(
        request.user,
        "partners.change_commitments",
        commitment_set or CommitmentSet(organisation=organisation, period=period),
    )
    commitments = list(commitment_set.commitments.all()) if commitment_set else []
    challenges = list(selectors.list_challenges())
    form = CommitmentsForm(
        request.POST or None,
        challenges=challenges,
        commitment_set=commitment_set or CommitmentSet(organisation=organisation, period=period),
        commitments=commitments,
    )
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        if commitment_set is None:
            commitment_set = services.get_or_create_commitment_set(
                organisation=organisation, period=period
            )
        try:
            services.save_commitments(
                commitment_set=commitment_set,
                entries=form.entries(),
                expected_version=form.cleaned_data["version"],
                confirm=confirm,
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Åtagandena är bekräftade.") if confirm else _("Utkastet är sparat."),
            )
            return redirect(f"{organisation.get_absolute_url()}?period={period.pk}")
    history = (
        list(selectors.commitment_history(commitment_set=commitment_set)[:30])
        if commitment_set
        else []
    )
    return render(
        request,
        "partners/commitments_form.html",
        {
            "form": form,
            "organisation": organisation,
            "period": period,
            "commitment_set": commitment_set,
            "history": history,
            "min_challenges": CommitmentSet.MIN_CHALLENGES,
        },
    )


# --- commitment matrix ------------------------------------------------------------------------


def commitment_matrix(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partners.view_matrix")
    form = CommitmentMatrixFilterForm(request.GET, current_period=selectors.current_period())
    matrix = commitment_selectors.commitment_matrix(
        visible_to=request.user, page_number=request.GET.get("page", 1), **form.filters()
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/commitment_matrix.html",
        {
            "matrix": matrix,
            "focus_area_chart": partner_charts.focus_area_chart(matrix.focus_area_rows),
            "filter_form": form,
            "query": query.urlencode(),
            "can_export": policy.can(request.user, "partners.export"),
        },
    )


def commitment_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every commitment of the period, one row each (organisation, challenge, plan, status)."""
    policy.require(request.user, "partners.export")
    period = _period(request)
    from partners.models import Commitment

    commitments = (
        Commitment.objects.for_period(period)
        .select_related("challenge", "commitment_set__organisation")
        .order_by("commitment_set__organisation__name", "challenge__number")
    )
    header = [
        _("Organisation"),
        _("Organisationsnummer"),
        _("Utmaning"),
        _("Utmaningens namn"),
        _("Plan"),
        _("Söker samarbetspartner"),
        _("Status"),
    ]
    rows = (
        [
            c.commitment_set.organisation.name,
            c.commitment_set.organisation.organisation_number,
            c.challenge.number,
            c.challenge.name,
            c.plan,
            _("ja") if c.looking_for_partners else "",
            c.commitment_set.get_status_display(),
        ]
        for c in commitments.iterator(chunk_size=2000)
    )
    if fmt == "xlsx":
        return _download(importing.to_xlsx(header, rows, title=_("Åtaganden")), "ataganden", fmt)
    return _download(importing.to_csv(header, rows), "ataganden", fmt)
