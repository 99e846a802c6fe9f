"""Target progress and on-track status (insight.kpis): the rule, its edge cases, and lists without N+1."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biocampus.insight.kpis import programme_progress, target_progress, targets_progress
from biocampus.progress.models import Target
from tests.factories import ObservationFactory, ProgrammeFactory, TargetFactory

pytestmark = pytest.mark.django_db

JAN_1, JUL_2, DEC_31 = datetime.date(2021, 1, 1), datetime.date(2021, 7, 2), datetime.date(2021, 12, 31)


def target(**kwargs):
    values = {"starts_on": JAN_1, "due_on": DEC_31, "baseline": Decimal(0), "goal": Decimal(1000)}
    return TargetFactory(**(values | kwargs))


def observe(t, day, value):
    return ObservationFactory(target=t, observed_on=day, value=Decimal(value))


def test_no_observation_is_not_started_with_the_expected_value_on_the_line():
    progress = target_progress(target(), as_of=JUL_2)
    assert progress.status == "not_started"
    assert (progress.latest_value, progress.latest_on, progress.fraction) == (None, None, None)
    assert progress.percent == 0
    # 182 of 364 days: half way, so half the goal is expected
    assert progress.expected_fraction == Decimal("0.5")
    assert progress.expected_value == Decimal("500.00")


def test_ahead_of_the_line_is_on_track_and_behind_it_is_behind():
    t = target()
    observe(t, datetime.date(2021, 6, 30), 600)
    assert target_progress(t, as_of=JUL_2).status == "on_track"
    assert target_progress(t, as_of=JUL_2).percent == 60
    assert target_progress(t, as_of=datetime.date(2021, 10, 1)).status == "behind"  # ~75 % expected by then


def test_observations_are_cumulative_and_the_latest_before_as_of_counts():
    t = target()
    observe(t, datetime.date(2021, 3, 1), 200)
    observe(t, datetime.date(2021, 9, 1), 900)
    early = target_progress(t, as_of=datetime.date(2021, 4, 1))
    assert (early.latest_value, early.latest_on) == (Decimal(200), datetime.date(2021, 3, 1))
    assert target_progress(t, as_of=datetime.date(2021, 9, 2)).latest_value == Decimal(900)


def test_reaching_the_goal_is_achieved_even_after_the_due_date():
    t = target()
    observe(t, datetime.date(2021, 11, 1), 1000)
    progress = target_progress(t, as_of=datetime.date(2023, 1, 1))
    assert progress.status == "achieved"
    assert progress.fraction == Decimal(1)
    assert progress.percent == 100


def test_passing_the_goal_caps_the_bar_but_not_the_fraction():
    t = target()
    observe(t, datetime.date(2021, 11, 1), 1500)
    progress = target_progress(t, as_of=DEC_31)
    assert (progress.fraction, progress.percent, progress.status) == (Decimal("1.5"), 100, "achieved")


def test_due_date_passed_without_the_goal_is_overdue_observed_or_not():
    t = target()
    assert target_progress(t, as_of=datetime.date(2022, 1, 1)).status == "overdue"
    observe(t, datetime.date(2021, 12, 1), 990)
    progress = target_progress(t, as_of=datetime.date(2022, 1, 1))
    assert progress.status == "overdue"
    assert progress.expected_fraction == Decimal(1)
    assert progress.expected_value == Decimal("1000.00")


def test_a_decreasing_target_goal_below_baseline():
    t = target(metric="waiting days", unit="days", baseline=Decimal(60), goal=Decimal(10))
    observe(t, datetime.date(2021, 6, 1), 30)  # 30 of the 50 days to cut: 60 % of the way
    progress = target_progress(t, as_of=JUL_2)
    assert progress.fraction == Decimal("0.6")
    assert progress.status == "on_track"
    assert progress.expected_value == Decimal("35.00")  # half way from 60 down to 10
    observe(t, datetime.date(2021, 8, 1), 8)
    assert target_progress(t, as_of=datetime.date(2021, 8, 2)).status == "achieved"


def test_a_value_gone_backwards_on_a_decreasing_target_is_behind_with_a_negative_fraction():
    t = target(baseline=Decimal(60), goal=Decimal(10))
    observe(t, datetime.date(2021, 6, 1), 70)
    progress = target_progress(t, as_of=JUL_2)
    assert progress.fraction == Decimal("-0.2")
    assert (progress.percent, progress.status) == (0, "behind")


def test_as_of_before_the_start_expects_the_baseline():
    t = target()
    progress = target_progress(t, as_of=datetime.date(2020, 6, 1))
    assert progress.expected_fraction == Decimal(0)
    assert progress.expected_value == Decimal("0.00")
    assert progress.status == "not_started"


def test_observations_after_as_of_are_not_known_yet():
    t = target()
    observe(t, datetime.date(2021, 6, 1), 700)
    assert target_progress(t, as_of=datetime.date(2021, 5, 1)).status == "not_started"


def test_without_a_start_date_the_line_starts_at_the_first_observation():
    t = target(starts_on=None)
    observe(t, datetime.date(2021, 7, 1), 100)
    progress = target_progress(t, as_of=datetime.date(2021, 7, 1))
    assert progress.starts_on == datetime.date(2021, 7, 1)
    assert (progress.expected_fraction, progress.status) == (Decimal(0), "on_track")


def test_without_a_start_date_or_observation_the_line_starts_when_the_target_was_recorded():
    t = target(starts_on=None, due_on=datetime.date(2099, 1, 1))
    progress = target_progress(t)
    assert progress.starts_on == timezone.localtime(t.created_at).date()
    assert progress.status == "not_started"


def test_a_target_due_on_its_start_day():
    t = target(starts_on=JAN_1, due_on=JAN_1)
    assert target_progress(t, as_of=JAN_1).expected_fraction == Decimal(1)
    assert target_progress(t, as_of=datetime.date(2020, 12, 31)).expected_fraction == Decimal(0)


def test_bulk_progress_costs_one_query_whatever_the_number_of_targets():
    for _ in range(5):
        t = target()
        observe(t, datetime.date(2021, 3, 1), 100)
        observe(t, datetime.date(2021, 6, 1), 400)
    targets = list(Target.objects.all())
    with CaptureQueriesContext(connection) as queries:
        progress = targets_progress(targets, as_of=JUL_2)
    assert len(queries) == 1
    assert {p.latest_value for p in progress.values()} == {Decimal(400)}
    assert all(p == target_progress(t, as_of=JUL_2) for t, p in zip(targets, progress.values(), strict=True))


def test_bulk_progress_of_prefetched_targets_costs_no_query():
    t = target()
    observe(t, datetime.date(2021, 3, 1), 100)
    targets = list(Target.objects.prefetch_related("observations"))
    with CaptureQueriesContext(connection) as queries:
        targets_progress(targets, as_of=JUL_2)
    assert len(queries) == 0


def test_a_programme_is_as_far_along_as_its_furthest_behind_target(campus_a):
    programme = ProgrammeFactory(campus=campus_a)
    ahead = target(campus=campus_a, programme=programme, organization=None)
    behind = target(campus=campus_a, programme=programme, organization=None)
    observe(ahead, datetime.date(2021, 7, 1), 1000)
    observe(behind, datetime.date(2021, 7, 1), 100)
    progress = programme_progress(programme, as_of=JUL_2)
    assert progress.status == "behind"
    assert progress.fraction == Decimal("0.55")  # (1 + 0.1) / 2
    assert {t.pk for t, _ in progress.targets} == {ahead.pk, behind.pk}


def test_a_programme_without_targets_has_no_status(campus_a):
    progress = programme_progress(ProgrammeFactory(campus=campus_a), as_of=JUL_2)
    assert (progress.status, progress.fraction, progress.targets) == (None, None, [])
