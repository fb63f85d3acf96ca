"""Fixtures of the reporting tests: the seeded year, and a private storage of the test's own
(every engineer's test run shares ``var/test-private``; report file names are deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import storages

from reporting.models import ReportJob, ReportYear
from reporting.tests.factories import YEAR, Seeded, seed_report_data
from tests.fixtures import World


@pytest.fixture(autouse=True)
def private_storage(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    for name in ("file", "data_xlsx"):
        monkeypatch.setattr(ReportJob._meta.get_field(name), "storage", storages["private"])
    return location


@pytest.fixture
def seeded(world: World) -> Seeded:
    return seed_report_data(world.org_a, world.org_b)


@pytest.fixture
def report_year(seeded: Seeded) -> ReportYear:
    return ReportYear.objects.create(
        year=YEAR,
        title="Klimatfärdplanen 2025",
        story_sv="Året då **tolv tak** fick solceller.",
        story_en="The year **twelve roofs** got solar panels.",
        conclusions_sv="Samarbetet bär frukt.",
        way_forward_sv="Fler partner ska sätta egna mål.",
    )
