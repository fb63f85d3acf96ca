"""Helpers for the erasure tests: seed a person with traces everywhere a real one leaves them,
seed other people's files, and read back every table and every file under VAR_DIR."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from activities.models import Attachment as ActivityAttachment
from activities.models import MeetingDocument
from activities.tests.factories import ActivityFactory, MeetingFactory
from audit.context import acting_as
from outbox import services as outbox
from partners.models import ContactPerson, Declaration, Membership, Organisation
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from roadmap.models import PartnershipPeriod
from spaces import services as spaces
from spaces.models import Attachment as SpaceAttachment
from spaces.models import Post, Space
from spaces.tests.factories import CommentFactory, PostFactory
from tests.fixtures import World


@pytest.fixture
def fresh_var_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty VAR_DIR of this test's own, with the media and private storages in it, so
    "every file under VAR_DIR" means this test's files (not those other tests left behind)."""
    private_before = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    settings.PRIVATE_MEDIA_ROOT = var / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": "/media/"},
        },
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
    # A FileField holds the storage it was given at start-up: point each one at the new folder.
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                private = Path(f.storage.location).resolve() == private_before
                monkeypatch.setattr(f, "storage", storages["private" if private else "default"])
    return var


@dataclass
class Person:
    first: str
    last: str
    email: str
    phone: str
    username: str
    contact: ContactPerson | None = None
    files: list[str] = field(default_factory=list)  # storage names of the files they uploaded
    session: Client | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def user(self) -> User:
        assert self.contact is not None
        assert self.contact.user is not None
        return self.contact.user


def seed_person(world: World, person: Person, *, organisation: Organisation) -> ContactPerson:
    """A person with a login who leaves every kind of trace the app keeps."""
    user = UserFactory(
        username=person.username,
        first_name=person.first,
        last_name=person.last,
        email=person.email,
    )
    with acting_as(world.office):  # audit entries about the contact and their membership
        contact = cast(
            ContactPerson,
            ContactPersonFactory(
                first_name=person.first,
                last_name=person.last,
                email=person.email,
                phone=person.phone,
                user=user,
            ),
        )
        membership = MembershipFactory(
            contact=contact, organisation=organisation, is_survey_submitter=True
        )
        contact.title = "Miljöchef"
        contact.save()
    person.contact = contact
    with acting_as(user):  # the person edits their organisation: entries name them as actor
        organisation.city = "Nordmaling"
        organisation.save()
    # The admin log: the office changed the contact, and added the membership inline on the
    # organisation's page (Django writes the added object's name into the change message).
    LogEntry.objects.log_actions(
        world.office.pk, [contact], CHANGE, change_message='[{"changed": {"fields": ["Titel"]}}]'
    )
    LogEntry.objects.create(
        user=world.office,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(organisation.pk),
        object_repr=organisation.name,
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "medlemskap", "object": str(membership)}}]),
    )
    # Mail: one to them alone naming them, one shared with a colleague, a password reset.
    outbox.queue_email(
        to=[person.email], subject=f"Hej {person.full_name}", body=f"Ring {person.phone}"
    )
    outbox.queue_email(to=[person.email, "kollega@example.org"], subject="Påminnelse", body="Hej!")
    Client().post(reverse("password_reset"), {"email": person.email})
    # Login logs (a failure and a success), a live session and a second factor.
    Client().post(reverse("login"), {"username": person.username, "password": "fel"})
    person.session = Client()
    person.session.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert AccessLog.objects.filter(username=person.username).exists()
    TOTPDevice.objects.create(user=user, name=person.username, confirmed=True)
    # What they wrote and uploaded.
    spaces.ensure_spaces()
    space = Space.objects.get(challenge__number=3)
    post = PostFactory(
        space=space,
        author=user,
        organisation=organisation,
        title=f"Fråga från {person.full_name}",
        body=f"Ring mig på {person.phone}",
    )
    CommentFactory(post=post, author=user, body=f"Hälsningar {person.full_name}")
    attachment = SpaceAttachment(
        post=post,
        original_name=f"{person.last}.pdf",
        extension="pdf",
        content_type="application/pdf",
        size=10,
    )
    attachment.file.save("x.pdf", ContentFile(_pdf(f"Av {person.full_name}")), save=True)
    activity = ActivityFactory(title="Gemensam cykelpool")
    activity_file = ActivityAttachment(activity=activity, title="Underlag", uploaded_by=user)
    activity_file.file.save("underlag.pdf", ContentFile(_pdf(person.email)), save=True)
    meeting = MeetingFactory()
    minutes = MeetingDocument(meeting=meeting, title="Anteckningar", uploaded_by=user)
    minutes.file.save(
        "anteckningar.txt", ContentFile(f"Antecknat av {person.phone}".encode()), save=True
    )
    declaration = Declaration(
        organisation=organisation,
        period=PartnershipPeriod.objects.order_by("start_year").first(),
        signed_on="2026-01-15",
        signatory_name=person.full_name,
        uploaded_by=user,
    )
    declaration.document.save("declaration.pdf", ContentFile(_pdf(person.full_name)), save=True)
    person.files = [
        attachment.file.name,
        activity_file.file.name,
        minutes.file.name,
        declaration.document.name,
    ]
    return contact


