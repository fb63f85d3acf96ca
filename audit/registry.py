"""Which models are audited, and the hooks that record every write to them.

Two paths write rows, and both are covered:

* ``Model.save()`` / ``Model.delete()`` (and ``QuerySet.delete()``, which Django turns into
  per-object signals as soon as a receiver exists): ``post_init`` keeps the values as loaded,
  ``post_save`` / ``post_delete`` record the difference. No extra query on save.
* ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` send no signals (security.md
  §0.4: the reason signal-based audit packages miss bulk writes). We wrap those three QuerySet
  methods once, at start-up: for an audited model the wrapper reads the affected rows before
  (one SELECT), writes, and records one entry per row (one INSERT). Other models pass straight
  through. Services may also call :func:`audit.services.record_bulk` for raw SQL, or
  :func:`update_instances` for an UPDATE of rows they hold as loaded instances (no read at all).
  Inside :func:`audit.services.deferred` the entries of all bulk writes go in one INSERT.

``AUDITED`` maps a model label to the ORM path of its organisation (or None), which lets an
organisation's page show the history of everything that belongs to it.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import signals
from django.db.models.expressions import Combinable
from django.db.models.query import QuerySet

AUDITED: dict[str, str | None] = {
    "partners.Organisation": "pk",
    "partners.ContactPerson": None,
    "partners.Membership": "organisation_id",
    "partners.Declaration": "organisation_id",
    "partners.CommitmentSet": "organisation_id",
    "partners.Commitment": "commitment_set__organisation_id",
    "activities.Activity": None,
    "activities.Participation": "organisation_id",
    "surveys.Response": "organisation_id",
    "surveys.Answer": "response__organisation_id",
    "reporting.ReportYear": None,  # the publication of a year's report
    "roadmap.PartnershipBranding": None,  # the logo and accent colour of pages and reports
}
# Bookkeeping columns that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"version", "updated_at", "modified_at", "last_saved_at"}
_LOADED = "_audit_loaded"
# Set during GDPR erasure: recording the anonymisation would copy the erased values into the trail.
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def is_audited(model: type[models.Model]) -> bool:
    return model._meta.label in AUDITED and not model._meta.proxy


@functools.cache
def _recorded_attnames(model: type[models.Model]) -> tuple[str, ...]:
    """The columns the trail records for ``model``, read from the model class once (every loaded
    row is snapshotted, thousands on a long list). A model's fields do not change while the
    process runs: this keeps no data, only the class's shape."""
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in IGNORED_FIELDS and not f.primary_key
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's loaded field values (deferred fields are left out)."""
    data = instance.__dict__
    return {name: data[name] for name in _recorded_attnames(type(instance)) if name in data}


def organisation_of(instance: models.Model) -> int | None:
    path = AUDITED.get(instance._meta.label)
    if path is None:
        return None
    if path == "pk":
        return int(instance.pk)
    first, *rest = path.split("__")
    if not rest:
        value = getattr(instance, first, None)
        return int(value) if value is not None else None
    # A path through a relation: use the cached related object, or one query.
    relation = first
    cached = instance._state.fields_cache.get(relation)
    if cached is not None:
        value = getattr(cached, rest[0], None)
        return int(value) if value is not None else None
    value = type(instance)._base_manager.filter(pk=instance.pk).values_list(path, flat=True).first()
    return int(value) if value is not None else None


# --- signal receivers -----------------------------------------------------------------------------


def _post_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance.pk is not None:
        setattr(instance, _LOADED, snapshot(instance))


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kw: Any
) -> None:
    if raw or _suspended.get():  # loaddata, or a GDPR erasure
        return
    from audit import services

    current = snapshot(instance)
    if created:
        changes = {k: [None, jsonable(v)] for k, v in current.items()}
    else:
        before: dict[str, Any] = getattr(instance, _LOADED, {})
        changes = {
            k: [jsonable(before.get(k)), jsonable(v)]
            for k, v in current.items()
            if k in before and before[k] != v
        }
        if not changes:
            setattr(instance, _LOADED, current)
            return
    services.record(
        instance=instance,
        action="create" if created else "update",
        changes=changes,
    )
    setattr(instance, _LOADED, current)


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from audit import services

    if _suspended.get():
        return
    changes = {k: [jsonable(v), None] for k, v in snapshot(instance).items()}
    services.record(instance=instance, action="delete", changes=changes)


# --- bulk writes ----------------------------------------------------------------------------------

_original_update = QuerySet.update
_original_bulk_create = QuerySet.bulk_create
_original_bulk_update = QuerySet.bulk_update


# Set while bulk_update() or update_instances() runs: they call update() themselves, and record
# their own entries.
_in_bulk_update: ContextVar[bool] = ContextVar("audit_in_bulk_update", default=False)


