"""The registry of benchmark scenarios, in the order they run: ``module`` (whose ``run(ctx)`` is
called) or ``module:function``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from security.testing import verify_client

SCENARIOS: dict[str, str] = {
    "foundation": "bench.scenarios.foundation",
    "partners": "bench.scenarios.partners",
    "activities": "bench.scenarios.activities",
    "spaces": "bench.scenarios.spaces",
    "surveys": "bench.scenarios.surveys",
    # Issue 6 asks for the reports of today's partnership (55) and of 1,000 organisations.
    "reporting-55": "bench.scenarios.reporting:run_55",
    "reporting": "bench.scenarios.reporting",
}
# Scenarios that repeat another one at a size the small scale already covers.
FULL_SCALE_ONLY = {"reporting-55"}


@dataclass
class Context:
    scale: str
    client: Client
    baseline_ms: float = 0.0
    users: dict[str, Any] = field(default_factory=dict)

    def prepare(self) -> None:
        """Reference data and one user per role; scenarios seed their own data on top."""
        from accounts.models import User
        from roadmap.services import load_reference_data

        load_reference_data()
        self.users["office"] = User.objects.create_user(
            "bench-office", password="x", is_office_staff=True, is_staff=True
        )
        self.users["strategic"] = User.objects.create_user(
            "bench-strategic", password="x", is_strategic_group=True
        )
        self.client.force_login(self.users["office"])
        verify_client(self.client, self.users["office"])  # office staff pass TOTP (issue 7)

    def as_user(self, role: str) -> Client:
        client = Client()
        client.force_login(self.users[role])
        if role == "office":
            verify_client(client, self.users[role])  # office staff pass TOTP (issue 7)
        return client
