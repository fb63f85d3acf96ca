"""Worker processes of the reporting benchmark (bench/scenarios/reporting.py).

A separate module because a spawned process imports it before anything else: it must set up
Django first (bench/scenarios/__init__.py imports models at import time).
"""

from __future__ import annotations

import os
import resource
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

_STATE: dict[str, Any] = {}


def init_worker(data: dict[str, Any], private: str) -> None:
    """A fresh worker process (spawned, so its memory is its own): storage, snapshot, WeasyPrint."""
    from django.conf import settings
    from django.test import override_settings

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private, "base_url": None},
            },
        }
    ).enable()
    from reporting import documents

    # As a Celery worker process: prepared once (reporting.tasks.prepare_worker), then it holds
    # the snapshot its jobs load (documents.snapshot_data freezes it the same way).
    documents.prepare_worker()
    _STATE["data"] = data
    documents._freeze_long_lived()


def ready(_: int) -> int:
    return os.getpid()


def build_one(item: tuple[int, str]) -> tuple[float, int]:
    """The task's build step for one organisation report; (ms, peak RSS in KiB)."""
    from reporting import documents, services

    organisation_id, base_name = item
    start = time.perf_counter()
    built = documents.build_from_data(
        _STATE["data"], kind="organisation", language="sv", organisation_id=organisation_id
    )
    services._store(f"{base_name}.pdf", built.pdf)
    services._store(f"{base_name}.xlsx", built.xlsx)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
