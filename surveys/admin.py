"""The Django admin for the survey: where the office edits a round's questions and indicators."""

from typing import Any

from django.contrib import admin

from surveys import services
from surveys.models import (
    Answer,
    DeadlineExtension,
    FollowUpSettings,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ManualIndicatorValue,
    Question,
    Response,
    ResponseEvent,
    SurveyRound,
)


class QuestionInline(admin.TabularInline[Question, SurveyRound]):
    model = Question
    extra = 0
    fields = (
        "order",
        "key",
        "section",
        "kind",
        "text_sv",
        "text_en",
        "unit",
        "required",
        "per_year",
    )


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin[SurveyRound]):
    list_display = ("name", "year", "reporting_year", "opens_on", "closes_on")
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ("key", "round", "section", "kind", "required")
    list_filter = ("round", "section", "kind")
    search_fields = ("key", "text_sv", "text_en")
    list_select_related = ("round",)


class AnswerInline(admin.TabularInline[Answer, Response]):
    model = Answer
    extra = 0
    fields = ("field_name", "raw", "value", "choice", "not_reported", "comment", "version")
    readonly_fields = fields


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin[Response]):
    # State changes go through the survey pages (services), not through the admin.
    list_display = ("organisation", "round", "state", "last_edited_at")
    list_filter = ("round", "state")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "round")
    readonly_fields = ("state", "version", "submitted_at", "approved_at", "reopen_reason")
    inlines = [AnswerInline]


@admin.register(ResponseEvent)
class ResponseEventAdmin(admin.ModelAdmin[ResponseEvent]):
    list_display = ("response", "kind", "by", "at")
    list_filter = ("kind",)
    list_select_related = ("response__organisation", "response__round", "by")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin[DeadlineExtension]):
    list_display = ("organisation", "round", "until")


class TargetInline(admin.TabularInline[IndicatorTarget, Indicator]):
    model = IndicatorTarget
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("key", "name_sv", "name_en", "goal", "kind", "source", "aggregation")
    list_filter = ("goal", "source")
    inlines = [TargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin[IndicatorValue]):
    list_display = ("indicator", "year", "organisation", "value", "n", "n_total", "suppressed")
    list_filter = ("indicator", "year")
    list_select_related = ("indicator", "organisation")


@admin.register(ManualIndicatorValue)
class ManualIndicatorValueAdmin(admin.ModelAdmin[ManualIndicatorValue]):
    list_display = ("indicator", "year", "value", "source_note")

    def save_model(self, request: Any, obj: ManualIndicatorValue, form: Any, change: bool) -> None:
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
        services.schedule_recompute()  # stored indicator values follow the new figure

    def delete_model(self, request: Any, obj: ManualIndicatorValue) -> None:
        super().delete_model(request, obj)
        services.schedule_recompute()


admin.site.register(FollowUpSettings)
