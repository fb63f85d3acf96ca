"""One paginator for list pages that show rows of a filtered query (``.values()`` querysets or
:class:`SlicedRows` of hand-written SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet


class RowPaginator(Paginator[Any]):
    """A Paginator that avoids counting work the page does not need.

    * ``counted``: the same filter without the joins and annotations the rows carry. SQLite
      runs those joins inside COUNT(*) too, and then the count costs more than the page.
    * Page 1 is read before counting: when its rows do not fill the page, their number is the
      count, so a search or a narrow filter needs no COUNT at all (a ``LIKE`` search cannot use
      an index, so COUNT is a second pass over every row). Other pages count as usual.
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        counted: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted.count() if self.counted is not None else super().count

    def page(self, number: Any) -> Page[Any]:
        if str(number) != "1" or self.orphans or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # what the cached_property would have found
        return Page(rows, self.validate_number(1), self)


class SlicedRows:
    """Rows from hand-written SQL for ``RowPaginator``: ``count()``, ``[start:stop]`` slices and
    iteration (in chunks, for exports), nothing else. Subclasses give the COUNT statement (over
    ``self.params``) and the rows of one slice; a user who may not see them (``allowed``
    false) gets none."""

    allowed = True
    params: list[Any]
    chunk_size = 2000

    def count_sql(self) -> str:
        raise NotImplementedError

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    def count(self) -> int:
        if not self.allowed:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql(), self.params)
            return int(cursor.fetchone()[0])

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start = index.start or 0
        if index.stop is None or index.step is not None or start < 0 or index.stop < start:
            raise TypeError(f"{type(self).__name__} takes a slice [start:stop] only.")
        return self.rows(start, index.stop - start) if self.allowed else []

    def __iter__(self) -> Iterator[dict[str, Any]]:
        offset = 0
        while self.allowed:
            chunk = self.rows(offset, self.chunk_size)
            yield from chunk
            if len(chunk) < self.chunk_size:
                return
            offset += self.chunk_size
