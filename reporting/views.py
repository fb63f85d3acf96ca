"""Pages of the reporting app: report years (office), build progress, and downloads (everyone
entitled). Every download passes the policy for its job and is never cached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView, UpdateView

from accounts import policy
from accounts.policy import PolicyRequiredMixin
from reporting import narrative, selectors, services
from reporting.forms import LanguageForm, NarrativeForm, PublishForm, ReportYearCreateForm
from reporting.models import ReportBatch, ReportJob, ReportYear

if TYPE_CHECKING:
    from accounts.models import User


def _acting(request: HttpRequest) -> User:
    # LoginRequiredMiddleware and the policy check have run: the user is a signed-in User.
    return cast("User", request.user)


class ReportListView(PolicyRequiredMixin, ListView):  # type: ignore[type-arg]
    action = "reporting.list"
    template_name = "reporting/report_list.html"
    context_object_name = "report_years"

    def get_queryset(self) -> QuerySet[ReportYear]:
        return selectors.list_report_years(visible_to=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = policy.can(user, "reporting.manage")
        context["reports"] = selectors.list_published_reports(visible_to=user)
        context["create_form"] = ReportYearCreateForm()
        return context


@require_POST
def report_year_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "reporting.manage")
    form = ReportYearCreateForm(request.POST)
    if form.is_valid():
        try:
            report_year = services.create_report_year(
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                by=_acting(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rapportåret är skapat."))
            return redirect(report_year)
    else:
        messages.error(request, _("Ange ett år mellan 2020 och 2100."))
    return redirect("reporting:report_list")


class ReportYearMixin(PolicyRequiredMixin):
    action = "reporting.manage"
    model = ReportYear
    slug_field = "year"
    slug_url_kwarg = "year"


class ReportYearDetailView(ReportYearMixin, DetailView):  # type: ignore[type-arg]
    template_name = "reporting/report_year_detail.html"
    context_object_name = "report_year"

    def get_queryset(self) -> QuerySet[ReportYear]:
        return selectors.list_report_years(visible_to=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report_year = self.object
        context.update(_year_jobs_context(report_year))
        context["batches"] = selectors.list_batches(report_year=report_year)
        context["languages"] = settings.LANGUAGES
        snapshot = report_year.snapshot
        context["snapshot_missing"] = snapshot.data.get("missing", []) if snapshot else []
        context["snapshot_organisations"] = (
            len(snapshot.data.get("organisations", {})) if snapshot else 0
        )
        return context


class ReportYearUpdateView(ReportYearMixin, UpdateView):  # type: ignore[type-arg]
    form_class = NarrativeForm
    template_name = "reporting/report_year_form.html"
    context_object_name = "report_year"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("previews", None)  # None: no preview asked for (an empty list: all empty)
        return super().get_context_data(**kwargs)

    def form_valid(self, form: NarrativeForm) -> HttpResponse:
        if "preview" in self.request.POST:
            # Shown as the PDF will show it, nothing saved: the office checks the Markdown first.
            return self.render_to_response(
                self.get_context_data(form=form, previews=narrative.preview_sections(form))
            )
        changes = {name: form.cleaned_data[name] for name in services.NARRATIVE_FIELDS}
        try:
            services.update_report_year(
                report_year=self.object,
                by=_acting(self.request),
                version=form.cleaned_data["version"],
                **changes,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Berättelsen och urvalet är sparade."))
        return redirect(self.object)


def _report_year(request: HttpRequest, year: int) -> ReportYear:
    policy.require(request.user, "reporting.manage")
    return get_object_or_404(ReportYear, year=year)


@require_POST
def snapshot_take(request: HttpRequest, year: int) -> HttpResponse:
    report_year = _report_year(request, year)
    try:
        services.take_snapshot(report_year=report_year, by=_acting(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Årets siffror är frysta. Nya rapporter byggs från den här bilden.")
        )
    return redirect(report_year)


def _tell_about_job(request: HttpRequest, job: ReportJob) -> None:
    """Say what happened to a job right after the request asked for it."""
    job.refresh_from_db()
    if job.status == ReportJob.Status.DONE:
        messages.success(request, _("Rapporten är klar."))
    elif job.status == ReportJob.Status.FAILED:
        messages.error(request, _("Rapporten kunde inte byggas: %(error)s") % {"error": job.error})
    elif job.published_at is None:
        messages.warning(
            request,
            _(
                "Jobbkön går inte att nå just nu. Beställningen är sparad och startas "
                "automatiskt när kön fungerar igen."
            ),
        )
    else:
        messages.info(request, _("Rapporten byggs. Sidan visar hur det går."))


@require_POST
def report_build(request: HttpRequest, year: int) -> HttpResponse:
    report_year = _report_year(request, year)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj ett språk."))
        return redirect(report_year)
    try:
        job = services.request_report(
            report_year=report_year,
            kind=ReportJob.Kind.PARTNERSHIP,
            language=form.cleaned_data["language"],
            by=_acting(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _tell_about_job(request, job)
    return redirect(report_year)


@require_POST
def batch_create(request: HttpRequest, year: int) -> HttpResponse:
    report_year = _report_year(request, year)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj ett språk."))
        return redirect(report_year)
    try:
        batch = services.build_all_organisation_reports(
            report_year=report_year, language=form.cleaned_data["language"], by=_acting(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report_year)
    if batch.jobs.filter(status=ReportJob.Status.PENDING, published_at__isnull=True).exists():
        messages.warning(
            request,
            _(
                "Jobbkön går inte att nå just nu. Beställningarna är sparade och startas "
                "automatiskt när kön fungerar igen."
            ),
        )
    else:
        messages.info(request, _("Organisationernas rapporter byggs."))
    return redirect("reporting:batch_detail", pk=batch.pk)


def _batch(request: HttpRequest, pk: int) -> ReportBatch:
    policy.require(request.user, "reporting.manage")
    return get_object_or_404(ReportBatch.objects.select_related("report_year"), pk=pk)


def _batch_context(batch: ReportBatch) -> dict[str, Any]:
    return {
        "batch": batch,
        "report_year": batch.report_year,
        "progress": selectors.get_batch_progress(batch=batch),
        "newer": selectors.get_newer_batch(batch=batch),
    }


@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(request, "reporting/batch_detail.html", _batch_context(batch))


@never_cache
@require_GET
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch page's progress part, polled by static/js/reporting.js while work remains."""
    batch = _batch(request, pk)
    return render(request, "reporting/_batch_progress.html", _batch_context(batch))


