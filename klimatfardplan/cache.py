"""Values computed from the database, kept in Django's shared cache under versioned keys.

A *namespace* ("followup") names what a value is computed from. Its current version is a token in
the cache; values are stored under ``kf:<namespace>:<version>:<key>``. The one service that
changes that data calls :func:`bump`, which gives the namespace a new token, so every process
reads the new data on its next request: nothing is kept per process, and no writer has to
remember more than calling its service. Every value also expires (``timeout``): a safety net for
a write made behind the services' back (a shell, a migration).

A cache outage is a miss, never an error: :func:`get_or_compute` computes the value when the cache
cannot be read or written, and :class:`TolerantRedisCache` (what ``CACHE_URL=redis://…`` selects,
see settings) answers every other caller (the reference data, the password-reset throttle) as a
cache that holds nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = 10 * 60  # seconds a value is kept at most, even if nothing bumps it
VERSION_TIMEOUT = 24 * 60 * 60  # a version token lost or expired only costs one recompute
_MISSING = object()


def _version_key(namespace: str) -> str:
    return f"kf:version:{namespace}"


def _warn(action: str, namespace: str, exc: Exception) -> None:
    logger.warning("cache %s failed for %s (treated as a miss): %r", action, namespace, exc)


def current_version(namespace: str) -> str | None:
    """The namespace's version token, or None when the cache cannot be reached."""
    key = _version_key(namespace)
    try:
        token: str | None = cache.get(key)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(key, token, VERSION_TIMEOUT):
                token = cache.get(key) or token  # another process set it first
    # Any backend's failure (Redis, memcached, a full disk for the file cache) is a miss.
    except Exception as exc:
        _warn("version read", namespace, exc)
        return None
    return token


def get_or_compute(
    namespace: str, key: str, compute: Callable[[], T], *, timeout: int = DEFAULT_TIMEOUT
) -> T:
    """``compute()``'s value, from the cache when it holds one for the namespace's current
    version. The version is read before computing: a value computed while a writer commits is
    stored under the version its bump replaces, where nobody reads it again."""
    version = current_version(namespace)
    if version is None:
        return compute()
    full_key = f"kf:{namespace}:{version}:{key}"
    try:
        found = cache.get(full_key, _MISSING)
    except Exception as exc:  # see current_version
        _warn("read", namespace, exc)
        return compute()
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = compute()
    try:
        cache.set(full_key, value, timeout)
    except Exception as exc:  # see current_version
        _warn("write", namespace, exc)
    return value


def refresh(
    namespace: str, key: str, compute: Callable[[], Any], *, timeout: int = DEFAULT_TIMEOUT
) -> None:
    """Compute the value and store it for the namespace's current version, whether or not one
    is stored: for a task that keeps a costly value ready, so that no reader waits for it."""
    version = current_version(namespace)
    if version is None:
        return
    value = compute()
    try:
        cache.set(f"kf:{namespace}:{version}:{key}", value, timeout)
    except Exception as exc:  # see current_version
        _warn("write", namespace, exc)


def _new_version(namespace: str) -> None:
    try:
        cache.set(_version_key(namespace), uuid.uuid4().hex, VERSION_TIMEOUT)
    except Exception as exc:  # see current_version; the values still expire
        _warn("version bump", namespace, exc)


def bump(namespace: str) -> None:
    """The namespace's data changed in this transaction: new version now and again on commit.

    The bump on commit is the one that counts for other processes (they cannot see the rows
    before it), including a value one of them computed from the old rows between the two. The bump
    now lets this transaction read its own writes, and tests, whose transactions never commit."""
    _new_version(namespace)
    transaction.on_commit(lambda: _new_version(namespace))


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that answers as an empty cache while Redis is unreachable (a get is
    a miss, a write is dropped, a counter restarts) instead of raising into the page."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _warn("get", str(key), exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _warn("get_many", "", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _warn("has_key", str(key), exc)
            return False

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _warn("add", str(key), exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _warn("set", str(key), exc)

    def set_many(self, data: Any, timeout: Any = None, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _warn("set_many", "", exc)
            return list(data)

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _warn("touch", str(key), exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _warn("delete", str(key), exc)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            _warn("delete_many", "", exc)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            # What a cache without the key answers: the caller starts a new count.
            _warn("incr", str(key), exc)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from exc

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as exc:
            _warn("clear", "", exc)
