"""The long lists (agreements, milestones, funding rounds) are read in the order of an index and stopped after a
page, for the whole network and for one campus: the database never sorts every row to show fifty.

At 300,000 agreements the network-wide agreements list took 1.1 s when its rows were sorted, 4 ms when read
from the index (docs/benchmarks.md); these tests keep the queries in the shape that lets the index serve."""

from __future__ import annotations

import pytest
from django.db import connection

from biocampus.agreements.selectors import agreements_for
from biocampus.progress.selectors import funding_rounds_for, milestones_for

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
PAGE = 51  # a page of 50 and one more, to know whether another follows

LISTS = {
    "agreements": (agreements_for, "agreement_list_order", "agreement_campus_list_order"),
    "milestones": (milestones_for, "milestone_list_order", "milestone_campus_list_order"),
    "funding rounds": (funding_rounds_for, "fundinground_list_order", "fundinground_campus_list_order"),
}


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if SQLITE:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            # Empty test tables would be read whole and sorted: leave the planner the index paths only. After
            # earlier tests' rolled-back rows, autovacuum's statistics can also make a one-column index plus an
            # incremental sort look cheaper: that is turned off too, so the plan shows whether the list index
            # serves the whole order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def _assert_read_in_index_order(plan: str, index: str) -> None:
    assert index in plan, plan
    if SQLITE:
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Sort" not in plan.replace("Sort Key", ""), plan


def _expected_index(plan, *, network_index, campus_index, campus):
    """The index the walk must read in order. PostgreSQL chooses between the campus's index and the network's
    one (with the campus as a filter) by statistics that near-empty test tables lack, and its choice changes
    from run to run; both are read in order, so either way there is no sort. SQLite always takes the campus's."""
    if campus is None:
        return network_index
    if not SQLITE and campus_index not in plan:
        return network_index
    return campus_index


@pytest.mark.parametrize("name", LISTS)
def test_the_network_wide_list_reads_a_page_from_its_index(users, name):
    selector, index, _campus_index = LISTS[name]
    _assert_read_in_index_order(_plan(selector(users.superuser)[:PAGE]), index)


@pytest.mark.parametrize("name", LISTS)
def test_a_campus_teams_list_reads_a_page_from_its_campus_index(users, campus_a, name):
    selector, index, campus_index = LISTS[name]
    plan = _plan(selector(users.campus_admin, campus=campus_a)[:PAGE])
    _assert_read_in_index_order(
        plan, _expected_index(plan, network_index=index, campus_index=campus_index, campus=campus_a)
    )
