"""One-time links (issue 15 point 4): a password-reset or invitation link is never stored, so
neither the admin, a database reader nor a backup holds a working one; the worker makes it when
it sends, and only to the address the login already has."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tests.factories import UserFactory
from audit.tests.sentinels import database_text
from outbox import mail as outbox_mail
from outbox import services
from outbox.models import OutgoingEmail
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

# A working link: /accounts/reset/<uidb64>/<timestamp>-<hmac>/
LIVE_LINK = re.compile(r"/accounts/reset/[0-9A-Za-z_\-]+/[0-9a-z]+-[0-9a-f]{20,}/")


def _link_for(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return "https://klimat.example.org" + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def test_a_reset_link_is_never_stored_and_works_when_it_arrives(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.office.email = "kansli@example.org"
    world.office.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": "kansli@example.org"})
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT
    assert services.LINK_PLACEHOLDER in email.body
    assert email.link_user == world.office
    assert LIVE_LINK.search(database_text()) is None  # no table holds it, so no backup does
    (sent,) = mail.outbox
    (link,) = LIVE_LINK.findall(sent.body)
    # The link made at send time works: Django swaps the token for its set-password step.
    visitor = Client()
    step = visitor.get(link)
    assert step.status_code == 302
    assert step["Location"].endswith("/set-password/")
    assert "new_password1" in visitor.get(step["Location"]).content.decode()


def _marked(strategist: User, to: str) -> OutgoingEmail | None:
    """A mail as the app's senders make one: the placeholder where the link goes, the login
    named (red-team finding 5: the outbox never reads a body for links)."""
    return services.queue_email(
        to=[to],
        subject="Inbjudan",
        body=f"Välj lösenord: {outbox_mail.one_time_link_url()}",
        link_user=strategist,
    )


def test_the_outbox_admin_shows_no_live_link_and_cannot_redirect_one(world: World) -> None:
    strategist = UserFactory(username="strategi", email="strategi@example.org")
    email = _marked(strategist, "strategi@example.org")
    assert email is not None
    office = client_for(world.office)
    url = reverse("admin:outbox_outgoingemail_change", args=[email.pk])
    page = office.get(url)
    assert page.status_code == 200
    assert "Välj lösenord" in page.content.decode()
    assert LIVE_LINK.search(page.content.decode()) is None
    # The office cannot point the queued mail at another address through the admin.
    changed = office.post(url, {"to": '["kontor@example.org"]', "subject": "x", "body": "x"})
    assert changed.status_code == 403
    assert OutgoingEmail.objects.get(pk=email.pk).to == ["strategi@example.org"]
    assert office.get(reverse("admin:outbox_outgoingemail_add")).status_code == 403


def test_a_link_goes_only_to_the_address_the_login_already_has(world: World) -> None:
    """The takeover chain of issue 15: a contact record's e-mail was changed to the attacker's
    and an invitation sent for the existing login. The worker refuses to send it there."""
    strategist = UserFactory(username="strategi", email="strategi@example.org")
    hijacked = _marked(strategist, "cecilia.privat@example.org")
    assert hijacked is not None
    services.send_email(email_id=hijacked.pk)
    hijacked.refresh_from_db()
    assert hijacked.status == OutgoingEmail.Status.FAILED
    assert "own e-mail address" in hijacked.last_error
    assert mail.outbox == []
    # Rows changed behind the outbox's back (a database console) are refused the same way.
    honest = _marked(strategist, "strategi@example.org")
    assert honest is not None
    OutgoingEmail.objects.filter(pk=honest.pk).update(to=["cecilia.privat@example.org"])
    services.send_email(email_id=honest.pk)
    assert mail.outbox == []
    OutgoingEmail.objects.filter(pk=honest.pk).update(
        to=["Strategi@example.org"], status=OutgoingEmail.Status.PENDING
    )
    services.send_email(email_id=honest.pk)
    (sent,) = mail.outbox
    assert sent.to == ["Strategi@example.org"]
    assert len(LIVE_LINK.findall(sent.body)) == 1


def test_a_mail_marked_for_a_link_must_say_where_it_goes(world: World) -> None:
    strategist = UserFactory(username="strategi", email="strategi@example.org")
    with pytest.raises(ValueError, match="one_time_link_path"):
        services.queue_email(
            to=["strategi@example.org"], subject="x", body="Ingen länk här", link_user=strategist
        )
    assert not OutgoingEmail.objects.exists()


def test_text_shaped_like_a_link_in_an_unmarked_mail_is_sent_as_written(world: World) -> None:
    """What people write (a post title quoting a reset address, even the placeholder itself)
    is text: no link is made from it and the mail is not refused."""
    strategist = UserFactory(username="strategi", email="strategi@example.org")
    text = f"Se {_link_for(strategist)} och {outbox_mail.one_time_link_url()}"
    email = services.queue_email(to=["annan@example.org"], subject="Nytt inlägg", body=text)
    assert email is not None
    services.send_email(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.link_user_id is None
    (sent,) = mail.outbox
    assert sent.body == text
