"""Backups (issue 7, BAK-1/2): back up, change data and files, restore, compare."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from audit import gdpr
from partners.models import ContactPerson, Organisation
from partners.tests.factories import ContactPersonFactory, OrganisationFactory
from security.backup import create_backup, restore_backup, row_counts

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
