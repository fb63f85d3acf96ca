"""A Paginator for list pages that show rows of a filtered query (``.values()`` querysets)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
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
