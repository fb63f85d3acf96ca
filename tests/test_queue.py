"""Publishing never holds a request (issue 20 point 6): with a broker that accepts connections
and never answers (a hung Redis), a request makes one short attempt and the rest of its work
waits as saved rows for the sweep.

Timing bounds here are generous on purpose (this runs on a shared 2-core machine): before this
change each publish waited 2 s, so five mails took at least 10 s and one report build at least
2 s; the bounds only tell "one short attempt" from that. The number of attempts is exact.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from klimatfardplan import queue
from outbox import services as outbox
from outbox.models import OutgoingEmail
from reporting.models import ReportJob, ReportYear, Snapshot
from reporting.tests.brokers import broker_at
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


class HungBroker:
    """A TCP server that accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:  # closed
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def hung_broker() -> Iterator[HungBroker]:
    broker = HungBroker()
    yield broker
    broker.close()


def _warm_up(url: str) -> None:
    """The first publish of a process imports kombu's Redis transport (about a second here):
    not broker waiting, so it happens before the clock starts."""
    with broker_at(url):
        queue._start_request()  # as at request_started (the signal would close the test DB connection)
        queue.publish(_task(), 0)
        queue._finish_request()


def _task() -> Any:
    from outbox import tasks

    return tasks.send_email


def test_five_mails_in_one_request_cost_one_short_attempt(
    hung_broker: HungBroker, django_capture_on_commit_callbacks
) -> None:
    _warm_up(hung_broker.url)
    before = len(hung_broker.accepted)
    with broker_at(hung_broker.url):
        queue._start_request()  # as at request_started (the signal would close the test DB connection)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            for number in range(5):
                outbox.queue_email(to=["a@example.org"], subject=f"Hej {number}", body="Text")
        elapsed = time.monotonic() - started
        queue._finish_request()
        assert len(hung_broker.accepted) - before == 1  # one attempt, not five
        assert elapsed < 1.5, elapsed  # the attempt gave up after ~0.1 s, not 2 s per mail
        # Every mail is saved and waits for the sweep.
        assert OutgoingEmail.objects.filter(status="pending").count() == 5
        # The next request tries again (the skip is per request, not a process-wide switch).
        queue._start_request()  # as at request_started (the signal would close the test DB connection)
        with django_capture_on_commit_callbacks(execute=True):
            outbox.queue_email(to=["a@example.org"], subject="Nästa", body="Text")
        queue._finish_request()
    assert len(hung_broker.accepted) - before == 2


@pytest.mark.django_db(transaction=True)  # the request's on-commit publish runs for real
def test_a_build_request_returns_at_once_when_the_broker_hangs(
    world: World, hung_broker: HungBroker
) -> None:
    report_year = ReportYear.objects.create(year=2025)
    snapshot = Snapshot.objects.create(report_year=report_year, data={"organisations": {}})
    ReportYear.objects.filter(pk=report_year.pk).update(snapshot=snapshot)
    client = client_for(world.office)
    url = reverse("reporting:report_build", kwargs={"year": 2025})
    client.get(reverse("reporting:report_year_detail", kwargs={"year": 2025}))  # warm the view
    _warm_up(hung_broker.url)
    before = len(hung_broker.accepted)
    with broker_at(hung_broker.url):
        started = time.monotonic()
        response = client.post(url, {"language": "sv"})
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert len(hung_broker.accepted) - before == 1
    assert elapsed < 1.5, elapsed
    job = ReportJob.objects.get(snapshot=snapshot)
    assert job.status == ReportJob.Status.PENDING
    assert job.published_at is None  # the sweep publishes it when the broker answers again
    page = client.get(response["Location"]).content.decode()
    assert "Jobbkön går inte att nå just nu" in page
