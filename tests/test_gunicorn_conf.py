"""The web workers' gunicorn settings (gunicorn.conf.py): read by default from the project's
root, and each worker keeps its long-lived objects out of full garbage collections."""

from __future__ import annotations

import gc
import os
import runpy
from pathlib import Path

from gunicorn.config import get_default_config_file

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_reads_the_projects_settings_file_without_being_told(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # where the Dockerfile, docker-compose.yml and load/run.sh start it
    assert get_default_config_file() == os.fspath(ROOT / "gunicorn.conf.py")


def test_a_worker_freezes_what_it_loaded_before_its_first_request() -> None:
    settings = runpy.run_path(os.fspath(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # the app's modules, classes and functions
    finally:
        gc.unfreeze()
