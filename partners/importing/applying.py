"""Applying a planned import through the partner services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from partners import services
from partners.importing.plan import ImportPlan
from partners.importing.planning import plan_import
from partners.models import CommitmentSet, Membership, Organisation

if TYPE_CHECKING:
    from accounts.models import User


# --- applying ---------------------------------------------------------------------------------


@transaction.atomic
def apply_import(content: bytes, filename: str, *, by: User | None) -> ImportPlan:
    """Apply the file if, and only if, every row is good. Returns the plan (with errors, if any)."""
    plan = plan_import(content, filename)
    if not plan.ok:
        return plan
    for org_plan in plan.organisations:
        if org_plan.action == "unchanged":
            continue
        org = org_plan.existing
        if org is None:
            org = services.create_organisation(
                by=by,
                organisation_number=org_plan.number,
                status=org_plan.status or Organisation.Status.PROSPECT,
                **org_plan.values,
            )
        else:
            data = {k: new for k, (_old, new) in org_plan.changes.items() if k != "status"}
            if data:
                org = services.update_organisation(
                    organisation=org, data=data, expected_version=org.version, by=by
                )
            if "status" in org_plan.changes:
                from django.utils import timezone

                services.change_organisation_status(
                    organisation=org,
                    status=org_plan.status,
                    changed_on=timezone.localdate(),
                    note=_("Import"),
                    by=by,
                )
        for contact in org_plan.contacts:
            if contact["action"] == "unchanged":
                continue
            membership = Membership.objects.filter(
                organisation=org, contact__email__iexact=contact["email"]
            ).first()
            if membership is None:
                services.add_contact(organisation=org, data=contact, by=by)
            else:
                for key in services.ROLE_FIELDS:
                    setattr(membership, key, contact[key])
                membership.is_active = True
                membership.save()
        if org_plan.commitments_change and org_plan.period and org_plan.challenges is not None:
            commitment_set = services.get_or_create_commitment_set(
                organisation=org, period=org_plan.period
            )
            current = {c.challenge_id: c for c in commitment_set.commitments.all()}
            entries = {
                c: services.CommitmentEntry(
                    plan=current[c.pk].plan if c.pk in current else "",
                    looking_for_partners=(
                        current[c.pk].looking_for_partners if c.pk in current else False
                    ),
                )
                for c in org_plan.challenges
            }
            services.save_commitments(
                commitment_set=commitment_set,
                entries=entries,
                expected_version=commitment_set.version,
                confirm=org_plan.commitment_status == CommitmentSet.Status.CONFIRMED,
                by=by,
            )
    return plan
