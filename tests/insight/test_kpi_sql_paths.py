"""The milestones and programme-progress KPIs are computed in the database (counts, a window, subqueries):
they must give what the plain definition gives when every row is read (computed here in Python from the
rows), and their number of queries must not grow with the rows."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biocampus.insight.kpis import LISTED_RECORDS, compute_kpis, target_progress
from biocampus.progress.choices import MilestoneKind
from biocampus.progress.models import OBSERVATION_SUMMARY, Milestone, Observation, Target
from tests.factories import MilestoneFactory, ObservationFactory, OrganizationFactory, ProgrammeFactory, TargetFactory

START, END = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)


def _programmes(campuses, rounds: int, seed: int = 7) -> None:
    """Programme targets of every kind of progress: rising and falling goals, with and without a start date,
    observed before, during and after the period, or never."""
    rng = random.Random(seed)
    for campus in campuses:
        programme = ProgrammeFactory(campus=campus, organizations=[OrganizationFactory()])
        for _ in range(rounds):
            baseline = Decimal(rng.choice([0, 100, 5000]))
            goal = baseline + Decimal(rng.choice([1000, -50, 20000]))
            target = TargetFactory(
                campus=campus,
                organization=None,
                programme=programme,
                baseline=baseline,
                goal=goal,
                starts_on=rng.choice([None, datetime.date(2019, 6, 1), datetime.date(2020, 3, 1)]),
                due_on=rng.choice([datetime.date(2020, 6, 30), datetime.date(2021, 12, 31)]),
            )
            days = rng.sample(range(3 * 365), rng.choice([0, 1, 3, 6]))
            for day in days:
                ObservationFactory(
                    target=target,
                    observed_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=day),
                    value=baseline + (goal - baseline) * Decimal(rng.randrange(0, 130)) / 100,
                )


def _reference_targets(user, campus, *, recorded_by=None) -> dict[str, Decimal | None]:
    """Each programme target's fraction on END from all its observations, read one by one."""
    from biocampus.accounts.permissions import visible

    targets = visible(Target.objects.filter(programme__isnull=False, due_on__gte=START), user).exclude(
        starts_on__gt=END
    )
    if campus is not None:
        targets = targets.filter(campus=campus)
    fractions = {}
    for target in targets:
        observations = Observation.objects.filter(target=target)
        if recorded_by is not None:
            observations = observations.filter(created_at__lte=recorded_by)
        fractions[str(target.public_id)] = target_progress(target, as_of=END, observations=observations)
    return fractions


