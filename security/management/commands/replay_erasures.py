from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.gdpr import replay_erasures


class Command(BaseCommand):
    help = "Erase again every person in the GDPR erasure ledger (run after restoring a backup)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Erased again: {replay_erasures()}")
