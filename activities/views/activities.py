"""Activity cards: list, card page, create/edit, status updates, signal override, milestones,
people and attachments. Visibility comes from the selectors (an activity a user may not see is a
404); what a user may *do* with a visible activity comes from accounts.policy (403)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from activities import selectors, services
from activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    AttachmentForm,
    MilestoneForm,
    PersonForm,
    SignalOverrideForm,
    StatusUpdateForm,
)
from audit import selectors as audit_selectors

if TYPE_CHECKING:
    from accounts.models import User

from activities.models import (
    MAX_MILESTONES,
    Activity,
    ActivityPerson,
    Attachment,
    Milestone,
)


def get_visible_activity(
    request: HttpRequest, pk: int, action: str = "activities.view"
) -> Activity:
    """The activity if the user may see it (else 404), and may do ``action`` on it (else 403)."""
    try:
        activity = selectors.get_activity(visible_to=request.user, pk=pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    policy.require(request.user, action, activity)
    return activity


def acting_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware and the policy keep anonymous users out)."""
    return cast("User", request.user)


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's ValidationError onto the form: field errors where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ActivityListView(PolicyRequiredMixin, ListView):  # type: ignore[type-arg]
    action = "activities.list"
    template_name = "activities/activity_list.html"
    paginate_by = 25
    context_object_name = "activities"

    def get_queryset(self) -> QuerySet[Activity]:
        self.filter_form = ActivityFilterForm(self.request.GET or None)
        return (
            selectors.list_activities(
                visible_to=self.request.user, filters=self.filter_form.filters()
            )
            .order_by("-start_date", "title")
            # The rows show the lead's name and the team size (annotations), not the team.
            .prefetch_related(None)
            .prefetch_related("challenges")
        )

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        # The follow-up signal is computed in Python for the rows shown (activities.followup).
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = selectors.with_signals(list(object_list))
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query=query.urlencode(),
            can_create=policy.can(self.request.user, "activities.create"),
            can_propose=policy.can(self.request.user, "activities.propose"),
            can_review_proposals=policy.can(self.request.user, "activities.review_proposal"),
            can_export=policy.can(self.request.user, "activities.export"),
            can_print_gallery=policy.can(self.request.user, "activities.print_gallery"),
        )
        return context


