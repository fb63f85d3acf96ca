"""Writes on organisations: create, update, status, and group relations."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import GroupRelation, Organisation, OrganisationStatusChange
from partners.services.errors import MSG_DUPLICATE_NUMBER, ConcurrentEditError
from partners.validators import normalise_organisation_number

if TYPE_CHECKING:
    from accounts.models import User


ORGANISATION_FIELDS = (
    "name",
    "organisation_number",
    "kind",
    "sector",
    "employees",
    "website",
    "street_address",
    "postal_code",
    "city",
    "logo",
)
CONTACT_FIELDS = ("first_name", "last_name", "title", "email", "phone")
ROLE_FIELDS = (
    "is_main_contact",
    "is_survey_contributor",
    "is_survey_submitter",
    "is_communications",
)


# --- organisations ----------------------------------------------------------------------------


def _check_unique_number(number: str, *, exclude_pk: int | None = None) -> None:
    clash = Organisation.objects.filter(organisation_number=number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"organisation_number": _(MSG_DUPLICATE_NUMBER) % {"number": number}},
            code="duplicate",
        )


@transaction.atomic
def create_organisation(
    *, by: User | None, status_on: datetime.date | None = None, **fields: Any
) -> Organisation:
    """Create an organisation and the first entry of its status history."""
    fields["organisation_number"] = normalise_organisation_number(fields["organisation_number"])
    _check_unique_number(fields["organisation_number"])
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    OrganisationStatusChange.objects.create(
        organisation=organisation,
        status=organisation.status,
        changed_on=status_on or timezone.localdate(),
        changed_by=by,
        note=_("Registrerad"),
    )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    expected_version: int,
    by: User | None,
) -> Organisation:
    """Save changed details if nobody else saved since ``expected_version`` (status is changed
    through :func:`change_organisation_status` so that its history stays complete)."""
    changes = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS}
    if "organisation_number" in changes:
        changes["organisation_number"] = normalise_organisation_number(
            changes["organisation_number"]
        )
        _check_unique_number(changes["organisation_number"], exclude_pk=organisation.pk)
    for key, value in changes.items():
        setattr(organisation, key, value)
    organisation.full_clean(exclude=["organisation_number"])
    if "logo" in changes:
        # A new logo file must be written by the field's storage before the UPDATE below.
        logo = organisation.logo
        if logo and not logo._committed:
            logo.save(logo.name, logo.file, save=False)
    values = {k: getattr(organisation, k) for k in changes}
    updated = Organisation.objects.filter(pk=organisation.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConcurrentEditError()
    organisation.refresh_from_db()
    return organisation


@transaction.atomic
def change_organisation_status(
    *,
    organisation: Organisation,
    status: str,
    changed_on: datetime.date,
    by: User | None,
    note: str = "",
) -> OrganisationStatusChange | None:
    """Move an organisation to a new status and record the dated change. A no-op when the
    status is already ``status`` (so repeating a form post adds no duplicate history)."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status == status:
        return None
    change = OrganisationStatusChange.objects.create(
        organisation=locked,
        status=status,
        previous_status=locked.status,
        changed_on=changed_on,
        note=note,
        changed_by=by,
    )
    Organisation.objects.filter(pk=locked.pk).update(
        status=status, version=F("version") + 1, updated_at=timezone.now()
    )
    organisation.refresh_from_db()
    return change


@transaction.atomic
def add_group_relation(
    *,
    from_organisation: Organisation,
    to_organisation: Organisation,
    kind: str,
    note: str = "",
    from_year: int | None = None,
    to_year: int | None = None,
    by: User | None,
) -> GroupRelation:
    """Record the relation, or update the years and note of the one already recorded."""
    if from_organisation.pk == to_organisation.pk:
        raise ValidationError(
            {"to_organisation": _("En organisation kan inte relateras till sig själv.")}
        )
    if from_year is not None and to_year is not None and to_year < from_year:
        raise ValidationError({"to_year": _("Slutåret kan inte ligga före startåret.")})
    relation, _created = GroupRelation.objects.update_or_create(
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        kind=kind,
        defaults={"note": note, "from_year": from_year, "to_year": to_year},
    )
    _figures_changed()  # an overlap changes the partnership's figures (surveys, issue 16)
    return relation


def remove_group_relation(*, relation: GroupRelation, by: User | None) -> None:
    relation.delete()
    _figures_changed()


def _figures_changed() -> None:
    from surveys.services import schedule_recompute  # here: surveys imports partners

    schedule_recompute()
