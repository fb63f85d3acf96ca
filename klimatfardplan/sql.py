"""Quoted table and column names for the few statements written out as SQL.

Some hot pages (activities, spaces, surveys) run hand-written statements where Django spent
longer building a query than the database running it. Their names always come from the models'
``_meta`` through these helpers, quoted for the connection, and every value goes in as a
parameter: nothing a user typed is ever formatted into the text."""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper


def _meta(model: Any) -> Any:
    return getattr(model, "_meta", model)  # a model class or its Options


def table(model: Any, *, connection: BaseDatabaseWrapper = default_connection) -> str:
    """``"db_table"`` of a model (or its ``_meta``)."""
    return connection.ops.quote_name(_meta(model).db_table)


def column(
    model: Any,
    field: str,
    alias: str | None = None,
    *,
    connection: BaseDatabaseWrapper = default_connection,
) -> str:
    """A model field's column as SQL: ``alias."column"``, or ``"table"."column"`` without an
    alias (then the table must be unaliased in the statement)."""
    meta = _meta(model)
    name = connection.ops.quote_name(meta.get_field(field).column)
    return f"{alias if alias is not None else table(meta, connection=connection)}.{name}"


def fingerprint(
    model: Any, *, connection: BaseDatabaseWrapper = default_connection
) -> tuple[int, str]:
    """The number of rows of ``model`` and their latest ``updated_at``: a key for things
    computed from the whole table and kept between requests. Two scalar subqueries, each
    answered from an index (the table's row count, an index on ``updated_at``), where a single
    ``SELECT COUNT(*), MAX(…)`` would scan every row. Adding or deleting a row changes it, as
    does ``save()`` (``auto_now``); a ``QuerySet.update`` changes it only if it sets
    ``updated_at``, so whoever keeps a value under this key must make sure every write its value
    depends on does (the partner services do; ``activities.links`` does for an activity's
    links)."""
    name = table(model, connection=connection)
    updated = column(model, "updated_at", connection=connection).rpartition(".")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {name}), (SELECT MAX({updated}) FROM {name})"  # noqa: S608
        )
        count, latest = cursor.fetchone()
    return count, str(latest).replace(" ", "T")  # no spaces in cache keys
