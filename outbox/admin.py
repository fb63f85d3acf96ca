from django.contrib import admin

from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin[OutgoingEmail]):
    list_display = ("subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "to", "dedupe_key")
    readonly_fields = ("created_at", "sent_at", "attempts", "last_error")
