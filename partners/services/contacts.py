"""Writes on contact people: add, update, remove, invite, and their logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from outbox import mail
from outbox.services import one_time_link_path
from partners.models import ContactPerson, Membership, Organisation
from partners.services.errors import MSG_ALREADY_CONTACT
from partners.services.organisations import CONTACT_FIELDS, ROLE_FIELDS

if TYPE_CHECKING:
    from accounts.models import User


# --- contacts ---------------------------------------------------------------------------------
#
# Identity belongs to the person (issue 15). A contact person may belong to several organisations
# and may have a login, and a login's e-mail is where password links go. So: the organisation's
# contacts change name and e-mail only of a person who has no login and belongs to no other
# organisation; everything else is the office's (a superuser's record: a superuser's), and such a
# change moves the login's e-mail with it, is audited and told to the old address. Roles are
# granted by the office or the organisation's main contact. An invitation makes a login only for
# a person without one, never takes over an existing login found by e-mail, and goes to the
# address the login already has. ``by=None`` is a trusted caller (management command, migration).

IDENTITY_FIELDS = ("first_name", "last_name", "email")
DETAIL_FIELDS = ("title", "phone")

MSG_IDENTITY_LOCKED = gettext_noop(
    "Bara kansliet kan ändra namn och e-post för en person som har en inloggning eller "
    "hör till en annan organisation, och bara kansliet eller organisationens huvudkontakt "
    "för en huvudkontakt eller inlämnare."
)
MSG_DETAILS_LOCKED = gettext_noop(
    "Personen hör även till en annan organisation: bara kansliet kan ändra hens uppgifter."
)
MSG_ROLES_LOCKED = gettext_noop(
    "Bara kansliet eller organisationens huvudkontakt kan ge eller ta bort roller."
)
MSG_PERSON_KNOWN = gettext_noop(
    "Det finns redan en person med e-postadressen %(email)s i registret. "
    "Be kansliet lägga till hen i %(organisation)s."
)
MSG_LOGIN_EXISTS = gettext_noop(
    "Det finns redan en inloggning med e-postadressen %(email)s. Ingen inbjudan skickades: "
    "kansliet behöver koppla inloggningen till kontaktpersonen."
)
MSG_ALREADY_SIGNED_UP = gettext_noop(
    "%(name)s har redan en inloggning med lösenord. Den som har glömt sitt lösenord "
    "använder länken på inloggningssidan."
)
MSG_LOGIN_INACTIVE = gettext_noop("%(name)s har en avstängd inloggning. Kontakta kansliet.")
MSG_LOGIN_NO_EMAIL = gettext_noop(
    "Inloggningen för %(name)s saknar e-postadress. Kontakta kansliet."
)


MSG_ADDRESS_OF_LOGIN = gettext_noop(
    "E-postadressen %(email)s hör till en befintlig inloggning. Be kansliet lägga till personen."
)
MSG_INVITE_LOCKED = gettext_noop(
    "%(name)s är huvudkontakt eller inlämnare: bara kansliet eller organisationens huvudkontakt "
    "kan bjuda in hen."
)


def _refuse_address_of_another_login(
    email: str, *, by: User | None, contact: ContactPerson | None = None
) -> None:
    """A contact record may carry the address of a login other than its own only if ``by`` may
    manage that login (the office; a superuser's: a superuser). Otherwise a partner could make
    a record that looks like someone with a login: mails for that person would go through it,
    and erasing the made-up record under GDPR would also blank the real person's outbox and
    login log, which are found by address."""
    from django.db.models import Q

    logins = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if contact is not None and contact.user_id is not None:
        logins = logins.exclude(pk=contact.user_id)
    if any(not _allowed(by, "accounts.manage_login", login) for login in logins):
        raise ValidationError(
            {"email": _(MSG_ADDRESS_OF_LOGIN) % {"email": email}}, code="address_of_login"
        )


def _allowed(by: User | None, action: str, obj: Any) -> bool:
    from accounts import policy

    return by is None or policy.can(by, action, obj)


def _role_holder(membership: Membership) -> bool:
    return membership.is_main_contact or membership.is_survey_submitter


@transaction.atomic
def add_contact(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    by: User | None,
) -> Membership:
    """Link a person to an organisation. A person already known by email is reused, so one
    person may belong to several organisations; their existing details are only filled in where
    blank, never overwritten from another organisation's form. Only the office attaches a person
    who has a login or belongs to another organisation: an organisation's contacts could
    otherwise pull anyone into their organisation and see their details."""
    email = str(data["email"]).strip().lower()
    roles = {k: bool(data.get(k, False)) for k in ROLE_FIELDS}
    if any(roles.values()) and not _allowed(by, "partners.grant_roles", organisation):
        raise ValidationError(
            {k: _(MSG_ROLES_LOCKED) for k, v in roles.items() if v}, code="roles_locked"
        )
    contact = ContactPerson.objects.filter(email__iexact=email).first()
    if contact is None:
        _refuse_address_of_another_login(email, by=by)
        contact = ContactPerson(**{k: data.get(k, "") for k in CONTACT_FIELDS})
        contact.email = email
        contact.full_clean()
        contact.save()
    else:
        if not _allowed(
            by,
            "partners.change_person_identity",
            Membership(contact=contact, organisation=organisation),
        ):
            raise ValidationError(
                {"email": _(MSG_PERSON_KNOWN) % {"email": email, "organisation": organisation}},
                code="person_known",
            )
        filled = [k for k in CONTACT_FIELDS if not getattr(contact, k) and data.get(k)]
        for key in filled:
            setattr(contact, key, data[key])
        if filled:
            contact.full_clean(exclude=["user"])
            contact.save(update_fields=[*filled, "updated_at"])
    membership = Membership.objects.filter(contact=contact, organisation=organisation).first()
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


def contact_changes(contact: ContactPerson, data: Mapping[str, Any]) -> dict[str, Any]:
    """The person's fields that ``data`` would change (e-mail compared case-insensitively)."""
    changes: dict[str, Any] = {}
    for key in CONTACT_FIELDS:
        if key not in data:
            continue
        value = data[key] if data[key] is not None else ""
        if key == "email":
            value = str(value).strip().lower()
            if value == contact.email.lower():
                continue
        elif value == getattr(contact, key):
            continue
        changes[key] = value
    return changes


@transaction.atomic
def update_contact(
    *, membership: Membership, data: Mapping[str, Any], by: User | None
) -> Membership:
    """Change a contact person and their roles at ``membership``'s organisation, each part only
    if ``by`` may (policy: partners.change_person_identity / change_person_details /
    grant_roles); a refused part raises a ValidationError on its field and nothing is saved."""
    contact = ContactPerson.objects.select_for_update().get(pk=membership.contact_id)
    membership.contact = contact
    changes = contact_changes(contact, data)
    role_changes = {
        k: bool(data[k])
        for k in ROLE_FIELDS
        if k in data and bool(data[k]) != getattr(membership, k)
    }
    errors: dict[str, str] = {}
    if any(k in changes for k in IDENTITY_FIELDS) and not _allowed(
        by, "partners.change_person_identity", membership
    ):
        errors.update({k: _(MSG_IDENTITY_LOCKED) for k in IDENTITY_FIELDS if k in changes})
    if any(k in changes for k in DETAIL_FIELDS) and not _allowed(
        by, "partners.change_person_details", membership
    ):
        errors.update({k: _(MSG_DETAILS_LOCKED) for k in DETAIL_FIELDS if k in changes})
    if role_changes and not _allowed(by, "partners.grant_roles", membership):
        errors.update({k: _(MSG_ROLES_LOCKED) for k in role_changes})
    if errors:
        raise ValidationError(errors, code="not_allowed")
    email = changes.get("email")
    if email and ContactPerson.objects.filter(email__iexact=email).exclude(pk=contact.pk).exists():
        raise ValidationError(
            {
                "email": _("En annan kontaktperson har redan e-postadressen %(email)s.")
                % {"email": email}
            }
        )
    if email:
        _refuse_address_of_another_login(email, by=by, contact=contact)
    old = {k: getattr(contact, k) for k in changes}
    for key, value in changes.items():
        setattr(contact, key, value)
    contact.full_clean(exclude=["user"])
    contact.save()
    if contact.user_id is not None:
        sync_login(contact, old, by=by)
    elif email and old.get("email") and _person_shared(contact):
        # No login, but the record is shared: the old address hears of the change.
        from accounts.services import notify_email_changed

        notify_email_changed(user=_as_addressee(contact), old_email=old["email"], new_email=email)
    for key, value in role_changes.items():
        setattr(membership, key, value)
    if role_changes:
        membership.save()
    return membership


def _person_shared(contact: ContactPerson) -> bool:
    return contact.memberships.values("organisation_id").distinct().count() > 1


def _as_addressee(contact: ContactPerson) -> Any:
    """What notify_email_changed needs of a person without a login."""
    from accounts.models import User as UserModel

    return UserModel(username=contact.email, first_name=contact.first_name)


def sync_login(contact: ContactPerson, old: Mapping[str, Any], *, by: User | None) -> None:
    """The person's login follows an office's change of their name and e-mail: password links
    then go to the new address, the change is audited and the old address is told."""
    from accounts.services import change_login_email, record_login_change

    user = contact.user
    if user is None:
        return
    names = {k: getattr(contact, k) for k in ("first_name", "last_name") if k in old}
    renamed = {k: [getattr(user, k), v] for k, v in names.items() if getattr(user, k) != v}
    if renamed:
        for key, (_old, new) in renamed.items():
            setattr(user, key, new)
        user.save(update_fields=list(renamed))
        record_login_change(user=user, changes=renamed)
    if "email" in old:
        change_login_email(user=user, email=contact.email, by=by)


@transaction.atomic
def remove_contact(*, membership: Membership, by: User | None) -> Membership:
    """Deactivate (not delete) a membership: history such as survey submissions keeps its
    author, and the person loses access to the organisation at once. A main contact or survey
    submitter is removed only by whoever may grant that role."""
    if _role_holder(membership) and not _allowed(by, "partners.grant_roles", membership):
        raise ValidationError(_(MSG_ROLES_LOCKED), code="roles_locked")
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def invite_contact(*, contact: ContactPerson, by: User | None, base_url: str = "") -> ContactPerson:
    """Give the contact a login (if they have none) and email a one-time link to set a password.

    A login is created only for a contact without one, and only if no login already has the
    contact's e-mail (that one is never attached here: whoever edited the contact's e-mail would
    get its password link; the office links them in the admin). A contact whose login has no
    password yet gets the link again, at the login's own e-mail. The link is Django's
    password-reset link: the token is bound to the password hash and last login, so it stops
    working once used, and expires after PASSWORD_RESET_TIMEOUT."""
    from accounts.services import email_in_use

    user_model = get_user_model()
    contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    user = contact.user
    name = contact.full_name
    if not _allowed(by, "partners.invite_person", contact):
        raise ValidationError(_(MSG_INVITE_LOCKED) % {"name": name}, code="roles_locked")
    if user is None:
        email = contact.email.strip().lower()
        if email_in_use(email):
            raise ValidationError(_(MSG_LOGIN_EXISTS) % {"email": email}, code="login_exists")
        user = user_model(
            username=email,
            email=email,
            first_name=contact.first_name,
            last_name=contact.last_name,
        )
        user.set_unusable_password()
        user.save()
        contact.user = user
    elif user.has_usable_password():
        raise ValidationError(_(MSG_ALREADY_SIGNED_UP) % {"name": name}, code="has_password")
    elif not user.is_active:
        raise ValidationError(_(MSG_LOGIN_INACTIVE) % {"name": name}, code="inactive")
    elif not user.email:
        raise ValidationError(_(MSG_LOGIN_NO_EMAIL) % {"name": name}, code="no_email")
    contact.invited_at = timezone.now()
    contact.save(update_fields=["user", "invited_at", "updated_at"])
    # The link itself is made by the outbox when it sends, for this login only (link_user), so
    # it is never stored. SITE_URL unless the caller names a base (never a request's Host).
    link = base_url.rstrip("/") + one_time_link_path() if base_url else mail.one_time_link_url()
    organisations = ", ".join(
        o.name for o in contact.organisations.filter(memberships__is_active=True).order_by("name")
    )
    mail.send_mail(
        # The login's own address, never the contact record's: that record is what others edit.
        to=mail.recipient_for_user(user, user.email),
        template="partners/mail/invitation",
        context={
            "name": contact.first_name,
            "organisations": organisations,
            "username": user.get_username(),
            "action_url": link,
            "action_label": gettext_lazy("Välj ditt lösenord"),
        },
        link_user=user,
    )
    return contact