@never_cache
@require_GET
def report_year_jobs(request: HttpRequest, year: int) -> HttpResponse:
    """The year page's reports part, polled by static/js/reporting.js while work remains."""
    report_year = _report_year(request, year)
    return render(request, "reporting/_year_jobs.html", _year_jobs_context(report_year))


def _year_jobs_context(report_year: ReportYear) -> dict[str, Any]:
    jobs = selectors.list_current_jobs(report_year=report_year)
    return {
        "report_year": report_year,
        "jobs": jobs,
        "progress": selectors.get_jobs_progress(jobs=jobs),
    }


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The retry button of a failed or stalled job; back to the page it was pressed on."""
    policy.require(request.user, "reporting.manage")
    job = get_object_or_404(ReportJob.objects.select_related("report_year"), pk=pk)
    job = services.retry_job(job=job, by=_acting(request))
    _tell_about_job(request, job)
    batch_id = request.POST.get("batch", "")
    batch = (
        job.batches.filter(pk=int(batch_id)).first()
        if batch_id.isdigit() and len(batch_id) < 10
        else None
    )
    return redirect("reporting:batch_detail", pk=batch.pk) if batch else redirect(job.report_year)


@require_http_methods(["GET", "POST"])
def report_year_publish(request: HttpRequest, year: int) -> HttpResponse:
    """A confirmation page that says who will see which reports; publishing needs its box
    ticked (a form, not a JavaScript confirm: it works and is recorded without scripts)."""
    report_year = _report_year(request, year)
    if report_year.is_published:
        return redirect(report_year)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_report_year(report_year=report_year, by=_acting(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rapporterna är publicerade."))
        return redirect(report_year)
    return render(
        request,
        "reporting/report_year_publish.html",
        {
            "report_year": report_year,
            "form": form,
            "preview": selectors.get_publication_preview(report_year=report_year),
        },
        status=400 if form.is_bound else 200,
    )


@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """A report's PDF or the XLSX of its data, after the policy check for that job."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    job = get_object_or_404(ReportJob.objects.select_related("report_year", "organisation"), pk=pk)
    if not policy.can(request.user, job.download_action, job):
        raise PermissionDenied(job.download_action)
    field = job.file if fmt == "pdf" else job.data_xlsx
    if job.status != ReportJob.Status.DONE or not field:
        raise Http404
    who = "partnerskapet" if job.organisation is None else f"organisation-{job.organisation_id}"
    filename = f"klimatfardplan-{job.report_year.year}-{who}-{job.language}.{fmt}"
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
