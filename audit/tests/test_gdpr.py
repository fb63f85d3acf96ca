"""GDPR (issue 7, GDPR-1/2/3; issue 15 point 3): export a person, erase them and only them,
retention review."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from audit import gdpr
from audit.models import AuditEntry, RetentionSettings
from audit.tests import sentinels
from audit.tests.sentinels import Person, fresh_var_dir  # noqa: F401  # a fixture
from outbox.models import OutgoingEmail
from partners.models import ContactPerson, Declaration, Organisation, OrganisationStatusChange
from partners.tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory
from spaces.models import Post, Space
from spaces.tests.factories import PostFactory
from tests.fixtures import World, client_for

# Every test here gets an empty VAR_DIR of its own: files are compared before and after.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_var_dir")]
FIRST, LAST, EMAIL, PHONE = "Återkomsta", "Personsson", "aterkommer@example.org", "070-5550199"


def _sentinel_person() -> Person:
    """Values found nowhere else, so any hit after erasure is a leak."""
    return Person(
        first="Qyxwzelia",
        last="Vrankelström",
        email="qyx.vrank.sentinel@example.org",
        phone="+46 70-555 01 99 77",
        username="qyxvrank_login",
    )


def _sentinels(person: Person) -> list[str]:
    return [person.first, person.last, person.email, person.phone, person.username]


def test_export_contains_every_seeded_value(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    person = _sentinel_person()
    # The password reset is sent by a task queued on commit, as in a real request.
    with django_capture_on_commit_callbacks(execute=True):
        contact = sentinels.seed_person(world, person, organisation=world.org_a)
    response = client_for(world.office).get(reverse("audit:contact_export", args=[contact.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for sentinel in _sentinels(person):
        assert sentinel in text, sentinel
    assert data["contact_person"]["email"] == person.email
    assert data["user_account"]["username"] == person.username
    assert "password" not in data["user_account"]
    assert any(e["by"] == person.username for e in data["audit_trail"])
    assert data["login_log"]
    assert len(data["emails"]) == 3  # to them alone, shared with a colleague, the reset link
    assert [person.email] in [e["to"] for e in data["emails"]]
    assert "partners.Membership" in data["related_records"]
    assert "spaces.Post" in data["related_records"]


# transaction=True: the login and password-reset requests commit like real ones.
@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_in_any_table_or_file_and_keeps_every_other_file(
    world: World,
) -> None:
    person = _sentinel_person()
    contact = sentinels.seed_person(world, person, organisation=world.org_a)
    others = sentinels.seed_other_files(world, 12)
    strings = _sentinels(person)
    text = sentinels.database_text()
    assert all(s in text for s in strings), "the seed did not reach the database"
    assert sentinels.file_hits(strings), "the person's uploads name them before erasure"
    files_before = sentinels.stored_files()

    response = client_for(world.office).post(
        reverse("audit:contact_erase", args=[contact.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302

    text = sentinels.database_text().lower()
    assert [s for s in strings if s.lower() in text] == [], "still in the database"
    assert sentinels.file_hits(strings) == []
    # Exactly their four uploads are gone; every other file is byte for byte what it was.
    theirs = {str(sentinels.private_path(name)) for name in person.files}
    assert theirs <= files_before.keys()
    assert sentinels.stored_files() == {k: v for k, v in files_before.items() if k not in theirs}
    assert {str(sentinels.private_path(n)) for n in others} <= files_before.keys()
    # The organisation's data stays; the person is an anonymous former contact without a login.
    contact.refresh_from_db()
    assert contact.full_name == "Raderad kontaktperson"
    assert contact.user is None
    assert Organisation.objects.get(pk=world.org_a.pk).city == "Nordmaling"
    assert Declaration.objects.get(organisation=world.org_a).document.name == ""
    assert person.session is not None
    assert person.session.get("/").status_code == 302  # their session ended
    assert not AccessAttempt.objects.filter(username=person.username).exists()
    # Mails to them alone (their greeting, the reset link) keep nothing; a shared one keeps
    # the colleague.
    to_them = OutgoingEmail.objects.filter(to=[gdpr.REDACTED])
    assert sorted(to_them.values_list("subject", "body")) == [(gdpr.REDACTED, gdpr.REDACTED)] * 2
    assert OutgoingEmail.objects.get(subject="Påminnelse").to == ["kollega@example.org"]


@pytest.mark.django_db(transaction=True)
def test_a_phone_like_pdf_and_a_name_that_is_a_common_phrase_erase_only_that_person(
    world: World,
) -> None:
    """The attack of issue 15: a contact whose phone is "%PDF-" (every stored file starts with
    it) and whose name is an everyday phrase others write too."""
    person = Person(
        first="Ingen", last="uppgift", email="ingen.uppgift@example.org", phone="%PDF-",
        username="uppgift",
    )  # fmt: skip
    phrase = "Ingen uppgift"
    contact = sentinels.seed_person(world, person, organisation=world.org_a)
    sentinels.seed_other_files(world, 9, text=phrase)
    # Other people's records that hold the same phrase and "%PDF-" as whole values or inside.
    colleague = ContactPersonFactory(
        first_name="Greta", last_name="Ek", title=phrase, phone="%PDF-"
    )
    MembershipFactory(contact=colleague, organisation=world.org_b)
    other_activity = Activity.objects.get(title="Annan aktivitet")
    Activity.objects.filter(pk=other_activity.pk).update(purpose=phrase)
    other_post = PostFactory(
        space=Space.objects.get(challenge__number=3),
        author=world.contact_b,
        title=phrase,
        body=f"{phrase} om utsläppen, se %PDF-",
    )
    Client().post(reverse("login"), {"username": "uppgift2", "password": "fel"})
    rows_before = sentinels.database_rows()
    files_before = sentinels.stored_files()
    user = person.user
    theirs_in = {
        "partners_contactperson": {contact.pk},
        "accounts_user": {user.pk},
        "partners_membership": sentinels.memberships_of(contact),
        "spaces_post": sentinels.posts_of(user),
    }

    report = gdpr.erase_person(contact=contact, by=world.office)

    assert report.files_removed == 4
    theirs = {str(sentinels.private_path(name)) for name in person.files}
    assert sentinels.stored_files() == {k: v for k, v in files_before.items() if k not in theirs}
    changed = sentinels.changed_rows(rows_before, sentinels.database_rows())
    for table, pks in theirs_in.items():
        assert changed.get(table, set()) == pks, table
    # Nothing outside the person's rows and the logs about them changed.
    assert set(changed) <= {
        *theirs_in, "spaces_comment", "spaces_attachment", "activities_attachment",
        "activities_meetingdocument", "partners_declaration", "audit_auditentry",
        "audit_erasurerecord", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
        "outbox_outgoingemail", "django_admin_log", "django_session", "otp_totp_totpdevice",
    }, changed  # fmt: skip
    assert Post.objects.get(pk=other_post.pk).body == f"{phrase} om utsläppen, se %PDF-"
    assert Activity.objects.get(pk=other_activity.pk).purpose == phrase
    assert ContactPerson.objects.get(pk=colleague.pk).title == phrase
    assert AccessAttempt.objects.filter(username="uppgift2").exists()
    assert not AccessLog.objects.filter(username="uppgift").exists()
    # Their own post named them: replaced whole, not cut into.
    (own_post,) = Post.objects.filter(pk__in=theirs_in["spaces_post"])
    assert own_post.title == gdpr.REDACTED


def test_identifying_strings_shorter_than_the_safe_length_are_refused() -> None:
    contact = ContactPersonFactory(first_name="Bo", last_name="Ek", phone="%PDF-", email="b@e.se")
    assert gdpr.MIN_IDENTIFYING_LENGTH == 6
    # "Bo Ek" (5), "%PDF-" (5) and "b@e.se"... is six: the only one long enough to identify.
    assert gdpr.identifying_strings(contact) == ["Ek, Bo", "b@e.se"]


def test_every_file_field_is_either_a_personal_upload_or_known_not_to_be() -> None:
    """A new FileField must be added to gdpr.PERSONAL_FILES (with the link to its uploader) or
    to NOT_PERSONAL_FILES: otherwise an erasure would silently keep a person's files."""
    personal = {f"{entry.model}.{entry.file_field}" for entry in gdpr.PERSONAL_FILES}
    found = {
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    }
    assert found == personal | gdpr.NOT_PERSONAL_FILES
    assert not personal & gdpr.NOT_PERSONAL_FILES


