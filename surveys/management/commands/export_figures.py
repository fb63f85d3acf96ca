"""``manage.py export_figures --year 2023 [--out DIR]``: the partnership's figures for one
reporting year as partnership.csv and organisations.csv (issue 16.8; keys in docs/figures.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys import figures


class Command(BaseCommand):
    help = (
        "Write partnership.csv and organisations.csv (';', UTF-8, '.' decimals) with the figures "
        "of one reporting year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Reporting year, e.g. 2023.")
        parser.add_argument(
            "--out", type=Path, default=Path("."), help="Directory to write to (default: here)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership, organisations = figures.write_csv(options["year"], options["out"])
        self.stdout.write(f"Wrote {partnership} and {organisations}.")
