from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from security.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database and the media and private folders into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", default=str(Path(settings.VAR_DIR) / "backups"), help="Folder for the archive."
        )
        parser.add_argument("--keep", type=int, default=14, help="Keep this many newest archives.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        archive = create_backup(directory)
        old = sorted(directory.glob("klimatfardplan-*.tar.gz"))[: -options["keep"] or None]
        for path in old if options["keep"] > 0 else []:
            path.unlink()
        self.stdout.write(str(archive))
