"""Organisation pages: list, export, detail, create, edit, status and group relations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners import commitment_selectors, importing, sections, selectors, services
from partners.filters import OrganisationFilterForm
from partners.forms import (
    GroupRelationForm,
    OrganisationCreateForm,
    OrganisationForm,
    OrganisationStatusForm,
)
from partners.models import CommitmentSet, GroupRelation, Organisation
from partners.views.shared import _download, _organisation, _period

# --- list, detail, own organisations ----------------------------------------------------------


class OrganisationListView(PolicyRequiredMixin, ListView[Any]):
    action = "partners.list_organisations"
    template_name = "partners/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Organisation]:
        self.filter_form = OrganisationFilterForm(self.request.GET or None)
        return selectors.list_organisations(
            visible_to=self.request.user, filters=self.filter_form.filters()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query=query.urlencode(),
            can_create=policy.can(self.request.user, "partners.create_organisation"),
            can_export=policy.can(self.request.user, "partners.export"),
            can_import=policy.can(self.request.user, "partners.manage_organisation"),
        )
        return context


def organisation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    policy.require(request.user, "partners.export")
    form = OrganisationFilterForm(request.GET or None)
    organisations = selectors.list_organisations(visible_to=request.user, filters=form.filters())
    header = [
        _("Namn"),
        _("Organisationsnummer"),
        _("Typ"),
        _("Bransch"),
        _("Anställda"),
        _("Status"),
        _("Webbplats"),
        _("Ort"),
        _("Antal utmaningar"),
        _("Avsiktsförklaring"),
        _("Kontaktpersoner"),
    ]
    rows = (
        [
            o.name,
            o.organisation_number,
            o.get_kind_display(),
            o.sector,
            o.employees,
            o.get_status_display(),
            o.website,
            o.city,
            o.challenge_count,  # type: ignore[attr-defined]
            _("ja") if o.has_declaration else _("nej"),  # type: ignore[attr-defined]
            o.contact_count,  # type: ignore[attr-defined]
        ]
        for o in organisations.iterator(chunk_size=2000)
    )
    if fmt == "xlsx":
        return _download(importing.to_xlsx(header, rows, title=_("Partner")), "partner", fmt)
    return _download(importing.to_csv(header, rows), "partner", fmt)


class MyOrganisationsView(PolicyRequiredMixin, ListView[Organisation]):
    action = "partners.view_own"
    template_name = "partners/my_organisations.html"
    context_object_name = "organisations"

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.list_my_organisations(visible_to=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisations = list(self.get_queryset())
        if len(organisations) == 1:
            return redirect(organisations[0])
        return super().get(request, *args, **kwargs)


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.view_organisation")
    period = _period(request)
    page = selectors.organisation_page(
        organisation=organisation, visible_to=request.user, period=period
    )
    user = request.user
    context: dict[str, Any] = {
        "organisation": organisation,
        "can_list": policy.can(user, "partners.list_organisations"),
        "page": page,
        "periods": selectors.list_periods(),
        "extra_sections": sections.sections_for(organisation, user),
        "can_change": policy.can(user, "partners.change_organisation", organisation),
        "can_manage": policy.can(user, "partners.manage_organisation", organisation),
        # Related organisations are linked only for those who may open any partner's page; a
        # partner contact would follow the link to a 404.
        "can_open_partners": policy.can(user, "partners.list_organisations"),
        "can_manage_contacts": policy.can(user, "partners.manage_contacts", organisation),
        "can_change_commitments": page.period is not None
        and policy.can(
            user,
            "partners.change_commitments",
            CommitmentSet(organisation=organisation, period=page.period),
        ),
    }
    if policy.can(user, "partners.view_matchmaking", organisation):
        context["matches"] = commitment_selectors.matches_for(
            organisation=organisation, period=period
        )
        context["looking"] = list(
            commitment_selectors.looking_for_partners(period=period, exclude=organisation)[:20]
        )
    if context["can_manage"]:
        context["status_form"] = OrganisationStatusForm(initial={"status": organisation.status})
        context["relation_form"] = GroupRelationForm(organisation=organisation)
    return render(request, "partners/organisation_detail.html", context)


# --- create and edit --------------------------------------------------------------------------


def organisation_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partners.create_organisation")
    form = OrganisationCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            organisation = services.create_organisation(by=request.user, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Organisationen %(name)s är registrerad.") % {"name": organisation.name}
            )
            return redirect(organisation)
    return render(request, "partners/organisation_form.html", {"form": form, "organisation": None})


def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.change_organisation")
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if not policy.can(request.user, "partners.manage_organisation", organisation):
        # The organisation number identifies the partner in the registry: only the office
        # corrects it. A disabled field ignores posted values and keeps the stored one.
        form.fields["organisation_number"].disabled = True
    if request.method == "POST":
        # ModelForm writes cleaned values onto the instance; keep a pristine copy for services.
        pristine = Organisation.objects.get(pk=organisation.pk)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if not request.FILES.get("logo") and data.get("logo") is not False:
                data.pop("logo", None)
            elif data.get("logo") is False:
                data["logo"] = ""
            try:
                services.update_organisation(
                    organisation=pristine,
                    data=data,
                    expected_version=form.cleaned_data.get("version") or 0,
                    by=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Uppgifterna är sparade."))
                return redirect(pristine)
    return render(
        request, "partners/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_POST
def organisation_status(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.manage_organisation")
    form = OrganisationStatusForm(request.POST)
    if form.is_valid():
        change = services.change_organisation_status(
            organisation=organisation,
            status=form.cleaned_data["status"],
            changed_on=form.cleaned_data["changed_on"],
            note=form.cleaned_data["note"],
            by=request.user,  # type: ignore[arg-type]
        )
        if change is None:
            messages.info(request, _("Organisationen har redan den statusen."))
        else:
            messages.success(request, _("Statusen är ändrad."))
    else:
        messages.error(request, _("Statusen kunde inte ändras: kontrollera datum och status."))
    return redirect(organisation)


# --- group relations --------------------------------------------------------------------------


@require_POST
def group_relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "partners.manage_organisation")
    form = GroupRelationForm(request.POST, organisation=organisation)
    if form.is_valid():
        services.add_group_relation(
            from_organisation=organisation,
            to_organisation=form.cleaned_data["to_organisation"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            from_year=form.cleaned_data["from_year"],
            to_year=form.cleaned_data["to_year"],
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Relationen är sparad."))
    else:
        messages.error(request, _("Välj en annan organisation och typ av relation."))
    return redirect(organisation)


@require_POST
def group_relation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(GroupRelation.objects.select_related("from_organisation"), pk=pk)
    policy.require(request.user, "partners.manage_organisation", relation.from_organisation)
    services.remove_group_relation(relation=relation, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Relationen är borttagen."))
    return redirect(relation.from_organisation)
