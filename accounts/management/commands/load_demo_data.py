import importlib
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import create_demo_logins
from partners.demo import create_demo_partners
from roadmap.services import load_reference_data

# Each app that has demo data offers ``create_demo(rng, organisations)`` in its demo module; they
# run in this order (later apps build on earlier ones). A module not written yet is left out.
APP_DEMOS = ["partners.demo", "activities.demo", "surveys.demo", "reporting.demo", "spaces.demo"]


class Command(BaseCommand):
    help = "Create a realistic demo partnership and a login for every role (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same demo)."
        )

    @transaction.atomic
    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        rng = random.Random(seed)
        load_reference_data()
        organisations = create_demo_partners(rng)
        logins = create_demo_logins(organisations)
        for module_name in APP_DEMOS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            create_demo = getattr(module, "create_demo", None)
            if create_demo is not None:
                summary = create_demo(rng, organisations)
                if summary:
                    self.stdout.write(f"Demo data: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Demo data: {len(organisations)} organisations."))
        self.stdout.write("Demo logins (username / password / role):")
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.password:<20} {login.role}")
        self.stdout.write(
            "Office logins (admin, kansliet) also ask for a two-factor code: "
            "`manage.py demo_otp_code kansliet` prints it, or add the key "
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ to an authenticator app (TOTP, 6 digits, 30 s)."
        )
