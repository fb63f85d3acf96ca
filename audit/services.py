"""The audit trail's writes: record one change, or many from a bulk write."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from audit.context import current_actor
from audit.models import AuditEntry

# The entries of bulk writes inside ``deferred()``, written in one INSERT when it ends.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("audit_pending", default=None)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Write the entries of the bulk writes inside the block (``record_bulk``: QuerySet
    ``update()``, ``bulk_create()``, ``bulk_update()``) in one INSERT as it ends, for a service
    that writes several audited models in one transaction. Only inside ``transaction.atomic()``:
    if the block raises, nothing is written, and the rollback discards the writes too. (A bulk
    write in a savepoint that is rolled back while the block goes on would still be recorded:
    keep such savepoints out of the block.)"""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.services.deferred() must run inside transaction.atomic().")
    if _pending.get() is not None:  # nested: the outer block writes them
        yield
        return
    entries: list[AuditEntry] = []
    token = _pending.set(entries)
    try:
        yield
    finally:
        _pending.reset(token)
    AuditEntry.objects.bulk_create(entries)


def _actor_fields() -> dict[str, Any]:
    actor = current_actor()
    if actor is None:
        return {"actor": None, "actor_label": ""}
    return {"actor": actor, "actor_label": actor.get_username()[:150]}


def record(*, instance: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    from audit.registry import organisation_of

    return AuditEntry.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        organisation_id=organisation_of(instance),
        changes=changes,
        **_actor_fields(),
    )


def record_bulk(
    *,
    model: type[models.Model],
    action: str,
    rows: Iterable[tuple[Any, int | None, dict[str, Any]]],
) -> int:
    """Record a bulk write: ``rows`` are ``(pk, organisation_id, {field: [old, new]})``.

    Called by the QuerySet hooks in audit.registry; call it yourself after raw SQL.
    """
    content_type = ContentType.objects.get_for_model(model)
    actor = _actor_fields()
    label = str(model._meta.verbose_name)
    entries = [
        AuditEntry(
            action=action,
            content_type=content_type,
            object_id=str(pk),
            object_repr=f"{label} #{pk}"[:255],
            organisation_id=organisation_id,
            changes=changes,
            bulk=True,
            **actor,
        )
        for pk, organisation_id, changes in rows
    ]
    pending = _pending.get()
    if pending is not None:
        pending.extend(entries)
    else:
        AuditEntry.objects.bulk_create(entries)
    return len(entries)
