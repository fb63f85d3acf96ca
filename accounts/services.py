"""Writes to logins (issue 15: identity belongs to the person).

A login's e-mail is where password links go: whoever changes it can take the account over. So
it changes only through :func:`change_login_email`, which the office's contact editing and the
user admin both use: it checks the policy (only a superuser changes a superuser), refuses an
address another login already has, records the change in the audit trail and tells the old
address, so that a change the person did not ask for does not go unnoticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import policy
from outbox import mail

if TYPE_CHECKING:
    from accounts.models import User

MSG_EMAIL_TAKEN = gettext_noop("Det finns redan en annan inloggning med e-postadressen %(email)s.")


def email_in_use(email: str, *, exclude: User | None = None) -> bool:
    """Does another login have this address (as e-mail or as user name)?"""
    from django.db.models import Q

    others = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def notify_email_changed(*, user: User, old_email: str, new_email: str) -> None:
    """Tell the old address that the login's e-mail changed: the one warning a person gets if
    someone else moved their login's e-mail (and with it every password link) elsewhere."""
    if not old_email:
        return
    mail.send_mail(
        to=mail.recipient_for_user(user, old_email),
        template="accounts/mail/email_changed",
        context={
            "name": user.first_name or user.get_username(),
            "username": user.get_username(),
            "new": new_email,
        },
    )


def set_preferred_language(*, user: User, language: str) -> None:
    """The language of the person's mails. Safe to call twice: an unchanged choice writes nothing."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def record_login_change(*, user: User, changes: dict[str, list[object]]) -> None:
    """An audit trail entry for a change of a login's identity fields (the User model is not
    audited as a whole: its password and last-login columns change on every sign-in)."""
    from audit.models import AuditEntry
    from audit.services import record

    record(instance=user, action=AuditEntry.Action.UPDATE, changes=changes)


@transaction.atomic
def change_login_email(*, user: User, email: str, by: User | None) -> User:
    """Move a login to a new e-mail address: office only (a superuser only by a superuser);
    ``by=None`` is a management command or migration. Audited, and the old address is told."""
    if by is not None and not policy.can(by, "accounts.manage_login", user):
        raise PermissionDenied("accounts.manage_login")
    email = email.strip().lower()
    old = user.email
    if email == (old or "").lower():
        return user
    if email_in_use(email, exclude=user):
        raise ValidationError({"email": _(MSG_EMAIL_TAKEN) % {"email": email}}, code="taken")
    user.email = email
    user.save(update_fields=["email"])
    record_login_change(user=user, changes={"email": [old, email]})
    notify_email_changed(user=user, old_email=old, new_email=email)
    return user


def request_password_reset(*, email: str) -> None:
    """A reset request, as the web request sees it: queue the work and return (issue 15, red-team
    finding 7). The request itself looks nobody up, so it takes as long for an address that has
    a login as for one that has none, and its timing cannot tell which addresses do.

    No row is saved first (unlike other jobs: it would keep every address anyone typed). When
    the broker is down the work is done here instead, so that no request is lost: its mail then
    waits in the outbox for the sweep like any other, and only during the outage does the
    request take longer for an address with a login."""
    from django.db import transaction

    from accounts import tasks
    from klimatfardplan.queue import publish

    def _publish() -> None:
        if not publish(tasks.send_password_reset, email):
            send_password_reset(email=email)

    transaction.on_commit(_publish, robust=True)


def send_password_reset(*, email: str) -> int:
    """Mail a one-time password link to each login Django's reset finds for ``email`` (active,
    with a usable password, the address compared NFKC case-folded); returns how many.

    Each login gets at most ``PASSWORD_RESET_PER_LOGIN`` links an hour, however the address was
    spelled: the request's own limit counts the address as typed, this one the login found. The
    link goes to the address the login has (never the one typed) and is made by the outbox at
    sending time, for this login only (``link_user``)."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.utils.translation import gettext_lazy

    from accounts import throttle

    sent = 0
    email_field = get_user_model().get_email_field_name()
    for user in PasswordResetForm().get_users(email):
        if not throttle.hit(throttle.per_login_limit(), str(user.pk)):
            continue
        address = getattr(user, email_field)
        mail.send_mail(
            to=mail.recipient_for_user(user, address),
            template="accounts/mail/password_reset",
            context={
                "email": address,
                "action_url": mail.one_time_link_url(),
                "action_label": gettext_lazy("Välj ett nytt lösenord"),
            },
            link_user=user,
        )
        sent += 1
    return sent


def end_sessions(user: User, *, keep: str | None = None, keep_verified: bool = False) -> int:
    """Delete the user's sessions except the one with key ``keep`` (and, with
    ``keep_verified``, those that passed a second factor); returns how many ended.

    A new password already voids other sessions (Django checks a hash of it on each request),
    but activation does not: sessions of a login that was switched off would come back with it.
    So a password reset, an accepted invitation and a change of activation end them all here,
    and a password change ends all but the session that made it. Reads every live session
    (the database backend has no index by user); there are as many as people signed in."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) != str(user.pk):
            continue
        if keep_verified and data.get(DEVICE_ID_SESSION_KEY):
            continue
        session.delete()
        ended += 1
    return ended
