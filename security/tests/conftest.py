from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def erasure_ledger(settings: LazySettings, tmp_path: Path) -> Path:
    """Tests erase sentinel people: keep their ledger out of the real var/ folder."""
    settings.GDPR_ERASURE_LEDGER = tmp_path / "gdpr-erasures.txt"
    ledger: Path = settings.GDPR_ERASURE_LEDGER
    return ledger
