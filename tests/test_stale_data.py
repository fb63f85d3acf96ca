"""Pages never show data older than the database (issue 19, point 3), with the real shared cache.

The review found per-process caches serving stale data: an organisation renamed with
``update()`` kept its old name in the filters; a commitment moved with ``update()`` left the
matrix counting the old challenge; on PostgreSQL a transaction that committed after a later one
was never noticed. Each case is played here against Redis (the cache of the full stack), with
the page opened once before the change so that whatever it caches is in place. The follow-up's
figures, which are cached (surveys.figures.cached), follow every writer of their sources.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from partners.models import Commitment, CommitmentSet, GroupRelation, Organisation
from partners.tests.factories import OrganisationFactory
from roadmap.models import Challenge, PartnershipPeriod
from tests.fixtures import World, client_for

REDIS_URL = os.environ.get("CELERY_BROKER_URL", "") or "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.service("redis")


@pytest.fixture
def shared_cache() -> Iterator[None]:
    """Django's cache on the Redis server (keys under a prefix of this test, deleted after)."""
    prefix = f"kf-test-{uuid.uuid4().hex[:12]}"
    settings = {
        "default": {
            "BACKEND": "klimatfardplan.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=settings):
        caches.close_all()
        yield
        caches.close_all()
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def _page(user: Any, name: str, **query: str) -> str:
    response = client_for(user).get(reverse(name), query)
    assert response.status_code == 200
    return str(response.content.decode())


def _option_names(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select is not None, field
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


# --- an organisation renamed with update() ----------------------------------------------------


@pytest.mark.django_db
def test_an_organisation_renamed_with_update_shows_its_new_name_in_the_filters(
    world: World, shared_cache: None
) -> None:
    assert "Alfa Energi AB" in _option_names(
        _page(world.office, "activities:activity_list"), "organisation"
    )
    Organisation.objects.filter(pk=world.org_a.pk).update(name="Alfa Kraft AB")
    names = _option_names(_page(world.office, "activities:activity_list"), "organisation")
    assert "Alfa Kraft AB" in names
    assert "Alfa Energi AB" not in names
    partner_list = _page(world.office, "partners:organisation_list")
    assert "Alfa Kraft AB" in partner_list
    assert "Alfa Energi AB" not in partner_list


# --- a commitment moved with update() ---------------------------------------------------------


def _challenge_counts(html: str) -> dict[int, int]:
    """The matrix's "per climate challenge" table: challenge number → organisations."""
    table = html.split('data-testid="challenge-counts"')[1].split("</table>")[0]
    rows = re.findall(
        r'>(\d+)\. [^<]*</a></th><td>[^<]*</td><td class="text-end">(\d+)</td>', table
    )
    return {int(number): int(count) for number, count in rows}


@pytest.mark.django_db
def test_a_commitment_moved_with_update_counts_right_in_the_matrix(
    world: World, shared_cache: None
) -> None:
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    first, second = Challenge.objects.order_by("number")[:2]
    for organisation in (world.org_a, world.org_b, OrganisationFactory(name="Gamma AB")):
        commitment_set = CommitmentSet.objects.create(
            organisation=organisation, period=period, status=CommitmentSet.Status.CONFIRMED
        )
        Commitment.objects.create(commitment_set=commitment_set, challenge=first)
    before = _challenge_counts(_page(world.office, "partners:commitment_matrix"))
    assert (before[first.number], before[second.number]) == (3, 0)
    moved = Commitment.objects.filter(commitment_set__organisation=world.org_a)
    assert moved.update(challenge=second) == 1
    after = _challenge_counts(_page(world.office, "partners:commitment_matrix"))
    assert (after[first.number], after[second.number]) == (2, 1)


# --- a transaction that commits after a later one ---------------------------------------------


class _HeldTransaction(threading.Thread):
    """Runs ``write`` in a transaction of its own connection and commits only when told."""

    def __init__(self, write: Any) -> None:
        super().__init__(daemon=True)
        self.write = write
        self.written = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.write()
                self.written.set()
                assert self.release.wait(30)
        except BaseException as exc:  # handed to the test's thread
            self.error = exc
            self.written.set()
        finally:
            connection.close()

    def commit(self) -> None:
        self.release.set()
        self.join(30)
        assert self.error is None, self.error


def _rename(pk: int, name: str) -> None:
    organisation = Organisation.objects.get(pk=pk)
    organisation.name = name
    organisation.save()


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_a_transaction_committing_after_a_later_one_is_noticed(
    world: World, shared_cache: None
) -> None:
    # The first writer starts (and stamps its row) first, but commits last.
    first = _HeldTransaction(lambda: _rename(world.org_a.pk, "Alfa Kraft AB"))
    first.start()
    assert first.written.wait(30)
    _rename(world.org_b.pk, "Beta Hus AB")  # the later writer commits at once
    names = _option_names(_page(world.office, "activities:activity_list"), "organisation")
    assert ("Beta Hus AB" in names, "Alfa Energi AB" in names) == (True, True)
    first.commit()
    names = _option_names(_page(world.office, "activities:activity_list"), "organisation")
    assert "Alfa Kraft AB" in names
    assert "Alfa Energi AB" not in names
    dashboard = _page(world.strategic, "activities:dashboard")
    assert "Alfa Energi AB" not in dashboard


# --- the follow-up's cached figures follow every writer ---------------------------------------


def _submitted(world: World) -> Any:
    """The 2024 baseline round (2022 and 2023): B's response approved, A's submitted (S1 100,
    S2 40: A's figures once approved)."""
    from surveys import selectors, services
    from surveys.tests.helpers import save, valid_answers

    survey_round = services.create_round(
        year=2024,
        opens_on=dt.date(2024, 1, 15),
        closes_on=dt.date(2099, 3, 31),
        data_years=[2022, 2023],
        by=world.office,
    )
    submitted = {}
    for organisation, user in ((world.org_a, world.contact_a), (world.org_b, world.contact_b)):
        save(survey_round, organisation, user, valid_answers(survey_round))
        state = selectors.get_form_state(survey_round, organisation)
        submitted[organisation.pk] = services.submit_response(state=state, by=user)
    services.approve_response(response=submitted[world.org_b.pk], by=world.office)
    return submitted[world.org_a.pk]


def _figures_page(world: World) -> str:
    url = reverse("surveys:organisation_figures", args=[world.org_a.pk])
    response = client_for(world.office).get(url)
    assert response.status_code == 200
    return str(response.content.decode())


NO_FIGURES = "Inga godkända utsläppsdata för organisationen ännu."
INCLUDED = "Era siffror ingår i en annan partners redovisning"


@pytest.mark.django_db
def test_the_followup_figures_follow_approval_reopening_and_group_relations(
    world: World, shared_cache: None
) -> None:
    from surveys import services

    response = _submitted(world)
    assert NO_FIGURES in _figures_page(world)  # submitted, not approved: not in the figures
    services.approve_response(response=response, by=world.office)
    page = _figures_page(world)
    assert NO_FIGURES not in page
    assert "Utsläpp 2023" in page
    assert INCLUDED not in page
    from partners.services import add_group_relation, remove_group_relation

    relation = add_group_relation(
        from_organisation=world.org_a,
        to_organisation=world.org_b,
        kind=GroupRelation.Kind.INCLUDED_IN_REPORT_OF,
        by=world.office,
    )
    assert INCLUDED in _figures_page(world)
    remove_group_relation(relation=relation, by=world.office)
    assert INCLUDED not in _figures_page(world)
    services.reopen_response(response=response, reason="Fel i scope 2", by=world.office)
    assert NO_FIGURES in _figures_page(world)


@pytest.mark.django_db
def test_the_partners_followup_page_shows_its_figures_once_approved(
    world: World, shared_cache: None
) -> None:
    from surveys import services

    response = _submitted(world)
    assert "Utsläpp 2023" not in _page(world.contact_a, "surveys:followup")
    services.approve_response(response=response, by=world.office)
    assert "Utsläpp 2023" in _page(world.contact_a, "surveys:followup")


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_the_followup_figures_notice_an_approval_committed_after_the_page_was_read(
    world: World, shared_cache: None
) -> None:
    # The page is read (and cached) while the approval is written but not yet committed.
    from surveys import services

    response = _submitted(world)
    approval = _HeldTransaction(
        lambda: services.approve_response(response=response, by=world.office)
    )
    approval.start()
    assert approval.written.wait(30)
    assert NO_FIGURES in _figures_page(world)
    approval.commit()
    assert NO_FIGURES not in _figures_page(world)


@pytest.mark.django_db
def test_after_an_approval_the_followup_figures_are_ready_before_anyone_asks(
    world: World,
    shared_cache: None,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """The change's task computes the figures the pages open with (the follow-up's latest year),
    so the first reader after an approval waits for no computation: no query at all."""
    from surveys import services
    from surveys.figures import cached

    response = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_response(response=response, by=world.office)
    with django_assert_max_num_queries(0):
        shown = cached.partnership_year(None)
    assert shown.year == 2023
    assert shown.reporting_organisation_ids == sorted([world.org_a.pk, world.org_b.pk])


def test_beat_computes_the_followup_figures_again_before_they_expire() -> None:
    from django.conf import settings

    from surveys.figures import cached

    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    minutes = sorted(schedule["surveys.tasks.warm_followup_figures"]["schedule"].minute)
    gaps = [b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True)]
    assert max(gaps) * 60 < cached.TIMEOUT  # a stored value is replaced before it expires