def test_admin_log_and_audit_trail_of_others_are_left_alone(world: World) -> None:
    person = _sentinel_person()
    contact = sentinels.seed_person(world, person, organisation=world.org_a)
    unrelated_log = LogEntry.objects.create(
        user=world.office,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(world.org_b.pk),
        object_repr=world.org_b.name,
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Ort"]}}]',
    )
    unrelated_audit = AuditEntry.objects.filter(object_repr=world.org_b.name).count()
    gdpr.erase_person(contact=contact, by=world.office)
    assert LogEntry.objects.get(pk=unrelated_log.pk).object_repr == world.org_b.name
    assert AuditEntry.objects.filter(object_repr=world.org_b.name).count() == unrelated_audit
    assert unrelated_audit > 0


def test_erasure_needs_confirmation_and_the_office(world: World) -> None:
    contact = ContactPersonFactory(email=EMAIL)
    MembershipFactory(contact=contact, organisation=world.org_a)
    office = client_for(world.office)
    response = office.post(reverse("audit:contact_erase", args=[contact.pk]), {})
    assert response.status_code == 400
    assert ContactPerson.objects.get(pk=contact.pk).email == EMAIL
    denied = client_for(world.contact_a).post(
        reverse("audit:contact_erase", args=[contact.pk]), {"confirm": "on"}
    )
    assert denied.status_code == 403
    assert ContactPerson.objects.get(pk=contact.pk).email == EMAIL


