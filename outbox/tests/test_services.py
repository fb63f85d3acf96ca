import pytest
from django.core import mail

from outbox import services
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_queued_email_is_sent_once_after_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to=["a@example.org"], subject="Hej", body="Text")
    assert email is not None
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    services.send_email(email_id=email.pk)  # a redelivered task
    assert len(mail.outbox) == 1


def test_same_dedupe_key_never_queues_twice(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_email(to=["a@example.org"], subject="P", body="B", dedupe_key="k1")
        second = services.queue_email(to=["a@example.org"], subject="P", body="B", dedupe_key="k1")
    assert first is not None
    assert second is None
    assert len(mail.outbox) == 1