def _audited_update(self: QuerySet[Any], **kwargs: Any) -> int:
    model = self.model
    if not is_audited(model) or _in_bulk_update.get() or _suspended.get():
        return _original_update(self, **kwargs)
    from audit import services

    names = [model._meta.get_field(k).attname for k in kwargs]
    names = [n for n in names if n not in IGNORED_FIELDS]
    org_path = AUDITED[model._meta.label]
    columns = ["pk", *names] + ([org_path] if org_path and org_path != "pk" else [])
    # No ORDER BY (an UPDATE has none either): a model's default ordering may join other tables.
    reads = self if self.query.is_sliced else self.order_by()
    before = list(reads.values(*columns)) if names else []
    count = _original_update(self, **kwargs)
    if not before or not count:
        return count
    # Values computed in SQL (F() + 1, Case, ...) are read back after the write, but only for
    # recorded fields: an F("version") + 1 on an ignored field needs no second read.
    computed = any(
        isinstance(v, Combinable) and model._meta.get_field(k).attname in names
        for k, v in kwargs.items()
    )
    after: dict[Any, dict[str, Any]] = {}
    if computed:
        pks = [row["pk"] for row in before]
        after = {
            row["pk"]: row
            for row in model._base_manager.filter(pk__in=pks).order_by().values("pk", *names)
        }
    plain = {
        model._meta.get_field(k).attname: v.pk if isinstance(v, models.Model) else v
        for k, v in kwargs.items()
    }
    rows = []
    for row in before:
        new = after.get(row["pk"]) if computed else plain
        if new is None:  # the UPDATE's filter no longer matched this row (a concurrent write)
            continue
        changes = {n: [jsonable(row[n]), jsonable(new[n])] for n in names if row[n] != new[n]}
        if changes:
            org = row["pk"] if org_path == "pk" else row.get(org_path) if org_path else None
            rows.append((row["pk"], org, changes))
    services.record_bulk(model=model, action="update", rows=rows)
    return count


def _audited_bulk_create(
    self: QuerySet[Any], objs: Iterable[Any], *args: Any, **kwargs: Any
) -> Any:
    created = _original_bulk_create(self, objs, *args, **kwargs)
    if is_audited(self.model) and not _suspended.get():
        from audit import services

        rows = []
        for obj in created:
            if obj.pk is None:  # a database that does not return ids: nothing to point at
                continue
            current = snapshot(obj)
            rows.append(
                (obj.pk, organisation_of(obj), {k: [None, jsonable(v)] for k, v in current.items()})
            )
            setattr(obj, _LOADED, current)
        services.record_bulk(model=self.model, action="create", rows=rows)
    return created


def record_instances(model: type[models.Model], objs: list[Any], fields: Iterable[str]) -> None:
    """One "update" entry per instance whose ``fields`` differ from its values as loaded.

    For a caller that wrote the rows itself (a hand-written UPDATE, as the survey autosave
    does) and holds them as loaded instances with their new values."""
    if not is_audited(model) or _suspended.get():
        return
    from audit import services

    attnames = [
        field.attname
        for field in (model._meta.get_field(name) for name in fields)
        if isinstance(field, models.Field)
    ]
    rows = []
    for obj in objs:
        before: dict[str, Any] = getattr(obj, _LOADED, {})
        current = snapshot(obj)
        changes = {
            k: [jsonable(before.get(k)), jsonable(current[k])]
            for k in attnames
            if k in current and before.get(k) != current[k]
        }
        if changes:
            rows.append((obj.pk, organisation_of(obj), changes))
            setattr(obj, _LOADED, current)
    services.record_bulk(model=model, action="update", rows=rows)


def _audited_bulk_update(
    self: QuerySet[Any], objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
) -> int:
    objs = list(objs)
    fields = list(fields)
    token = _in_bulk_update.set(True)
    try:
        count = _original_bulk_update(self, objs, fields, *args, **kwargs)
    finally:
        _in_bulk_update.reset(token)
    record_instances(self.model, objs, fields)
    return count


def update_instances(queryset: QuerySet[Any], objs: Iterable[Any], **values: Any) -> int:
    """``queryset.update(**values)`` for rows the caller holds as loaded instances and has
    already given their new values: recorded from each instance's loaded values, as
    ``bulk_update()`` is, so no read before or after the write (one UPDATE, one INSERT).

    For a write that ``bulk_update()`` would make heavier than needed: ``values`` may be plain
    values where every row gets the same one, a ``Case`` only where they differ, an
    ``F()`` expression on an ignored field. The caller must make ``values`` write exactly what
    the instances hold, and ``queryset`` match at most their rows; ``queryset`` may add
    conditions (a guard), but a write that matched only some of the rows cannot tell which:
    the caller must roll it back. A write that matched none records nothing.
    """
    objs = list(objs)
    token = _in_bulk_update.set(True)
    try:
        count = queryset.update(**values)
    finally:
        _in_bulk_update.reset(token)
    if count:
        record_instances(queryset.model, objs, values)
    return count


def connect() -> None:
    for label in AUDITED:
        try:
            model = apps.get_model(label)
        except LookupError:  # an app still being built: audited once its model exists
            continue
        uid = f"audit:{label}"
        signals.post_init.connect(_post_init, sender=model, dispatch_uid=uid + ":init")
        signals.post_save.connect(_post_save, sender=model, dispatch_uid=uid + ":save")
        signals.post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ":delete")
    if QuerySet.update is not _audited_update:
        QuerySet.update = _audited_update  # type: ignore[method-assign]
        QuerySet.bulk_create = _audited_bulk_create  # type: ignore[method-assign]
        QuerySet.bulk_update = _audited_bulk_update  # type: ignore[method-assign]
