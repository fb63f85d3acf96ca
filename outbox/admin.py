from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin[OutgoingEmail]):
    """Read-only: the outbox is a record of what was sent. Editable recipients would let whoever
    holds the admin redirect a queued one-time link (made at send time) to their own address."""

    list_display = ("subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "to", "dedupe_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
