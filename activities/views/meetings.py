"""Meetings: list, page, create/edit (office), attendance, documents, and the calendar feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from activities import calendar, selectors, services
from activities.forms import (
    AttendanceForm,
    DocumentForm,
    MeetingAnswerForm,
    MeetingFilterForm,
    MeetingForm,
)
from activities.models import Meeting, MeetingDocument, MeetingInvitation
from activities.views.activities import _add_errors, acting_user
from partners.models import ContactPerson


def get_visible_meeting(
    request: HttpRequest, pk: int, action: str = "activities.view_meeting"
) -> Meeting:
    try:
        meeting = selectors.get_meeting(visible_to=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    policy.require(request.user, action, meeting)
    return meeting


class MeetingListView(PolicyRequiredMixin, ListView):  # type: ignore[type-arg]
    action = "activities.list_meetings"
    template_name = "activities/meeting_list.html"
    paginate_by = 25
    context_object_name = "meetings"

    def get_queryset(self) -> QuerySet[Meeting]:
        self.filter_form = MeetingFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.list_meetings(
            visible_to=self.request.user,
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            year=data.get("year"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query=query.urlencode(),
            can_manage=policy.can(self.request.user, "activities.manage_meetings"),
            can_export=policy.can(self.request.user, "activities.export"),
        )
        return context


class MeetingDetailView(PolicyRequiredMixin, DetailView):  # type: ignore[type-arg]
    action = "activities.list_meetings"
    template_name = "activities/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self, queryset: QuerySet[Meeting] | None = None) -> Meeting:
        return get_visible_meeting(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_manage = policy.can(self.request.user, "activities.manage_meetings")
        context["can_manage"] = can_manage
        # The invited people and their answers: the office's list, not the partners'.
        context["invitations"] = (
            selectors.list_meeting_invitations(self.object) if can_manage else None
        )
        return context


class MeetingCreateView(PolicyRequiredMixin, CreateView):  # type: ignore[type-arg]
    action = "activities.manage_meetings"
    model = Meeting
    form_class = MeetingForm
    template_name = "activities/meeting_form.html"

    def form_valid(self, form: MeetingForm) -> HttpResponse:
        try:
            meeting = services.create_meeting(by=acting_user(self.request), **form.service_kwargs())
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Träffen är sparad."))
        return redirect(meeting)


class MeetingUpdateView(PolicyRequiredMixin, UpdateView):  # type: ignore[type-arg]
    action = "activities.manage_meetings"
    form_class = MeetingForm
    template_name = "activities/meeting_form.html"

    def get_object(self, queryset: QuerySet[Meeting] | None = None) -> Meeting:
        return get_visible_meeting(self.request, self.kwargs["pk"], "activities.manage_meetings")

    def form_valid(self, form: MeetingForm) -> HttpResponse:
        try:
            meeting = services.update_meeting(
                meeting=self.object,
                by=acting_user(self.request),
                expected_version=form.cleaned_data.get("version") or 0,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Träffen är sparad."))
        return redirect(meeting)


def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The office ticks who came, person by person ("name (organisation)", each person once);
    before anything is recorded, the invited people who have not declined are ticked."""
    meeting = get_visible_meeting(request, pk, "activities.manage_meetings")
    attendances = list(meeting.attendances.all())
    invitations = selectors.list_meeting_invitations(meeting)
    if attendances:
        initial_people = [a.contact_id for a in attendances if a.contact_id]
        initial_orgs = [a.organisation_id for a in attendances if not a.contact_id]
    else:
        initial_people = [
            i.contact_id
            for i in invitations
            if not i.is_withdrawn and i.response != MeetingInvitation.Response.DECLINED
        ]
        initial_orgs = []
    form = AttendanceForm(
        request.POST or None,
        people=selectors.list_attendance_people(),
        initial={"contacts": initial_people, "organisations": initial_orgs},
    )
    if request.method == "POST" and form.is_valid():
        contacts = ContactPerson.objects.filter(
            pk__in=[c.pk for c in form.cleaned_data["contacts"]]
        ).prefetch_related("memberships__organisation")
        try:
            services.record_attendance(
                meeting=meeting,
                by=acting_user(request),
                contacts=contacts,
                organisations=form.cleaned_data["organisations"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Närvaron är sparad."))
            return redirect(meeting)
    return render(
        request,
        "activities/meeting_attendance.html",
        {"meeting": meeting, "form": form, "invitations": invitations},
    )


def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_meeting(request, pk, "activities.manage_meetings")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_meeting_document(
                meeting=meeting,
                by=acting_user(request),
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Dokumentet är uppladdat."))
            return redirect(meeting)
    return render(request, "activities/document_form.html", {"meeting": meeting, "form": form})


def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = get_object_or_404(MeetingDocument, pk=pk)
    get_visible_meeting(request, document.meeting_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1] if document.file.name else "dokument",
    )


def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's personal feed URL, and a button that makes a new one (revoking the old)."""
    policy.require(request.user, "activities.calendar_feed")
    if request.method == "POST":
        feed = services.rotate_calendar_feed(user=acting_user(request))
        messages.success(
            request, _("Du har fått en ny kalenderadress. Den gamla adressen fungerar inte längre.")
        )
        return redirect("activities:calendar_settings")
    feed = services.get_or_create_calendar_feed(user=acting_user(request))
    feed_url = request.build_absolute_uri(
        reverse("activities:calendar_feed", kwargs={"token": calendar.make_token(feed)})
    )
    # webcal: makes the browser hand the address to the calendar program as a subscription.
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(
        request,
        "activities/calendar_settings.html",
        {"feed_url": feed_url, "webcal_url": webcal_url},
    )


@login_not_required  # calendar apps cannot log in: the opaque token in the URL is the credential
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404
    body = calendar.render_feed(user, calendar_name=_("Klimatfärdplanens träffar"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_not_required  # the link in the invitation mail: the signed token names the invitation
def meeting_answer(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person answers yes or no. GET only shows the question (mail scanners open
    links), the answer is a POST from the page."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404
    form = MeetingAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_invitation(
                invitation=invitation, attending=form.cleaned_data["answer"] == "yes"
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tack! Ditt svar är sparat."))
            return redirect(request.path)
    return render(
        request,
        "activities/meeting_answer.html",
        {"invitation": invitation, "meeting": invitation.meeting, "form": form},
    )
