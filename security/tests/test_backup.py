"""Backups (issue 7, BAK-1/2; issue 15 points 3 and 4): back up, change data and files,
restore, compare; archives only their owner can read, without sessions; a restore followed by
the erasure replay erases the same person and files as before, and nothing more."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from audit import gdpr
from audit.tests import sentinels
from audit.tests.sentinels import Person, fresh_var_dir  # noqa: F401  # a fixture
from partners.models import ContactPerson, Organisation
from partners.tests.factories import ContactPersonFactory, OrganisationFactory
from security.backup import create_backup, restore_backup, row_counts
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_change_then_restore_gives_back_data_and_files(tmp_path: Path) -> None:
    OrganisationFactory(name="Före Backup AB")
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    private.mkdir(parents=True, exist_ok=True)
    kept = private / "backup-test-declaration.pdf"
    kept.write_bytes(b"%PDF-1.4 avsikt")
    counts = row_counts()
    names = sorted(Organisation.objects.values_list("name", flat=True))

    call_command("backup", "--dir", str(tmp_path))
    (archive,) = tmp_path.glob("klimatfardplan-*.tar.gz")

    Organisation.objects.filter(name="Före Backup AB").update(name="Efter Backup AB")
    OrganisationFactory(name="Ny Efter Backup AB")
    kept.unlink()
    (private / "backup-test-new.txt").write_text("skapad efter backupen")

    call_command("restore", str(archive), "--yes")

    assert sorted(Organisation.objects.values_list("name", flat=True)) == names
    assert row_counts() == counts
    assert kept.read_bytes() == b"%PDF-1.4 avsikt"
    assert not (private / "backup-test-new.txt").exists()


def test_a_restore_does_not_bring_back_a_person_erased_after_the_backup(tmp_path: Path) -> None:
    contact = ContactPersonFactory(
        first_name="Återkommande", last_name="Personsson", email="aterkommer@example.org"
    )
    archive = create_backup(tmp_path)
    gdpr.erase_person(contact=contact, by=None)
    manifest = restore_backup(archive)
    assert manifest["erasures_replayed"] == 1
    assert not ContactPerson.objects.filter(email="aterkommer@example.org").exists()


def test_backup_refuses_an_archive_with_paths_outside_its_folders(tmp_path: Path) -> None:
    import io
    import tarfile

    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../escape.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ValueError, match="Unexpected entry"):
        restore_backup(bad)


def test_a_backup_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask: new files readable by everyone
    try:
        archive = create_backup(tmp_path / "backups")
    finally:
        os.umask(previous)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700


def _database_dump_text(archive: Path, work: Path) -> str:
    """The data inside an archive's database dump, as text."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extract("database.dump", work, filter="data")
    dump = work / "database.dump"
    if connection.vendor == "postgresql":
        return subprocess.run(
            ["pg_restore", "--data-only", "-f", "-", str(dump)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    with sqlite3.connect(dump) as copy:
        return "\n".join(copy.iterdump())


def test_a_backup_leaves_out_sessions_and_a_restore_signs_everyone_out(
    world: World, tmp_path: Path
) -> None:
    signed_in = client_for(world.contact_a)
    assert signed_in.get("/").status_code == 200
    (session_key,) = Session.objects.values_list("session_key", flat=True)
    archive = create_backup(tmp_path)
    text = _database_dump_text(archive, tmp_path)
    assert "Alfa Energi AB" in text  # the dump is readable here: the absence below means it
    assert session_key not in text
    restore_backup(archive)
    assert not Session.objects.exists()
    assert signed_in.get("/").status_code == 302  # to the login page


@pytest.mark.usefixtures("fresh_var_dir")
def test_restore_then_replay_erases_the_same_files_and_nothing_more(
    world: World, tmp_path: Path
) -> None:
    person = Person(
        first="Ingen", last="uppgift", email="ingen.uppgift@example.org", phone="%PDF-",
        username="uppgift_login_x",
    )  # fmt: skip
    contact = sentinels.seed_person(world, person, organisation=world.org_a)
    others = sentinels.seed_other_files(world, 30, text="Ingen uppgift")
    files_at_backup = sentinels.stored_files()
    private = [k for k in files_at_backup if k.startswith(str(settings.PRIVATE_MEDIA_ROOT))]
    assert len(private) == 34  # 30 of others, 4 of the person
    archive = create_backup(tmp_path / "backups")

    report = gdpr.erase_person(contact=contact, by=world.office)
    assert report.files_removed == 4
    files_after_erasure = sentinels.stored_files()
    theirs = {str(sentinels.private_path(name)) for name in person.files}
    assert files_after_erasure == {k: v for k, v in files_at_backup.items() if k not in theirs}

    manifest = restore_backup(archive)  # brings the person and their files back, then replays

    assert manifest["erasures_replayed"] == 1
    assert sentinels.stored_files() == files_after_erasure
    assert all(os.path.exists(sentinels.private_path(name)) for name in others)
    text = sentinels.database_text().lower()
    assert [s for s in (person.email, person.username) if s.lower() in text] == []
    assert ContactPerson.objects.get(pk=contact.pk).full_name == "Raderad kontaktperson"
    assert Organisation.objects.get(pk=world.org_a.pk).city == "Nordmaling"
