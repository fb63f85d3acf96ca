import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _swedish():
    """Messages are asserted in Swedish, the source language, whatever a previous test in the
    same worker activated."""
    with translation.override("sv"):
        yield
