"""The list pages' paginator: right counts and page contents, with fewer COUNT queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from klimatfardplan.pagination import RowPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def users() -> None:
    User.objects.bulk_create([User(username=f"user{n:02d}") for n in range(12)])


def test_a_short_first_page_is_counted_from_its_rows_without_a_count_query(users: None) -> None:
    rows = User.objects.filter(username__startswith="user0").order_by("username").values("username")
    with CaptureQueriesContext(connection) as queries:
        page = RowPaginator(rows, 25).page(1)
        assert page.paginator.count == 10
        assert [r["username"] for r in page.object_list][:2] == ["user00", "user01"]
    assert len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper()


def test_a_full_first_page_and_later_pages_count_the_counted_query(users: None) -> None:
    rows = User.objects.order_by("username").values("username")
    counted = User.objects.filter(username__startswith="user")
    paginator = RowPaginator(rows, 5, counted=counted)
    first = paginator.page(1)
    assert len(first.object_list) == 5
    assert paginator.count == 12
    assert paginator.num_pages == 3
    last = RowPaginator(rows, 5, counted=counted).page(3)
    assert [r["username"] for r in last.object_list] == ["user10", "user11"]
    assert last.has_previous()
    assert not last.has_next()
