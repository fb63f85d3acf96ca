"""Backups of the database and the uploaded/generated files, and their restore.

One archive (``.tar.gz``) holds the database (``pg_dump -Fc`` for PostgreSQL; SQLite's online
backup API, safe while the app writes: https://www.sqlite.org/backup.html), the public media and
private folders, and a manifest with row counts. Restoring replaces all three, then replays GDPR
erasures made after the backup was taken (their ledger lives outside the database, see
audit.gdpr), so a restore never brings an erased person back.

The archive is readable by its owner only (mode 0600, in a folder of mode 0700) and holds no
sessions: a session key is a login, and restored sessions would revive logins ended since.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
# Tables whose rows never go into a backup (their schema does, so a restore leaves them empty).
EXCLUDED_TABLE_DATA = ("django_session",)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _pg_args(params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(params.get("HOST") or "127.0.0.1"), "-p", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["-U", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def _dump_database(target: Path) -> str:
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args(params)
        subprocess.run(  # noqa: S603  # fixed arguments, database settings from our own config
            [_tool("pg_dump"), "-Fc", "--no-owner", *args, "-f", str(target),
             *(f"--exclude-table-data={table}" for table in EXCLUDED_TABLE_DATA), params["NAME"]],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        return "postgresql"
    connection.ensure_connection()
    source = connection.connection
    if not isinstance(source, sqlite3.Connection):  # pragma: no cover - vendor checked above
        raise TypeError("expected a SQLite connection")
    with sqlite3.connect(target) as destination:
        source.backup(destination)  # consistent copy page by page, writers may continue
        for table in EXCLUDED_TABLE_DATA:  # the copy only: fixed names, not user input
            destination.execute(f'DELETE FROM "{table}"')  # noqa: S608
        destination.commit()
        destination.execute("VACUUM")  # deleted rows' pages would still hold the session keys
    return "sqlite"


def _private_file(path: Path) -> BinaryIO:
    """A new file only its owner can read, whatever the process umask: created with 0600, not
    chmod-ed after (between the two another user could open it)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def create_backup(directory: Path) -> Path:
    """Write a backup archive into ``directory``; return its path."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    archive = directory / f"klimatfardplan-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database.dump"
        engine = _dump_database(dump)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "row_counts": row_counts(),
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".partial")
        with _private_file(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(dump, arcname="database.dump")
            tar.add(Path(work) / "manifest.json", arcname="manifest.json")
            for name, setting in FOLDERS.items():
                folder = Path(getattr(settings, setting))
                if folder.exists():
                    tar.add(folder, arcname=name)
        partial.rename(archive)  # a crash never leaves a half archive under the final name
    return archive


def _restore_database(dump: Path, engine: str) -> None:
    if engine != connection.vendor.replace("postgresql", "postgresql"):
        raise ValueError(f"The backup is of a {engine} database, this is {connection.vendor}.")
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        connections.close_all()
        args, env = _pg_args(params)
        subprocess.run(  # noqa: S603  # fixed arguments, database settings from our own config
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             *args, "-d", params["NAME"], str(dump)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        return
    connection.ensure_connection()
    live = connection.connection
    if not isinstance(live, sqlite3.Connection):  # pragma: no cover - vendor checked above
        raise TypeError("expected a SQLite connection")
    with sqlite3.connect(dump) as source:
        source.backup(live)
    (result,) = live.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise RuntimeError(f"The restored database failed its integrity check: {result}")


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only regular files and folders under known names (never ../ or links out of place)."""
    allowed = {"database.dump", "manifest.json", *FOLDERS}
    members = []
    for member in tar.getmembers():
        top = member.name.split("/", 1)[0]
        if top not in allowed or ".." in Path(member.name).parts or member.name.startswith("/"):
            raise ValueError(f"Unexpected entry in the backup: {member.name}")
        if member.isfile() or member.isdir():
            members.append(member)
    return members


def restore_backup(archive: Path, *, replay_erasures: bool = True) -> dict[str, Any]:
    """Replace the database and the folders with the archive's; return its manifest."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, members=_safe_members(tar), filter="data")
        manifest: dict[str, Any] = json.loads((Path(work) / "manifest.json").read_text())
        _restore_database(Path(work) / "database.dump", manifest["engine"])
        for name, setting in FOLDERS.items():
            folder = Path(getattr(settings, setting))
            if folder.exists():
                shutil.rmtree(folder)
            source = Path(work) / name
            if source.exists():
                shutil.copytree(source, folder)
            else:
                folder.mkdir(parents=True)
    if replay_erasures:
        from audit.gdpr import replay_erasures as replay

        manifest["erasures_replayed"] = replay()
    return manifest
