"""The audit trail (issue 7): every create, change and delete, including bulk writes."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import F

from audit import registry, selectors, services
from audit.context import acting_as
from audit.models import AuditEntry
from audit.sections import organisation_history
from partners.models import ContactPerson, Membership, Organisation
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _entries(obj: object) -> list[AuditEntry]:
    return list(selectors.history_for(obj))


def test_create_change_and_delete_are_recorded_with_who_and_what(world: World) -> None:
    with acting_as(world.office):
        organisation = OrganisationFactory(name="Gamma AB", city="Umeå")
        organisation.city = "Skellefteå"
        organisation.save()
    (created,) = [e for e in _entries(organisation) if e.action == "create"]
    assert created.actor == world.office
    assert created.changes["name"] == [None, "Gamma AB"]
    (changed,) = [e for e in _entries(organisation) if e.action == "update"]
    assert changed.changes == {"city": ["Umeå", "Skellefteå"]}
    assert changed.actor_label == "kansli"
    pk = organisation.pk
    organisation.delete()
    deleted = AuditEntry.objects.get(
        action="delete", object_id=str(pk), content_type__model="organisation"
    )
    assert deleted.changes["name"] == ["Gamma AB", None]
    assert deleted.actor is None  # no request, no acting_as: the system


def test_saving_without_changes_records_nothing(world: World) -> None:
    before = AuditEntry.objects.count()
    organisation = Organisation.objects.get(pk=world.org_a.pk)
    organisation.save()
    assert AuditEntry.objects.count() == before


def test_queryset_update_and_bulk_writes_are_recorded_per_row(world: World) -> None:
    with acting_as(world.office):
        count = Organisation.objects.filter(pk__in=[world.org_a.pk, world.org_b.pk]).update(
            sector="Transport", version=F("version") + 1
        )
    assert count == 2
    bulk = AuditEntry.objects.filter(bulk=True, action="update", content_type__model="organisation")
    assert bulk.count() == 2
    assert {tuple(e.changes["sector"]) for e in bulk} == {("Energi", "Transport")}
    assert all(e.actor == world.office for e in bulk)
    assert {e.organisation_id for e in bulk} == {world.org_a.pk, world.org_b.pk}

    contacts = ContactPerson.objects.bulk_create(
        [
            ContactPerson(first_name="Bo", last_name=f"Bulk{i}", email=f"bulk{i}@example.org")
            for i in range(3)
        ]
    )
    assert (
        AuditEntry.objects.filter(
            bulk=True, action="create", content_type__model="contactperson"
        ).count()
        == 3
    )
    for contact in contacts:
        contact.title = "VD"
    ContactPerson.objects.bulk_update(contacts, ["title"])
    updates = AuditEntry.objects.filter(
        bulk=True, action="update", content_type__model="contactperson"
    )
    assert updates.count() == 3
    assert {tuple(e.changes["title"]) for e in updates} == {("", "VD")}


def test_update_reads_back_only_values_computed_for_recorded_fields(
    world: World, django_assert_num_queries: object
) -> None:
    Organisation.objects.filter(pk=world.org_a.pk).update(employees=10)
    rows = Organisation.objects.filter(pk=world.org_a.pk)
    # 1 the rows before, 2 the UPDATE, 3 the entries: F("version") + 1 bumps an ignored field,
    # whose new value is never recorded, so nothing is read back.
    with django_assert_num_queries(3):  # type: ignore[operator]
        rows.update(sector="Transport", version=F("version") + 1)
    # A computed value of a recorded field is read back (4) to record what was written.
    with django_assert_num_queries(4):  # type: ignore[operator]
        rows.update(employees=F("employees") + 5)
    latest = _entries(world.org_a)[0]
    assert latest.changes == {"employees": [10, 15]}


def test_update_instances_records_from_the_loaded_values(world: World) -> None:
    before = AuditEntry.objects.count()
    organisation = Organisation.objects.get(pk=world.org_a.pk)
    organisation.city = "Luleå"
    with acting_as(world.office):
        count = registry.update_instances(
            Organisation.objects.filter(pk=organisation.pk),
            [organisation],
            city="Luleå",
            version=F("version") + 1,
        )
    assert count == 1
    (entry,) = AuditEntry.objects.order_by("-pk")[:1]
    assert entry.changes == {"city": [world.org_a.city, "Luleå"]}
    assert entry.bulk
    assert entry.actor == world.office
    assert entry.organisation_id == organisation.pk
    # A write whose guard matched no row records nothing.
    organisation.city = "Kiruna"
    assert (
        registry.update_instances(
            Organisation.objects.filter(pk=organisation.pk, status="no-such-status"),
            [organisation],
            city="Kiruna",
        )
        == 0
    )
    assert AuditEntry.objects.count() == before + 1


def test_deferred_writes_the_entries_of_several_bulk_writes_at_once(
    world: World, django_assert_num_queries: object
) -> None:
    before = AuditEntry.objects.count()
    # 1-2 the organisation before and its UPDATE, 3-4 the contact person's, 5 both entries
    with (
        transaction.atomic(),
        django_assert_num_queries(5),  # type: ignore[operator]
        services.deferred(),
    ):
        Organisation.objects.filter(pk=world.org_a.pk).update(sector="Transport")
        ContactPerson.objects.filter(user=world.contact_a).update(title="VD")
    assert AuditEntry.objects.count() == before + 2
    # If the block fails, nothing is written (and the transaction's rollback undoes the writes).

    def failing_write() -> None:
        with transaction.atomic(), services.deferred():
            Organisation.objects.filter(pk=world.org_a.pk).update(sector="Energi")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_write()
    assert AuditEntry.objects.count() == before + 2
    assert Organisation.objects.get(pk=world.org_a.pk).sector == "Transport"


def test_queryset_delete_is_recorded_for_each_row(world: World) -> None:
    MembershipFactory(organisation=world.org_b, contact=ContactPersonFactory())
    ids = list(Membership.objects.filter(organisation=world.org_b).values_list("pk", flat=True))
    Membership.objects.filter(organisation=world.org_b).delete()
    deleted = AuditEntry.objects.filter(action="delete", content_type__model="membership")
    assert sorted(int(e.object_id) for e in deleted) == sorted(ids)
    assert {e.organisation_id for e in deleted} == {world.org_b.pk}


def test_record_bulk_for_raw_writes(world: World) -> None:
    written = services.record_bulk(
        model=Organisation,
        action="update",
        rows=[(world.org_a.pk, world.org_a.pk, {"city": ["A", "B"]})],
    )
    assert written == 1
    assert _entries(world.org_a)[0].changes == {"city": ["A", "B"]}


def test_a_web_edit_is_attributed_to_the_signed_in_user(world: World) -> None:
    client = client_for(world.contact_a)
    # The acting user comes from the request (middleware), whatever view does the write.
    from django.test import RequestFactory

    from audit.middleware import ActingUserMiddleware

    request = RequestFactory().get("/")
    request.user = world.contact_a

    def view(_request: object) -> object:
        world.org_a.city = "Vindeln"
        world.org_a.save()
        return None

    ActingUserMiddleware(view)(request)
    assert _entries(world.org_a)[0].actor == world.contact_a
    assert client.get("/").status_code == 200


def test_the_office_sees_the_history_section_and_partners_do_not(world: World) -> None:
    with acting_as(world.office):
        world.org_a.city = "Robertsfors"
        world.org_a.save()
    section = organisation_history(world.org_a, world.office)
    assert section is not None
    assert section["template"] == "audit/_organisation_history.html"
    assert any(
        c["new"] == "Robertsfors" for e in section["context"]["entries"] for c in e["changes"]
    )
    assert organisation_history(world.org_a, world.contact_a) is None
    assert organisation_history(world.org_a, world.strategic) is None


def test_the_organisation_page_shows_its_history_to_the_office_only(world: World) -> None:
    with acting_as(world.office):
        world.org_a.city = "Bjurholm"
        world.org_a.save()
    url = world.org_a.get_absolute_url()
    office_page = client_for(world.office).get(url).content.decode()
    assert "Historik" in office_page
    assert "Bjurholm" in office_page
    partner_page = client_for(world.contact_a).get(url).content.decode()
    assert "kf-audit-history" not in partner_page
