"""Retention: contact people due for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

from audit.models import RetentionSettings

# --- retention ------------------------------------------------------------------------------------


def contacts_due_for_review(*, today: Any = None) -> list[dict[str, Any]]:
    """Contacts whose organisations have all left the partnership, longer ago than the office's
    retention period (RetentionSettings.review_after_days)."""
    organisation_model = apps.get_model("partners", "Organisation")
    status_change = apps.get_model("partners", "OrganisationStatusChange")
    membership = apps.get_model("partners", "Membership")
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=RetentionSettings.current().review_after_days)
    left = organisation_model.Status.LEFT
    left_on: dict[int, Any] = {}
    for row in status_change.objects.filter(status=left).values("organisation_id", "changed_on"):
        previous = left_on.get(row["organisation_id"])
        if previous is None or row["changed_on"] > previous:
            left_on[row["organisation_id"]] = row["changed_on"]
    rows: dict[int, dict[str, Any]] = {}
    memberships = membership.objects.select_related("contact", "organisation").exclude(
        contact__email__endswith="@raderad.invalid"
    )
    for m in memberships:
        entry = rows.setdefault(
            m.contact_id,
            {"contact": m.contact, "organisations": [], "all_left": True, "left_on": None},
        )
        entry["organisations"].append(m.organisation)
        if m.organisation.status != left or m.organisation_id not in left_on:
            entry["all_left"] = False
        else:
            day = left_on[m.organisation_id]
            entry["left_on"] = day if entry["left_on"] is None else max(entry["left_on"], day)
    return sorted(
        (e for e in rows.values() if e["all_left"] and e["left_on"] and e["left_on"] <= cutoff),
        key=lambda e: e["left_on"],
    )
