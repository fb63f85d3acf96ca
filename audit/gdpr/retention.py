"""Retention: contact people due for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from audit.models import RetentionSettings

# The address an erased person's row keeps (audit.gdpr.erasure): no longer a person to review.
ERASED_EMAIL_DOMAIN = "@raderad.invalid"


@dataclass(frozen=True)
class DueForReview:
    contact: Any  # partners.ContactPerson
    organisations: list[Any]  # partners.Organisation, by name
    left_on: date  # the day the last of them left


def contacts_due_for_review(*, today: date | None = None) -> list[DueForReview]:
    """Contacts whose organisations have all left the partnership, longer ago than the office's
    retention period (RetentionSettings.review_after_days), the longest gone first.

    An organisation has left when its status is "left" and its history records the step; the
    person's day is the latest such step among their organisations. One query for the people
    and one for their organisations, however many contacts the register holds."""
    contact_model = apps.get_model("partners", "ContactPerson")
    membership = apps.get_model("partners", "Membership")
    status_change = apps.get_model("partners", "OrganisationStatusChange")
    left = apps.get_model("partners", "Organisation").Status.LEFT
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=RetentionSettings.current().review_after_days)

    left_step = status_change.objects.filter(organisation=OuterRef("organisation"), status=left)
    still_in = membership.objects.filter(contact=OuterRef("pk")).filter(
        ~Q(organisation__status=left) | ~Exists(left_step)
    )
    last_left = (
        status_change.objects.filter(organisation__memberships__contact=OuterRef("pk"), status=left)
        .order_by("-changed_on")
        .values("changed_on")[:1]
    )
    contacts = (
        contact_model.objects.exclude(email__endswith=ERASED_EMAIL_DOMAIN)
        .exclude(Exists(still_in))
        .annotate(left_on=Subquery(last_left))
        .filter(left_on__lte=cutoff)  # no organisation that left: NULL, never due
        .order_by("left_on", "last_name", "first_name", "pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=membership.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
    )
    return [
        DueForReview(
            contact=contact,
            organisations=[m.organisation for m in contact.memberships.all()],
            left_on=contact.left_on,
        )
        for contact in contacts
    ]
