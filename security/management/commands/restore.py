from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from security.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the media and private folders from a backup archive, "
        "then replay GDPR erasures made since. Replaces everything: stop the app first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--no-replay-erasures", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.exists():
            raise CommandError(f"No such file: {archive}")
        if not options["yes"]:
            answer = input("This replaces the database and all files. Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("Cancelled.")
        manifest = restore_backup(archive, replay_erasures=not options["no_replay_erasures"])
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}; "
            f"erasures replayed: {manifest.get('erasures_replayed', 0)}."
        )
