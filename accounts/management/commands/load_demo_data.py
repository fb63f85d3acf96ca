import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import create_demo_logins
from partners.demo import create_demo_partners
from roadmap.services import load_reference_data


class Command(BaseCommand):
    help = "Create a realistic demo partnership and a login for every role (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same demo).")

    @transaction.atomic
    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        load_reference_data()
        organisations = create_demo_partners(rng)
        logins = create_demo_logins(organisations)
        # Later apps add their demo data here, in dependency order.
        self.stdout.write(self.style.SUCCESS(f"Demo data: {len(organisations)} organisations."))
        self.stdout.write("Demo logins (username / password / role):")
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.password:<20} {login.role}")