def seed_other_files(world: World, count: int, *, text: str = "Protokoll") -> list[str]:
    """``count`` private files uploaded by other people (the office, another contact), each
    starting like a PDF. ``text`` goes into each: a phrase shared with the erased person must
    not make any of them go."""
    names = []
    activity = ActivityFactory(title="Annan aktivitet")
    meeting = MeetingFactory(title="Annan träff")
    spaces.ensure_spaces()
    space = Space.objects.get(challenge__number=17)
    post = PostFactory(space=space, author=world.contact_b, title="Annat inlägg")
    for index in range(count):
        content = ContentFile(_pdf(f"{text} {index}"))
        if index % 3 == 0:
            row: Any = ActivityAttachment(
                activity=activity, title=f"Bilaga {index}", uploaded_by=world.office
            )
        elif index % 3 == 1:
            row = MeetingDocument(
                meeting=meeting, title=f"Dokument {index}", uploaded_by=world.contact_b
            )
        else:
            row = SpaceAttachment(
                post=post, original_name=f"fil{index}.pdf", extension="pdf",
                content_type="application/pdf", size=10,
            )  # fmt: skip
        row.file.save(f"fil{index}.pdf", content, save=True)
        names.append(row.file.name)
    return names


def _pdf(text: str) -> bytes:
    # Every file starts with "%PDF-", like the stored declarations and reports: a contact
    # whose phone is "%PDF-" once made an erasure delete them all.
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


# --- reading everything back --------------------------------------------------------------------


def database_text() -> str:
    """Every row of every table as text: each model through the ORM (decoded sessions too),
    then every table of the database read raw (django_admin_log, django_session, M2M tables)."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        parts += [repr(row) for row in model._base_manager.values_list()]
    parts += [repr(session.get_decoded()) for session in Session.objects.all()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(parts)


def database_rows() -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every model's rows by table and primary key, to compare before and after."""
    return {
        model._meta.db_table: {
            row[0]: row
            for row in model._base_manager.values_list(
                "pk", *[f.attname for f in model._meta.concrete_fields]
            )
        }
        for model in apps.get_models(include_auto_created=True)
    }


def changed_rows(
    before: dict[str, dict[Any, tuple[Any, ...]]], after: dict[str, dict[Any, tuple[Any, ...]]]
) -> dict[str, set[Any]]:
    changed: dict[str, set[Any]] = {}
    for table, rows in before.items():
        now = after.get(table, {})
        keys = {pk for pk in rows.keys() | now.keys() if rows.get(pk) != now.get(pk)}
        if keys:
            changed[table] = keys
    return changed


def stored_files() -> dict[str, str]:
    """sha256 of every file under VAR_DIR by path (staticfiles is collectstatic's build output,
    not data)."""
    root = Path(settings.VAR_DIR)
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "staticfiles" not in path.relative_to(root).parts
    }


def file_hits(strings: list[str]) -> list[str]:
    """Files under VAR_DIR holding one of the strings: raw bytes, and a PDF's text layer."""
    hits = []
    for name in stored_files():
        path = Path(name)
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="ignore")
        if raw.startswith(b"%PDF") and b"/Page" in raw:
            from pypdf import PdfReader

            text += "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(raw)).pages)
        hits += [f"{path}: {s}" for s in strings if s.lower() in text.lower()]
    return hits


def private_path(name: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / name


def memberships_of(contact: ContactPerson) -> set[int]:
    return set(Membership.objects.filter(contact=contact).values_list("pk", flat=True))


def posts_of(user: User) -> set[int]:
    return set(Post.objects.filter(author=user).values_list("pk", flat=True))
