"""Row queries of the form page and the autosave, compiled once per process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# --- values_list() queries compiled once per process ----------------------------------------------
#
# The form page and the autosave run the same few row queries on every request, differing only
# in ids. Compiling them through the ORM cost more than running them: each is compiled once per
# process (and database vendor) with stand-in ids, and later run with the real ids as
# parameters, its rows converted by the converters the ORM would apply.

# Stand-in ids: within every integer field's range (a lookup with an out-of-range value is
# compiled away), each of which must appear exactly once among the compiled parameters.
_STAND_IN = 32_001


_COMPILED: dict[tuple[str, str, str], tuple[str, list[int | None], list[Any], list[Any]]] = {}


def _rows(name: str, build: Callable[..., QuerySet[Any]], *ids: int) -> list[tuple[Any, ...]]:
    """The rows of the ``values_list()`` queryset ``build(*ids)``, ``ids`` integers, compiled
    once (``name`` names the query; ``build`` must make the same query for any ids)."""
    key = (name, connection.alias, connection.vendor)
    entry = _COMPILED.get(key)
    if entry is None:
        stand_ins = [_STAND_IN + i for i in range(len(ids))]
        queryset = build(*stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        positions = [
            stand_ins.index(p) if type(p) is int and p in stand_ins else None for p in params
        ]
        if sorted(i for i in positions if i is not None) != list(range(len(ids))):
            return [tuple(row) for row in build(*ids)]  # not a query to reuse: run it as is
        converters = [
            (i, convs, expression)
            for i, (convs, expression) in compiler.get_converters(
                [expression for expression, _sql, _alias in compiler.select]
            ).items()
        ]
        entry = (sql, positions, list(params), converters)
        _COMPILED[key] = entry
    sql, positions, params, converters = entry
    values = [p if i is None else ids[i] for i, p in zip(positions, params, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    result = []
    for fetched in rows:
        row = list(fetched)
        for i, convs, expression in converters:
            value = row[i]
            for converter in convs:
                value = converter(value, expression, connection)
            row[i] = value
        result.append(tuple(row))
    return result


def _instance(
    name: str, model: type[Any], build: Callable[..., QuerySet[Any]], *ids: int, extra: int = 0
) -> tuple[Any, tuple[Any, ...]] | None:
    """The one ``model`` instance ``build(*ids)`` finds (or None), loaded as the ORM loads it
    (``Model.from_db()``), through :func:`_rows`. ``build`` returns a ``values_list()`` of the
    model's concrete fields (:func:`_fields`) then ``extra`` more values, given back beside it."""
    rows = _rows(name, build, *ids)
    if not rows:
        return None
    row = rows[0]
    n = len(row) - extra
    return model.from_db(connection.alias, _fields(model), row[:n]), row[n:]


def _fields(model: type[Any]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]
