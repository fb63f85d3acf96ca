import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _empty_cache():
    """The matrix counts are cached; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _swedish():
    """Messages are asserted in Swedish, the source language, whatever a previous test in the
    same worker activated."""
    with translation.override("sv"):
        yield
