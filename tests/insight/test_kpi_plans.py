"""The dashboard's figures are read along indexes and stopped early, for the network and for one campus: the
database never sorts every milestone (853,000 at 1,000,000 organisations) to show the latest hundred, and the
network-wide rollup read runs along its covering index, without a sort."""

from __future__ import annotations

import datetime

import pytest

from biocampus.insight import kpis
from biocampus.insight.models import KpiRollup
from biocampus.progress.models import Milestone
from tests.web.test_list_plans import SQLITE, _assert_read_in_index_order, _plan

pytestmark = pytest.mark.django_db

YEAR = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}


def _scope(user, campus):
    return kpis.KpiScope(user=user, campus=campus, **YEAR)


@pytest.mark.parametrize("scope", ["network", "campus"])
def test_the_latest_figures_are_read_from_the_milestone_list_index(users, campus_a, scope):
    user, campus = (users.superuser, None) if scope == "network" else (users.campus_admin, campus_a)
    own_day, _event_day = kpis.figure_walks(_scope(user, campus).records(Milestone), _scope(user, campus))
    index = "milestone_list_order" if campus is None else "milestone_campus_list_order"
    _assert_read_in_index_order(_plan(own_day), index)


@pytest.mark.parametrize("scope", ["network", "campus"])
def test_the_market_reach_walk_reads_its_index_from_the_largest_value(users, campus_a, scope):
    user, campus = (users.superuser, None) if scope == "network" else (users.campus_admin, campus_a)
    reach = kpis.reach_rows(_scope(user, campus).records(Milestone), _scope(user, campus))
    plan = _plan(reach.order_by("-value", "id")[:500])
    index = "milestone_kind_value" if campus is None else "milestone_campus_kind_value"
    if not SQLITE and campus is not None and index not in plan:
        # PostgreSQL chooses between the campus's index and the network's one (with the campus as a filter) by
        # statistics that near-empty test tables lack (both read in value order); either way, no sort.
        index = "milestone_kind_value"
    _assert_read_in_index_order(plan, index)


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL picks among the rollup indexes by statistics an empty table lacks")
def test_the_network_wide_rollup_read_is_covered_by_its_index(users):
    scope = _scope(users.superuser, None)
    scope.every_campus = True
    rows = kpis._rollup_rows(KpiRollup.objects.filter(metric__in=kpis.SUMMED_ROLLUPS), scope)
    grouped = rows.values("metric", "month", "key").annotate(total=kpis.Sum("value"))
    plan = _plan(grouped)
    assert "COVERING INDEX kpi_rollup_network_read" in plan and "TEMP B-TREE" not in plan, plan
