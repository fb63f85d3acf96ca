from typing import Any

from django.core.management.base import BaseCommand

from roadmap import services


class Command(BaseCommand):
    help = (
        "Load focus areas, the 21 climate challenges, goals and the 2023–2025 period (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.load_reference_data()
        self.stdout.write(f"Reference data: {result}.")