class ActivityDetailView(PolicyRequiredMixin, DetailView):  # type: ignore[type-arg]
    action = "activities.list"
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"

    def get_object(self, queryset: QuerySet[Activity] | None = None) -> Activity:
        return get_visible_activity(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activity: Activity = context["activity"]
        user = self.request.user
        can_update = policy.can(user, "activities.update_status", activity)
        context.update(
            can_change=policy.can(user, "activities.change", activity),
            can_edit_proposal=policy.can(user, "activities.edit_proposal", activity),
            can_review_proposal=activity.is_open_proposal
            and policy.can(user, "activities.review_proposal", activity),
            can_update_status=can_update,
            status_form=StatusUpdateForm(initial={"lifecycle": activity.lifecycle}),
            can_add_milestone=can_update and len(activity.milestones.all()) < MAX_MILESTONES,
            # The audit trail of the card and its working group, for the office only.
            history=audit_selectors.describe(audit_selectors.history_for(activity))
            if policy.can(user, "audit.view_history", activity)
            else None,
        )
        return context


class ActivityCreateView(PolicyRequiredMixin, CreateView):  # type: ignore[type-arg]
    action = "activities.create"
    model = Activity
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def form_valid(self, form: ActivityForm) -> HttpResponse:
        try:
            activity = services.create_activity(
                by=acting_user(self.request), **form.service_kwargs()
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Aktiviteten är skapad. Lägg till delmål i tidplanen."))
        return redirect(activity)


class ActivityUpdateView(PolicyRequiredMixin, UpdateView):  # type: ignore[type-arg]
    action = "activities.list"
    model = Activity
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def get_object(self, queryset: QuerySet[Activity] | None = None) -> Activity:
        return get_visible_activity(self.request, self.kwargs["pk"], "activities.change")

    def form_valid(self, form: ActivityForm) -> HttpResponse:
        try:
            activity = services.update_activity(
                activity=self.object,
                by=acting_user(self.request),
                expected_version=form.cleaned_data.get("version") or 0,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Aktivitetskortet är sparat."))
        return redirect(activity)


def activity_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A working-group member (or the office) reports where the activity stands."""
    activity = get_visible_activity(request, pk, "activities.update_status")
    form = StatusUpdateForm(request.POST or None, initial={"lifecycle": activity.lifecycle})
    if request.method == "POST" and form.is_valid():
        services.update_status(
            activity=activity,
            by=acting_user(request),
            lifecycle=form.cleaned_data["lifecycle"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Statusuppdateringen är sparad."))
        return redirect(activity)
    return render(request, "activities/activity_status.html", {"activity": activity, "form": form})


def activity_signal(request: HttpRequest, pk: int) -> HttpResponse:
    """The office overrides the computed follow-up signal, with a written reason."""
    activity = get_visible_activity(request, pk, "activities.change")
    form = SignalOverrideForm(
        request.POST or None,
        initial={"signal": activity.signal_override, "reason": activity.signal_override_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.override_signal(
                activity=activity,
                by=acting_user(request),
                signal=form.cleaned_data["signal"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Uppföljningssignalen är sparad."))
            return redirect(activity)
    return render(request, "activities/activity_signal.html", {"activity": activity, "form": form})


def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk, "activities.update_status")
    form = MilestoneForm(request.POST or None, instance=Milestone(activity=activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_milestone(
                activity=activity,
                by=acting_user(request),
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                done_on=form.cleaned_data["done_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Delmålet är sparat."))
            return redirect(activity)
    return render(
        request,
        "activities/milestone_form.html",
        {"activity": activity, "form": form, "milestone": None},
    )


def _visible_milestone(request: HttpRequest, pk: int) -> tuple[Activity, Milestone]:
    activity_id = Milestone.objects.filter(pk=pk).values_list("activity_id", flat=True).first()
    if activity_id is None:
        raise Http404
    activity = get_visible_activity(request, activity_id, "activities.update_status")
    milestone = next(m for m in activity.milestones.all() if m.pk == pk)
    milestone.activity = activity
    return activity, milestone


def milestone_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity, milestone = _visible_milestone(request, pk)
    original = (milestone.title, milestone.due_date, milestone.done_on)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        milestone.title, milestone.due_date, milestone.done_on = original  # the service decides
        try:
            services.update_milestone(
                milestone=milestone,
                by=acting_user(request),
                title=data["title"],
                due_date=data["due_date"],
                done_on=data["done_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Delmålet är sparat."))
            return redirect(activity)
    return render(
        request,
        "activities/milestone_form.html",
        {"activity": activity, "form": form, "milestone": milestone},
    )


def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (what will be lost, with a way back); the POST from that page deletes."""
    activity, milestone = _visible_milestone(request, pk)
    if request.method == "POST":
        services.delete_milestone(milestone=milestone, by=acting_user(request))
        messages.success(request, _("Delmålet är borttaget."))
        return redirect(activity)
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "activity": activity,
            "heading": _("Ta bort delmålet ”%(title)s”?") % {"title": milestone.title},
            "what": _("Delmålet och dess datum tas bort från aktivitetens tidplan."),
        },
    )


def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk, "activities.change")
    form = PersonForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_person(
                activity=activity,
                by=acting_user(request),
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Personen är tillagd i arbetsgruppen."))
            return redirect(activity)
    return render(request, "activities/person_form.html", {"activity": activity, "form": form})


@require_POST
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(ActivityPerson, pk=pk)
    activity = get_visible_activity(request, person.activity_id, "activities.change")
    services.remove_person(person=person, by=acting_user(request))
    messages.success(request, _("Personen är borttagen från arbetsgruppen."))
    return redirect(activity)


def attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_activity(request, pk, "activities.update_status")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(
                activity=activity,
                by=acting_user(request),
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Bilagan är uppladdad."))
            return redirect(activity)
    return render(request, "activities/attachment_form.html", {"activity": activity, "form": form})


def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first; the POST from that page deletes the attachment and its file."""
    attachment = get_object_or_404(Attachment, pk=pk)
    activity = get_visible_activity(request, attachment.activity_id, "activities.update_status")
    if request.method == "POST":
        services.delete_attachment(attachment=attachment, by=acting_user(request))
        messages.success(request, _("Bilagan är borttagen."))
        return redirect(activity)
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "activity": activity,
            "heading": _("Ta bort bilagan ”%(title)s”?") % {"title": attachment.title},
            "what": _("Filen tas bort och kan inte hämtas tillbaka."),
        },
    )


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(Attachment, pk=pk)
    get_visible_activity(request, attachment.activity_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1] if attachment.file.name else "bilaga",
    )


def activity_detail_url(activity: Activity) -> str:
    return reverse("activities:activity_detail", kwargs={"pk": activity.pk})
