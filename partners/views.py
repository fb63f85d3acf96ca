"""Views of the partners app: thin translations of HTTP into selectors and services."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from partners import commitment_selectors, importing, sections, selectors, services
from partners.filters import CommitmentMatrixFilterForm, OrganisationFilterForm
from partners.forms import (
    CommitmentsForm,
    ContactForm,
    DeclarationForm,
    GroupRelationForm,
    ImportForm,
    OrganisationCreateForm,
    OrganisationForm,
    OrganisationStatusForm,
)
from partners.models import (
    CommitmentSet,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
)
from partners.models import private_storage as _private_storage
from roadmap.models import Challenge, PartnershipPeriod

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisation(request: HttpRequest, pk: int, action: str) -> Organisation:
    """The organisation if the user may open it (404 otherwise, so ids are not probed), then
    the policy check for ``action`` (403)."""
    try:
        organisation = selectors.get_organisation(pk=pk, visible_to=request.user)
    except Organisation.DoesNotExist:
        raise Http404 from None
    policy.require(request.user, action, organisation)
    return organisation


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type=XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _period(request: HttpRequest) -> PartnershipPeriod | None:
    pk = request.GET.get("period", "")
    if pk.isdigit():
        period = PartnershipPeriod.objects.filter(pk=int(pk)).first()
        if period is not None:
            return period
    return selectors.current_period()


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


# --- groupings --------------------------------------------------------------------------------


def grouping_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partners.view_groupings")
    period = _period(request)
    return render(
        request,
        "partners/grouping_list.html",
        {
            "groupings": commitment_selectors.grouping_challenges(
                visible_to=request.user, period=period
            ),
            "period": period,
            "periods": selectors.list_periods(),
        },
    )


def _grouping_challenge(request: HttpRequest, number: int) -> tuple[Challenge, Any]:
    policy.require(request.user, "partners.view_groupings")
    challenge = get_object_or_404(Challenge.objects.select_related("focus_area"), number=number)
    period = _period(request)
    if not commitment_selectors.can_view_grouping(
        challenge=challenge, visible_to=request.user, period=period
    ):
        raise Http404
    return challenge, period


def grouping_detail(request: HttpRequest, number: int) -> HttpResponse:
    challenge, period = _grouping_challenge(request, number)
    return render(
        request,
        "partners/grouping_detail.html",
        {
            "challenge": challenge,
            "period": period,
            "members": commitment_selectors.grouping_members(
                challenge=challenge, visible_to=request.user, period=period
            ),
            "can_export": policy.can(request.user, "partners.export"),
            "shows_all_contacts": policy.is_office(request.user),
        },
    )


def grouping_export(request: HttpRequest, number: int) -> HttpResponse:
    challenge, period = _grouping_challenge(request, number)
    policy.require(request.user, "partners.export")
    rows = commitment_selectors.mailing_list(challenge=challenge, period=period)
    header = [
        _("Organisation"),
        _("Förnamn"),
        _("Efternamn"),
        _("E-post"),
        _("Titel"),
        _("Huvudkontakt"),
    ]
    content = importing.to_csv(header, ([r[k] for k in r] for r in rows))
    return _download(content, f"utskick-utmaning-{challenge.number}", "csv")


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
