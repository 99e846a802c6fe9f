"""The dashboard's figures are read along indexes and stopped early, for the network and for one campus: the
database never sorts every milestone (853,000 at 1,000,000 organisations) to show the latest hundred, and the
network-wide rollup read runs along its covering index, without a sort."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biocampus.insight import kpis
from biocampus.insight.models import KpiRollup
from biocampus.progress.models import Milestone
from tests.web.test_list_plans import SQLITE, _assert_read_in_index_order, _expected_index, _plan

pytestmark = pytest.mark.django_db

YEAR = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}


def _scope(user, campus):
    return kpis.KpiScope(user=user, campus=campus, **YEAR)


@pytest.mark.parametrize("scope", ["network", "campus"])
def test_the_latest_figures_are_read_from_the_milestone_list_index(users, campus_a, scope):
    user, campus = (users.superuser, None) if scope == "network" else (users.campus_admin, campus_a)
    own_day, _event_day = kpis.figure_walks(_scope(user, campus).records(Milestone), _scope(user, campus))
    plan = _plan(own_day)
    index = _expected_index(
        plan, network_index="milestone_list_order", campus_index="milestone_campus_list_order", campus=campus
    )
    _assert_read_in_index_order(plan, index)


@pytest.mark.parametrize("scope", ["network", "campus"])
def test_the_market_reach_walk_reads_its_index_from_the_largest_value(users, campus_a, scope):
    user, campus = (users.superuser, None) if scope == "network" else (users.campus_admin, campus_a)
    reach = kpis.reach_rows(_scope(user, campus).records(Milestone), _scope(user, campus))
    plan = _plan(reach.order_by("-value", "id")[:500])
    index = _expected_index(
        plan, network_index="milestone_kind_value", campus_index="milestone_campus_kind_value", campus=campus
    )
    _assert_read_in_index_order(plan, index)


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL picks among the rollup indexes by statistics an empty table lacks")
def test_the_network_wide_rollup_read_is_covered_by_its_index(users):
    scope = _scope(users.superuser, None)
    scope.every_campus = True
    rows = kpis._rollup_rows(KpiRollup.objects.filter(metric__in=kpis.SUMMED_ROLLUPS), scope)
    grouped = rows.values("metric", "month", "key").annotate(total=kpis.Sum("value"))
    plan = _plan(grouped)
    assert "COVERING INDEX kpi_rollup_network_read" in plan and "TEMP B-TREE" not in plan, plan


# The statistics ANALYZE gathered on the generated network of 1,000,000 organisations (docs/benchmarks.md):
# 40,000 programmes, 142,041 targets, about 4 a programme. The planner's choice of a join order depends on
# them; empty test tables have none.
NETWORK_STATISTICS = [
    ("progress_programme", "programme_name_idx", "40000 141 1"),
    ("progress_programme", "sqlite_autoindex_progress_programme_1", "40000 1"),
    ("progress_target", "progress_target_programme_id_84cede89", "142041 4"),
    ("progress_target", "progress_target_campus_id_1b61a717", "142041 711"),
    ("progress_target", "sqlite_autoindex_progress_target_1", "142041 1"),
]

FORGET_STATISTICS = "DELETE FROM sqlite_stat1 WHERE tbl IN ('progress_programme', 'progress_target')"


@pytest.fixture
def network_statistics(db):
    """The planner sees the statistics of a network of 1,000,000 organisations for the programme tables, and
    none again afterwards (the loaded statistics outlive the test's rolled-back transaction otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE progress_programme")  # makes sqlite_stat1 if the database has none yet
        cursor.execute(FORGET_STATISTICS)
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", NETWORK_STATISTICS)
        cursor.execute("ANALYZE sqlite_schema")  # loads them
    yield
    with connection.cursor() as cursor:
        cursor.execute(FORGET_STATISTICS)
        cursor.execute("ANALYZE sqlite_schema")


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL picks its join order by statistics an empty table lacks")
def test_the_networks_listed_targets_are_walked_in_programme_name_order(users, network_statistics):
    """The dashboard lists the first 100 running targets by programme name: read programme by programme
    along programme_name_idx, sorting only each programme's own targets, instead of sorting every running
    target of the network (80,000 at 1,000,000 organisations)."""
    scope = _scope(users.superuser, None)
    plan = _plan(kpis._running_targets(scope).values_list("pk", flat=True)[: kpis.LISTED_RECORDS])
    assert "programme_name_idx" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # "FOR RIGHT PART OF ORDER BY": one programme's targets


def test_a_campus_rollup_read_has_no_campus_only_index_to_stray_into():
    """The dashboard reads a campus's buckets of five metrics over some months along the unique (campus,
    metric, month, key). An index on the campus alone lets PostgreSQL read every bucket of the campus instead
    (300,000 partner months at 1,000,000 organisations, for 331 rows: 27 against 0.75 ms)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, KpiRollup._meta.db_table)
    leading_campus = {
        tuple(spec["columns"])
        for spec in constraints.values()
        if (spec["index"] or spec["unique"]) and not spec["foreign_key"] and spec["columns"][:1] == ["campus_id"]
    }
    assert leading_campus == {("campus_id", "metric", "month", "key")}, constraints


@pytest.mark.skipif(SQLITE, reason="server-side cursors are PostgreSQL's")
def test_a_campus_judges_its_running_targets_in_one_plain_query(users, campus_a):
    """On PostgreSQL iterator() is a cursor, whose query is planned for its first rows: 90 against 15 ms for
    the busiest campus's 2,097 running targets at 1,000,000 organisations. A campus's fit in memory."""
    with CaptureQueriesContext(connection) as queries:
        kpis.compute_kpis(users.campus_admin, campus=campus_a, names=["programme_progress"], **YEAR)
    statuses = [query["sql"] for query in queries if '"status"' in query["sql"]]
    assert statuses and not [sql for sql in statuses if sql.startswith("DECLARE")], statuses