def _by_status(progress: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in progress.values():
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def _programme_progress(user, *, rollups: bool, **scope):
    """The programme-progress KPI, read with the targets' observation summaries (where the rollups are
    read: the campuses rebuilt first, as after any bulk write) or with subqueries over the observations."""
    if rollups:
        call_command("rebuild_rollups", stdout=io.StringIO(), stderr=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        kpi = compute_kpis(user, rollups=rollups, **scope).get("programme_progress")
    read_summaries = any("last_observation_value" in query["sql"] for query in queries.captured_queries)
    assert read_summaries == rollups
    return kpi


@pytest.mark.parametrize("rollups", [True, False], ids=["summaries", "subqueries"])
@pytest.mark.parametrize("scope", ["campus", "network"])
def test_programme_progress_matches_every_observation_read(users, campus_a, campus_b, scope, rollups):
    _programmes([campus_a, campus_b], rounds=12)
    campus = campus_a if scope == "campus" else None
    kpi = _programme_progress(users.superuser, campus=campus, start=START, end=END, rollups=rollups)
    expected = _reference_targets(users.superuser, campus)
    assert expected
    assert {b.key: b.value for b in kpi.breakdowns["targets"]} == {k: p.fraction for k, p in expected.items()}
    statuses = {b.key: b.value for b in kpi.breakdowns["by_status"] if b.value}
    assert statuses == _by_status(expected)


@pytest.mark.parametrize("rollups", [True, False], ids=["summaries", "subqueries"])
def test_target_statuses_counted_in_the_database_match_target_progress_at_every_edge(users, campus_a, rollups):
    """Rising and falling goals, observed exactly on the expected line, a cent above and below it, at and
    past the goal, before the start, on the due date and past it: the database's count of each status is
    what target_progress says, target by target."""
    programme = ProgrammeFactory(campus=campus_a, organizations=[OrganizationFactory()])
    halfway = {"starts_on": END - datetime.timedelta(days=100), "due_on": END + datetime.timedelta(days=100)}
    timelines = [
        halfway,  # expected: half of the way on END
        {"starts_on": END, "due_on": END + datetime.timedelta(days=30)},  # starts on END: expected 0
        {"starts_on": END + datetime.timedelta(days=1), "due_on": END + datetime.timedelta(days=30)},
        {"starts_on": START, "due_on": END},  # due on END: expected 1
        {"starts_on": START, "due_on": END - datetime.timedelta(days=1)},  # overdue
        {"starts_on": None, "due_on": END + datetime.timedelta(days=100)},  # starts at its first observation
    ]
    for baseline, goal in ((Decimal(0), Decimal(1000)), (Decimal(500), Decimal(100))):
        line = baseline + (goal - baseline) / 2
        for observed in (None, line, line + Decimal("0.01"), line - Decimal("0.01"), goal, baseline, baseline - 1):
            for timeline in timelines:
                target = TargetFactory(
                    campus=campus_a, organization=None, programme=programme, baseline=baseline, goal=goal, **timeline
                )
                if observed is not None:
                    ObservationFactory(target=target, observed_on=END - datetime.timedelta(days=200), value=baseline)
                    ObservationFactory(target=target, observed_on=END, value=observed)
    kpi = _programme_progress(users.superuser, campus=campus_a, start=START, end=END, rollups=rollups)
    expected = _by_status(_reference_targets(users.superuser, campus_a))
    assert {b.key: b.value for b in kpi.breakdowns["by_status"] if b.value} == expected
    assert len(expected) == 5  # every status is there


def test_programme_progress_as_of_reads_only_observations_recorded_by_then(users, campus_a):
    _programmes([campus_a], rounds=10)
    later = timezone.now() + datetime.timedelta(days=3)
    recorded_later = list(Observation.objects.order_by("pk").values_list("pk", flat=True)[::2])
    Observation.objects.filter(pk__in=recorded_later).update(created_at=later)
    today = timezone.localdate()
    kpi = compute_kpis(users.superuser, campus=campus_a, start=START, end=END, as_of=today).get("programme_progress")
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    expected = _reference_targets(users.superuser, campus_a, recorded_by=moment)
    assert {b.key: b.value for b in kpi.breakdowns["targets"]} == {k: p.fraction for k, p in expected.items()}
    assert {b.key: b.value for b in kpi.breakdowns["by_status"] if b.value} == _by_status(expected)


def _reference_reach(campus) -> list[tuple[str, Decimal]]:
    """Each organisation's largest market reach dated by END or undated, the largest first."""
    rows = Milestone.objects.filter(kind=MilestoneKind.MARKET_REACH, value__isnull=False)
    if campus is not None:
        rows = rows.filter(campus=campus)
    largest: dict[int, Milestone] = {}
    for milestone in rows.select_related("event").order_by("pk"):
        dated = milestone.occurred_on or (milestone.event.starts_on if milestone.event else None)
        if dated is not None and dated > END:
            continue
        kept = largest.get(milestone.organization_id)
        if kept is None or milestone.value > kept.value:
            largest[milestone.organization_id] = milestone
    ordered = sorted(largest.values(), key=lambda m: (-m.value, m.pk))
    return [(str(m.public_id), m.value) for m in ordered]


@pytest.mark.parametrize("scope", ["campus", "network"])
@pytest.mark.parametrize("as_of", [False, True])
def test_milestones_match_every_row_read(world, users, campus_a, campus_b, scope, as_of):
    world(10)
    reacher = OrganizationFactory(name="Tied reach")
    for campus in (campus_a, campus_b):  # ties within an organisation and across organisations
        for value in (Decimal(300), Decimal(300), Decimal(120)):
            MilestoneFactory(campus=campus, organization=reacher, occurred_on=None, value=value)
        MilestoneFactory(campus=campus, occurred_on=datetime.date(2020, 2, 1), value=Decimal(300))
    campus = campus_a if scope == "campus" else None
    kwargs = {"as_of": timezone.localdate()} if as_of else {}
    kpi = compute_kpis(users.superuser, campus=campus, start=START, end=END, **kwargs).get("milestones")

    in_period = [
        m
        for m in (Milestone.objects.filter(campus=campus) if campus else Milestone.objects.all()).select_related(
            "event"
        )
        if START <= (m.occurred_on or (m.event.starts_on if m.event else datetime.date.min)) <= END
    ]
    assert kpi.value == len(in_period)
    by_kind: dict[str, int] = {}
    for m in in_period:
        by_kind[m.kind] = by_kind.get(m.kind, 0) + 1
    assert {b.key: b.value for b in kpi.breakdowns["by_kind"]} == by_kind

    reach = _reference_reach(campus)
    assert len(reach) < LISTED_RECORDS
    assert [(b.key, b.value) for b in kpi.breakdowns["market_reach"]] == reach
    figures = {
        (str(m.public_id), m.value) for m in in_period if m.value is not None and m.kind != MilestoneKind.MARKET_REACH
    }
    assert {(b.key, b.value) for b in kpi.breakdowns["values"]} == figures | set(reach)


def test_milestone_lists_are_capped(users, campus_a):
    organizations = [OrganizationFactory() for _ in range(LISTED_RECORDS + 5)]
    for n, organization in enumerate(organizations):
        MilestoneFactory(campus=campus_a, organization=organization, occurred_on=None, value=Decimal(n + 1))
    kpi = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).get("milestones")
    reach = [bucket.value for bucket in kpi.breakdowns["market_reach"]]
    assert reach == [Decimal(n) for n in range(LISTED_RECORDS + 5, 5, -1)]  # the largest, largest first


def _queries(user, name: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        compute_kpis(user, start=START, end=END, names=[name], **kwargs)
    return len(captured)


def _counts(users, **kwargs) -> dict:
    return {
        (name, user.username): _queries(user, name, **kwargs)
        for name in ("milestones", "programme_progress")
        for user in (users.superuser, users.campus_admin)
    }


@pytest.mark.parametrize("as_of", [False, True])
def test_query_counts_do_not_grow_with_the_rows(world, users, campus_a, campus_b, as_of):
    kwargs = {"as_of": timezone.localdate()} if as_of else {}
    world(3)
    _programmes([campus_a, campus_b], rounds=3, seed=1)
    _counts(users, **kwargs)  # the first call reads what later ones find cached (the URL resolver, roles)
    before = _counts(users, **kwargs)
    world(6)
    _programmes([campus_a, campus_b], rounds=9, seed=2)
    after = _counts(users, **kwargs)
    assert after == before


def test_recording_observations_keeps_the_targets_summary_and_the_kpi_current(users, campus_a):
    """The services keep each target's first and last observations as they record them, in any order and
    when one is corrected, so that the dashboard's reading of the summaries stays that of the observations;
    a target saved from an instance read before an observation was recorded does not forget it."""
    from biocampus.progress.services import observation_record, target_update

    programme = ProgrammeFactory(campus=campus_a, organizations=[OrganizationFactory()])
    target = TargetFactory(campus=campus_a, organization=None, programme=programme, baseline=0, goal=100,
                           starts_on=datetime.date(2020, 1, 1), due_on=datetime.date(2021, 12, 31))  # fmt: skip
    call_command("rebuild_rollups", stdout=io.StringIO(), stderr=io.StringIO())
    read_before = Target.objects.get(pk=target.pk)
    steps = [("2020-05-01", 10), ("2020-02-01", 5), ("2021-03-01", 90), ("2020-05-01", 60), ("2020-12-31", 55)]
    for day, value in steps:
        observation_record(actor=users.superuser, target=target, observed_on=datetime.date.fromisoformat(day),
                           value=Decimal(value))  # fmt: skip
        observations = Observation.objects.filter(target=target).order_by("observed_on")
        first, last = observations.first(), observations.last()
        summary = Target.objects.filter(pk=target.pk).values_list(*OBSERVATION_SUMMARY).get()
        assert summary == (first.observed_on, last.observed_on, last.value)
        kpi = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).get("programme_progress")
        expected = _reference_targets(users.superuser, campus_a)
        assert {b.key: b.value for b in kpi.breakdowns["targets"]} == {k: p.fraction for k, p in expected.items()}

    target_update(actor=users.superuser, target=read_before, metric="People screened")

    summary = Target.objects.filter(pk=target.pk).values_list(*OBSERVATION_SUMMARY).get()
    assert summary == (datetime.date(2020, 2, 1), datetime.date(2021, 3, 1), Decimal(90))


def test_a_target_written_with_its_observations_is_summarised_once(users, campus_a):
    """Creating or updating a target with a batch of observations (the API, the exchange import) leaves its
    summary that of all of them, written by one UPDATE for the batch rather than one per observation."""
    from biocampus.progress.services import target_create, target_update

    def summary_updates(queries) -> int:
        return sum(1 for q in queries if q["sql"].startswith("UPDATE") and "last_observation_value" in q["sql"])

    rows = [{"observed_on": datetime.date(2020, month, 1), "value": Decimal(month * 10)} for month in (4, 2, 9)]
    programme = ProgrammeFactory(campus=campus_a, organizations=[OrganizationFactory()])
    with CaptureQueriesContext(connection) as created:
        target = target_create(actor=users.superuser, campus=campus_a, metric="People screened", unit="people",
                               goal=Decimal(100), due_on=datetime.date(2021, 12, 31), observations=rows,
                               programme=programme)  # fmt: skip
    summary = Target.objects.filter(pk=target.pk).values_list(*OBSERVATION_SUMMARY).get()
    assert summary == (datetime.date(2020, 2, 1), datetime.date(2020, 9, 1), Decimal(90))
    assert summary_updates(created.captured_queries) == 1

    more = [{"observed_on": datetime.date(2019, 12, 1), "value": Decimal(1)},
            {"observed_on": datetime.date(2020, 9, 1), "value": Decimal(95)},
            {"observed_on": datetime.date(2021, 1, 1), "value": Decimal(99)}]  # fmt: skip
    with CaptureQueriesContext(connection) as updated:
        target_update(actor=users.superuser, target=target, observations=more)
    summary = Target.objects.filter(pk=target.pk).values_list(*OBSERVATION_SUMMARY).get()
    assert summary == (datetime.date(2019, 12, 1), datetime.date(2021, 1, 1), Decimal(99))
    assert summary_updates(updated.captured_queries) == 1


@pytest.mark.parametrize("network", [False, True])
def test_programme_target_list_is_capped_to_the_first_in_programme_and_metric_order(users, campus_a, network):
    """Past LISTED_RECORDS running targets the dashboard lists the first ones by programme, metric and id,
    whether the ids come with the status counts (one campus) or from the list's own query (the network)."""
    organization = OrganizationFactory()
    programmes = [
        ProgrammeFactory(campus=campus_a, name=name, organizations=[organization]) for name in ("Screening", "Access")
    ]
    rng = random.Random(3)
    for n in range(LISTED_RECORDS + 12):
        TargetFactory(campus=campus_a, organization=None, programme=rng.choice(programmes), metric=f"metric {n % 7}",
                      baseline=0, goal=100, due_on=datetime.date(2021, 12, 31))  # fmt: skip
    expected = list(
        Target.objects.filter(campus=campus_a, programme__isnull=False)
        .order_by("programme__name", "metric", "pk")
        .values_list("public_id", flat=True)[:LISTED_RECORDS]
    )
    kpi = compute_kpis(users.superuser, campus=None if network else campus_a, start=START, end=END).get(
        "programme_progress"
    )
    assert [bucket.key for bucket in kpi.breakdowns["targets"]] == [str(public_id) for public_id in expected]
    assert sum(bucket.value for bucket in kpi.breakdowns["by_status"]) == LISTED_RECORDS + 12
