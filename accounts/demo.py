"""Demo logins for every role, linked to demo contact persons."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from partners.models import ContactPerson, Membership, Organisation


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def _user(username: str, password: str, first: str, last: str, **flags: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            **flags,
        },
    )
    if created:
        user.set_password(password)
        user.save()
    return user


def _link(user: User, organisation: Organisation, *, submitter: bool) -> None:
    contact, _ = ContactPerson.objects.get_or_create(
        email=user.email,
        defaults={"first_name": user.first_name, "last_name": user.last_name, "user": user},
    )
    if contact.user_id != user.pk:
        contact.user = user
        contact.save(update_fields=["user"])
    Membership.objects.get_or_create(
        contact=contact,
        organisation=organisation,
        defaults={
            "is_survey_contributor": True,
            "is_survey_submitter": submitter,
            "is_main_contact": submitter,
        },
    )


# The demo's office logins need a second factor (issue 7). A fixed, printed key lets a newcomer add
# it to an authenticator app, or ask `manage.py demo_otp_code <user>` for the current code.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test key, demo only


def _demo_totp_device(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )


def create_demo_logins(organisations: list[Organisation]) -> list[DemoLogin]:
    logins = [
        DemoLogin("admin", "Demo-admin-2026", "superuser"),
        DemoLogin("kansliet", "Demo-kansliet-2026", "office staff (kansliet)"),
        DemoLogin("strategi", "Demo-strategi-2026", "strategic group"),
        DemoLogin("anna", "Demo-partner-2026", f"partner contact, submitter: {organisations[3]}"),
        DemoLogin(
            "bertil", "Demo-partner-2026", f"partner contact, contributor: {organisations[3]}"
        ),
        DemoLogin(
            "cecilia", "Demo-partner-2026", f"partner contact, submitter: {organisations[4]}"
        ),
    ]
    _demo_totp_device(
        _user("admin", logins[0].password, "Ada", "Admin", is_superuser=True, is_staff=True)
    )
    _demo_totp_device(
        _user(
            "kansliet", logins[1].password, "Karin", "Kansli", is_office_staff=True, is_staff=True
        )
    )
    _user("strategi", logins[2].password, "Sven", "Strateg", is_strategic_group=True)
    _link(_user("anna", logins[3].password, "Anna", "Partner"), organisations[3], submitter=True)
    _link(
        _user("bertil", logins[4].password, "Bertil", "Partner"), organisations[3], submitter=False
    )
    _link(
        _user("cecilia", logins[5].password, "Cecilia", "Partner"), organisations[4], submitter=True
    )
    return logins
