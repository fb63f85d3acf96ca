"""The Django admin for the activities app: the office's fallback, with search and filters.

Everyday changes go through the app's pages (and so through services, with their checks); the
admin is for corrections. Versions are bumped by services only, so open edit forms are not
silently overwritten by an admin save either: the admin shows the version read-only."""

from django.contrib import admin

from activities.models import (
    Activity,
    ActivityPerson,
    Attachment,
    CalendarFeed,
    Meeting,
    MeetingAttendance,
    MeetingDocument,
    Milestone,
    Participation,
    StatusUpdate,
)


class ParticipationInline(admin.TabularInline[Participation, Activity]):
    model = Participation
    extra = 0
    autocomplete_fields = ("organisation",)


class PersonInline(admin.TabularInline[ActivityPerson, Activity]):
    model = ActivityPerson
    extra = 0
    autocomplete_fields = ("contact",)


class MilestoneInline(admin.TabularInline[Milestone, Activity]):
    model = Milestone
    extra = 0


class StatusUpdateInline(admin.TabularInline[StatusUpdate, Activity]):
    model = StatusUpdate
    extra = 0
    readonly_fields = ("at", "by", "lifecycle", "signal", "comment")
    can_delete = False


class AttachmentInline(admin.TabularInline[Attachment, Activity]):
    model = Attachment
    extra = 0
    readonly_fields = ("uploaded_by", "uploaded_at")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("title", "kind", "lifecycle", "start_date", "end_date", "is_shared")
    list_filter = ("kind", "lifecycle", "is_shared", "learning_and_sharing")
    search_fields = ("title", "purpose", "goal")
    date_hierarchy = "start_date"
    filter_horizontal = ("challenges", "clusters", "goals")
    readonly_fields = ("version", "created_at", "updated_at", "created_by", "last_status_update_at")
    inlines = (
        ParticipationInline,
        PersonInline,
        MilestoneInline,
        StatusUpdateInline,
        AttachmentInline,
    )


class AttendanceInline(admin.TabularInline[MeetingAttendance, Meeting]):
    model = MeetingAttendance
    extra = 0
    autocomplete_fields = ("organisation", "contact")


class DocumentInline(admin.TabularInline[MeetingDocument, Meeting]):
    model = MeetingDocument
    extra = 0
    readonly_fields = ("uploaded_by", "uploaded_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ("title", "kind", "starts_at", "status", "organiser")
    list_filter = ("kind", "status")
    search_fields = ("title", "place", "notes")
    date_hierarchy = "starts_at"
    list_select_related = ("organiser",)
    filter_horizontal = ("challenges", "activities", "invited_organisations")
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = (AttendanceInline, DocumentInline)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin[CalendarFeed]):
    list_display = ("user", "rotated_at")
    readonly_fields = ("user", "rotated_at")
    exclude = ("secret",)  # the secret never leaves the server
