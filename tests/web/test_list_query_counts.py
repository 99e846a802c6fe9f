"""Every list page runs the same number of queries for N rows as for 3N, and stays under a fixed bound.

The list pages are found in the URL configuration: every view of the generic RecordListView without URL
arguments, plus the function views named in FUNCTION_LISTS. Each needs a row maker in ROWS; a new list
page without one fails `test_every_list_page_has_a_row_maker`, so none is forgotten.
The row makers live in tests/web/rows.py (shared with test_query_counts.py).
Not measured here: exchange:duplicates (a report over the whole registry, not a paged list) and the insight
pages (the dashboard and graph are not lists).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from biocampus.core.views_generic import RecordListView
from tests.web.rows import QUERIES, ROWS, make_world

pytestmark = pytest.mark.django_db

N = 20  # and then 3N = 60 rows: past one page of 50, so the second read pages too
MAX_QUERIES = 25  # every list page, whatever its rows; most need about half of it

# Function views that list records (the generic list views are found by their class).
FUNCTION_LISTS = {
    "directory:organization_list",
    "progress:exchangerate_list",
    "intake:application_board",
    "servicedesk:catalogue",
    "servicedesk:request_list",
    "intelligence:inbox",
}
NOT_MEASURED = {"exchange:duplicates"}


def _list_pages() -> set[str]:
    """The names of the list pages in the URL configuration (no URL arguments)."""
    found = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                view_class = getattr(pattern.callback, "view_class", None)
                generic = view_class is not None and issubclass(view_class, RecordListView)
                if generic or name in FUNCTION_LISTS or name.endswith("_list"):
                    found.add(name)

    walk(get_resolver().url_patterns)
    return found - NOT_MEASURED


def test_every_list_page_has_a_row_maker():
    pages = _list_pages()
    assert pages - set(ROWS) == set(), "a list page without a row maker in ROWS: add one"
    assert set(ROWS) - pages == set(), "a row maker for a page that is not in the URL configuration"


@pytest.fixture
def world(users, campus_a, campus_b):
    return make_world(campus_a, campus_b)


def _queries(client, path) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return len(captured), [query["sql"][:200] for query in captured.captured_queries]


CASES = [(name, query) for name in sorted(ROWS) for query in QUERIES.get(name, [""])]


@pytest.mark.parametrize(("name", "query"), CASES)
@pytest.mark.parametrize("role", ["campus_admin", "partner", "resident_member"])
def test_list_page_queries_do_not_grow_with_the_rows(users, world, name, query, role):
    path = reverse(name) + query
    client = Client()
    client.force_login(getattr(users, role))
    if client.get(path).status_code == 403:
        pytest.skip(f"{role} may not open {name}")
    for _ in range(N):
        ROWS[name](world)
    client.get(path)  # warm up: session, content types, permissions
    few, _ = _queries(client, path)
    for _ in range(2 * N):
        ROWS[name](world)
    many, sql = _queries(client, path)
    assert many == few, f"{path}: {few} queries for {N} rows, {many} for {3 * N}:\n" + "\n".join(sql)
    assert many <= MAX_QUERIES, f"{path}: {many} queries:\n" + "\n".join(sql)
