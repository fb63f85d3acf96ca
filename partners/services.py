"""Writes of the partners app: the registry of who is in the partnership (organisations, their
contact persons and status history), what each signed (declarations of intent) and which
challenges each took on (commitment sets). Every write that touches more than one row lives
here, runs in a transaction, and is safe to repeat: calling it again with the same input
changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from outbox.services import queue_email
from partners.models import (
    Commitment,
    CommitmentChange,
    CommitmentSet,
    ContactPerson,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from partners.validators import normalise_organisation_number, validate_pdf

if TYPE_CHECKING:
    from accounts.models import User
    from roadmap.models import Challenge, Goal, PartnershipPeriod

# Message constants shared with the tests (HackSoft style).
MSG_TOO_FEW_CHALLENGES = (
    "En bekräftad åtagandeuppsättning behöver minst %(min)s klimatutmaningar; "
    "nu är %(count)s valda. Spara som utkast eller välj fler."
)
MSG_CONCURRENT_EDIT = (
    "Någon annan har ändrat uppgifterna sedan du öppnade sidan. "
    "Ladda om sidan och gör dina ändringar igen."
)
MSG_DUPLICATE_NUMBER = "Det finns redan en organisation med organisationsnumret %(number)s."
MSG_ALREADY_CONTACT = "%(email)s är redan kontaktperson för %(organisation)s."
MSG_PERIOD_CLOSED = "Perioden %(period)s är stängd för ändringar."

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


class ConcurrentEditError(ValidationError):
    """Raised when the row changed since the form was opened (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(_(MSG_CONCURRENT_EDIT), code="concurrent_edit")


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
    by: User | None,
) -> GroupRelation:
    if from_organisation.pk == to_organisation.pk:
        raise ValidationError(
            {"to_organisation": _("En organisation kan inte relateras till sig själv.")}
        )
    relation, _created = GroupRelation.objects.get_or_create(
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        kind=kind,
        defaults={"note": note},
    )
    return relation


def remove_group_relation(*, relation: GroupRelation, by: User | None) -> None:
    relation.delete()


# --- contacts ---------------------------------------------------------------------------------


@transaction.atomic
def add_contact(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    by: User | None,
) -> Membership:
    """Link a person to an organisation. A person already known by email (a contact of another
    organisation) is reused, so one person may belong to several organisations; their existing
    details are only filled in where blank, never overwritten from another organisation's form."""
    email = str(data["email"]).strip().lower()
    contact = ContactPerson.objects.filter(email__iexact=email).first()
    if contact is None:
        contact = ContactPerson(**{k: data.get(k, "") for k in CONTACT_FIELDS})
        contact.email = email
        contact.full_clean()
        contact.save()
    else:
        filled = [k for k in CONTACT_FIELDS if not getattr(contact, k) and data.get(k)]
        for key in filled:
            setattr(contact, key, data[key])
        if filled:
            contact.save(update_fields=[*filled, "updated_at"])
    membership = Membership.objects.filter(contact=contact, organisation=organisation).first()
    roles = {k: bool(data.get(k, False)) for k in ROLE_FIELDS}
    if membership is not None and membership.is_active:
        raise ValidationError(
            {"email": _(MSG_ALREADY_CONTACT) % {"email": email, "organisation": organisation}},
            code="duplicate",
        )
    if membership is None:
        membership = Membership.objects.create(contact=contact, organisation=organisation, **roles)
    else:  # a former contact comes back
        for key, value in roles.items():
            setattr(membership, key, value)
        membership.is_active = True
        membership.save()
    return membership


@transaction.atomic
def update_contact(
    *, membership: Membership, data: Mapping[str, Any], by: User | None
) -> Membership:
    contact = membership.contact
    email = str(data.get("email", contact.email)).strip().lower()
    if (
        email != contact.email.lower()
        and ContactPerson.objects.filter(email__iexact=email).exclude(pk=contact.pk).exists()
    ):
        raise ValidationError(
            {
                "email": _("En annan kontaktperson har redan e-postadressen %(email)s.")
                % {"email": email}
            }
        )
    for key in CONTACT_FIELDS:
        if key in data:
            setattr(contact, key, data[key])
    contact.email = email
    contact.full_clean(exclude=["user"])
    contact.save()
    for key in ROLE_FIELDS:
        if key in data:
            setattr(membership, key, bool(data[key]))
    membership.save()
    return membership