def test_the_office_cannot_erase_a_superusers_login(world: World) -> None:
    """Erasing deactivates the login and drops its password and devices: for a superuser that
    is the superuser's (or another superuser's) decision, never the office's (issue 15)."""
    contact = ContactPersonFactory(email=EMAIL, user=world.superuser)
    MembershipFactory(contact=contact, organisation=world.org_a)
    url = reverse("audit:contact_erase", args=[contact.pk])
    denied = client_for(world.office).post(url, {"confirm": "on"})
    assert denied.status_code == 403
    world.superuser.refresh_from_db()
    assert world.superuser.is_active
    assert world.superuser.has_usable_password()
    assert ContactPerson.objects.get(pk=contact.pk).email == EMAIL


def test_replaying_erasures_after_a_restore_erases_again(world: World) -> None:
    contact = ContactPersonFactory(first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE)
    gdpr.erase_person(contact=contact, by=world.office)
    # A restored backup brings the person back (same e-mail); the ledger knows the hash only.
    back = ContactPersonFactory(first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE)
    assert gdpr.replay_erasures() == 1
    assert ContactPerson.objects.get(pk=back.pk).email.endswith("@raderad.invalid")
    from audit.models import ErasureRecord

    assert all(EMAIL not in r.subject_hash for r in ErasureRecord.objects.all())


def test_contacts_of_organisations_that_left_are_flagged_after_the_retention_period(
    world: World,
) -> None:
    gone = OrganisationFactory(name="Borta AB", status=Organisation.Status.LEFT)
    OrganisationStatusChange.objects.create(
        organisation=gone,
        status=Organisation.Status.LEFT,
        changed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    recent = OrganisationFactory(name="Nyss AB", status=Organisation.Status.LEFT)
    OrganisationStatusChange.objects.create(
        organisation=recent,
        status=Organisation.Status.LEFT,
        changed_on=timezone.localdate() - dt.timedelta(days=30),
    )
    old_contact = MembershipFactory(organisation=gone).contact
    MembershipFactory(organisation=recent)
    both = MembershipFactory(organisation=gone).contact
    MembershipFactory(organisation=world.org_a, contact=both)  # still at an active partner
    office = client_for(world.office)
    page = office.get(reverse("audit:retention_review"))
    assert page.status_code == 200
    assert [row.contact for row in page.context["due"]] == [old_contact]
    # The office shortens the period: the recent one is due too.
    saved = office.post(reverse("audit:retention_review"), {"review_after_days": "10"})
    assert saved.status_code == 302
    assert RetentionSettings.current().review_after_days == 10
    assert len(gdpr.contacts_due_for_review()) == 2
    bad = office.post(reverse("audit:retention_review"), {"review_after_days": "-3"})
    assert bad.status_code == 400
    assert RetentionSettings.current().review_after_days == 10
    assert client_for(world.contact_a).get(reverse("audit:retention_review")).status_code == 403


def _left(name: str, days_ago: int, *, steps: int = 1) -> Organisation:
    """An organisation that left ``days_ago`` days ago (after ``steps - 1`` earlier leavings)."""
    org = OrganisationFactory(name=name, status=Organisation.Status.LEFT)
    for step in range(steps):
        OrganisationStatusChange.objects.create(
            organisation=org,
            status=Organisation.Status.LEFT,
            changed_on=timezone.localdate() - dt.timedelta(days=days_ago + 500 * step),
        )
    return org


def test_retention_review_dates_a_person_by_the_last_of_their_organisations_to_leave(
    world: World, django_assert_max_num_queries: Any
) -> None:
    # Retention 365 days (the default), hand-computed: Anna's organisations left 900 and 400
    # days ago, so she is due since 400 days; Bo's left 700 days ago (and once before, 1,200
    # days ago): due since 700; Cilla's second organisation left 100 days ago: not due yet.
    # An organisation whose status is "left" without a dated step is not counted as gone.
    RetentionSettings.objects.update_or_create(pk=1, defaults={"review_after_days": 365})
    old, older, twice, recent = (
        _left("Gammal AB", 400),
        _left("Äldre AB", 900),
        _left("Två gånger AB", 700, steps=2),
        _left("Nyss AB", 100),
    )
    undated = OrganisationFactory(name="Odaterad AB", status=Organisation.Status.LEFT)
    anna = ContactPersonFactory(first_name="Anna", last_name="Ek")
    bo = ContactPersonFactory(first_name="Bo", last_name="Al")
    cilla = ContactPersonFactory(first_name="Cilla", last_name="Ås")
    dan = ContactPersonFactory(first_name="Dan", last_name="Berg")
    for contact, organisations in [
        (anna, [old, older]),
        (bo, [twice]),
        (cilla, [older, recent]),
        (dan, [older, undated]),
    ]:
        for organisation in organisations:
            MembershipFactory(contact=contact, organisation=organisation)
    with django_assert_max_num_queries(3):
        due = gdpr.contacts_due_for_review()
    assert [(row.contact, row.left_on) for row in due] == [
        (bo, timezone.localdate() - dt.timedelta(days=700)),
        (anna, timezone.localdate() - dt.timedelta(days=400)),
    ]
    assert [o.name for o in due[1].organisations] == ["Gammal AB", "Äldre AB"]