def remove_contact(*, membership: Membership, by: User | None) -> Membership:
    """Deactivate (not delete) a membership: history such as survey submissions keeps its
    author, and the person loses access to the organisation at once."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def invite_contact(*, contact: ContactPerson, base_url: str, by: User | None) -> ContactPerson:
    """Give the contact a login (if they have none) and email a one-time link to set a password.

    The link is Django's password-reset link: the token is bound to the password hash and last
    login, so it stops working once used, and expires after PASSWORD_RESET_TIMEOUT."""
    user_model = get_user_model()
    user = contact.user
    if user is None:
        user = user_model.objects.filter(email__iexact=contact.email).first()
        if user is None:
            username = contact.email.lower()
            user = user_model(
                username=username,
                email=contact.email.lower(),
                first_name=contact.first_name,
                last_name=contact.last_name,
            )
            user.set_unusable_password()
            user.save()
        contact.user = user
    contact.invited_at = timezone.now()
    contact.save(update_fields=["user", "invited_at", "updated_at"])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url.rstrip("/") + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )
    organisations = ", ".join(
        o.name for o in contact.organisations.filter(memberships__is_active=True).order_by("name")
    )
    body = _(
        "Hej %(name)s!\n\n"
        "Du har bjudits in som kontaktperson för %(organisations)s i Umeå klimatfärdplan.\n"
        "Välj ditt lösenord via länken nedan. Länken kan bara användas en gång.\n\n"
        "%(link)s\n\n"
        "Ditt användarnamn är %(username)s.\n\n"
        "Hälsningar\nKansliet för Umeå klimatfärdplan"
    ) % {
        "name": contact.first_name,
        "organisations": organisations,
        "link": link,
        "username": user.get_username(),
    }
    queue_email(
        to=[contact.email],
        subject=_("Inbjudan till Umeå klimatfärdplan"),
        body=body,
    )
    return contact


# --- declarations -----------------------------------------------------------------------------


@transaction.atomic
def record_declaration(
    *,
    organisation: Organisation,
    period: PartnershipPeriod,
    signed_on: datetime.date,
    signatory_name: str,
    signatory_title: str = "",
    document: UploadedFile | None = None,
    goals: Iterable[Goal] = (),
    goals_text: str = "",
    by: User | None,
) -> Declaration:
    """Create or update the organisation's declaration for ``period``. The PDF is checked by
    content and stored on the private storage; ``document=None`` keeps the current file."""
    if document is not None:
        validate_pdf(document)
    declaration = Declaration.objects.filter(organisation=organisation, period=period).first()
    if declaration is None:
        declaration = Declaration(organisation=organisation, period=period)
    declaration.signed_on = signed_on
    declaration.signatory_name = signatory_name
    declaration.signatory_title = signatory_title
    declaration.goals_text = goals_text
    declaration.uploaded_by = by
    if document is not None:
        if declaration.document:
            declaration.document.delete(save=False)
        declaration.document.save("declaration.pdf", document, save=False)
    declaration.save()
    declaration.goals.set(list(goals))
    return declaration


# --- commitments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentEntry:
    plan: str = ""
    looking_for_partners: bool = False


def get_or_create_commitment_set(
    *, organisation: Organisation, period: PartnershipPeriod
) -> CommitmentSet:
    commitment_set, _created = CommitmentSet.objects.get_or_create(
        organisation=organisation, period=period
    )
    return commitment_set


@transaction.atomic
def save_commitments(
    *,
    commitment_set: CommitmentSet,
    entries: Mapping[Challenge, CommitmentEntry],
    expected_version: int,
    confirm: bool,
    by: User | None,
) -> CommitmentSet:
    """Replace the set's commitments with ``entries`` and save it as a draft, or confirm it.

    Confirming needs at least ``CommitmentSet.MIN_CHALLENGES`` challenges; otherwise a
    ValidationError is raised and nothing is saved. Each added, changed or removed challenge is
    written to the set's history. Saving the same entries twice changes nothing."""
    locked = (
        CommitmentSet.objects.select_for_update().select_related("period").get(pk=commitment_set.pk)
    )
    if locked.version != expected_version:
        raise ConcurrentEditError()
    if confirm and len(entries) < CommitmentSet.MIN_CHALLENGES:
        raise ValidationError(
            _(MSG_TOO_FEW_CHALLENGES)
            % {"min": CommitmentSet.MIN_CHALLENGES, "count": len(entries)},
            code="too_few_challenges",
        )
    existing = {c.challenge_id: c for c in locked.commitments.all()}
    wanted = {challenge.pk: (challenge, entry) for challenge, entry in entries.items()}
    history: list[CommitmentChange] = []
    for challenge_id, commitment in existing.items():
        if challenge_id not in wanted:
            history.append(
                CommitmentChange(
                    commitment_set=locked,
                    action=CommitmentChange.Action.REMOVED,
                    challenge_id=challenge_id,
                    plan=commitment.plan,
                    changed_by=by,
                )
            )
            commitment.delete()
    for challenge_id, (challenge, entry) in wanted.items():
        current = existing.get(challenge_id)
        plan = entry.plan.strip()
        if current is None:
            Commitment.objects.create(
                commitment_set=locked,
                challenge=challenge,
                plan=plan,
                looking_for_partners=entry.looking_for_partners,
            )
            action = CommitmentChange.Action.ADDED
        elif current.plan != plan or current.looking_for_partners != entry.looking_for_partners:
            current.plan = plan
            current.looking_for_partners = entry.looking_for_partners
            current.save(update_fields=["plan", "looking_for_partners", "updated_at"])
            action = CommitmentChange.Action.CHANGED
        else:
            continue
        history.append(
            CommitmentChange(
                commitment_set=locked, action=action, challenge=challenge, plan=plan, changed_by=by
            )
        )
    new_status = CommitmentSet.Status.CONFIRMED if confirm else CommitmentSet.Status.DRAFT
    if new_status != locked.status:
        history.append(
            CommitmentChange(
                commitment_set=locked,
                action=(
                    CommitmentChange.Action.CONFIRMED
                    if confirm
                    else CommitmentChange.Action.REOPENED
                ),
                changed_by=by,
            )
        )
        locked.status = new_status
        locked.confirmed_at = timezone.now() if confirm else None
        locked.confirmed_by = by if confirm else None
    if history:
        CommitmentChange.objects.bulk_create(history)
        locked.version += 1
        locked.save()
    commitment_set.refresh_from_db()
    return commitment_set
