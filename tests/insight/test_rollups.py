"""KPI rollups: kept current by the services in the write's own transaction, read by compute_kpis only when
they answer exactly what the live queries answer, and rebuilt by `biocampus rebuild_rollups`.

The main test drives seeded random sequences of service writes over the generated records of
tests/insight/conftest.py and compares, after each write, the rollup-backed KPIs with the live ones
(`compute_kpis(..., rollups=False)`) for a campus admin and for a superuser over the network; the live
KPIs themselves are checked against raw SQL in test_kpis.py.
"""

from __future__ import annotations

import datetime
import io
import random
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from biocampus.agreements import services as agreement_services
from biocampus.agreements.choices import AgreementStatus
from biocampus.agreements.models import Agreement
from biocampus.campuses import services as campus_services
from biocampus.campuses.choices import RESIDENCY_TRANSITIONS, ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory import services as directory_services
from biocampus.directory.models import Field, Organization
from biocampus.events import services as event_services
from biocampus.events.choices import LeadStatus
from biocampus.events.models import Event, Lead
from biocampus.insight import network_rollups, rollups
from biocampus.insight.kpis import ROLLUP_METRICS, ROLLUP_VERSION, compute_kpis
from biocampus.insight.models import KpiRollup, KpiRollupCoverage, NetworkKpiRollup, NetworkKpiRollupCoverage
from biocampus.insight.tasks import rebuild_network_rollups
from biocampus.progress import services as progress_services
from biocampus.progress.choices import MilestoneKind
from biocampus.progress.models import FundingRound, Milestone
from tests.factories import CampusFactory, OrganizationFactory, ResidencyFactory

pytestmark = pytest.mark.django_db

PERIODS = [
    (datetime.date(2019, 1, 1), datetime.date(2021, 12, 31)),
    (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
    (datetime.date(2020, 3, 1), datetime.date(2020, 5, 31)),
]
COUNTRIES = ["CN", "US", "SE", "DE", ""]
TYPES = ["strategic_cooperation", "framework", "licensing", "mou", "investment"]


def _day(rng: random.Random) -> datetime.date:
    return datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))


def _rollup_tables_read(user, **kwargs) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        compute_kpis(user, names=ROLLUP_METRICS, **kwargs)
    tables = ("insight_kpirollup", "insight_networkkpirollup")
    return {table for table in tables if any(f'"{table}"' in query["sql"] for query in queries.captured_queries)}


def reads_rollups(user, **kwargs) -> bool:
    """The campuses' buckets or the network's sums of them answer (not the records)."""
    return bool(_rollup_tables_read(user, **kwargs))


def reads_network_rollups(user, **kwargs) -> bool:
    """The network's sums answer, and no campus's buckets are read."""
    return _rollup_tables_read(user, **kwargs) == {"insight_networkkpirollup"}


def network_snapshot() -> set[tuple]:
    return set(NetworkKpiRollup.objects.values_list("metric", "month", "key", "value"))


def assert_network_rollups_as_rebuilt():
    """The network's sums kept write by write are those a rebuild from the campus buckets makes."""
    kept = network_snapshot()
    rollups.rebuild_network()
    assert network_snapshot() == kept


def assert_rollups_match(user, campus, start, end):
    rolled = compute_kpis(user, campus=campus, start=start, end=end)
    live = compute_kpis(user, campus=campus, start=start, end=end, rollups=False)
    for rolled_kpi, live_kpi in zip(rolled.kpis, live.kpis, strict=True):
        assert rolled_kpi == live_kpi, f"{rolled_kpi.name} for {user} at {campus} {start}..{end}"


def assert_all_match(users, campus_a, campus_b):
    for start, end in PERIODS:
        assert_rollups_match(users.campus_admin, campus_a, start, end)
        assert_rollups_match(users.campus_admin, None, start, end)
        assert_rollups_match(users.superuser, None, start, end)
        assert_rollups_match(users.superuser, campus_b, start, end)


def rebuild(*args) -> None:
    call_command("rebuild_rollups", *args, stdout=io.StringIO(), stderr=io.StringIO())


def snapshot() -> set[tuple]:
    return set(KpiRollup.objects.values_list("campus_id", "metric", "month", "key", "value"))


@pytest.fixture
def rolled_up(world, users, campus_a, campus_b):
    """Generated records at both campuses, with their rollups rebuilt (as after the generator)."""
    world(2)
    rebuild()
    return world


class RandomWrites:
    """One random service write at a time, as the system's superuser; refused writes are skipped (the
    service raises and leaves nothing, rollups included)."""

    def __init__(self, rng: random.Random, actor, campuses):
        self.rng, self.actor, self.campuses = rng, actor, campuses

    def pick(self, queryset):
        rows = list(queryset.order_by("pk"))
        return self.rng.choice(rows) if rows else None

    def organization(self):
        return self.pick(Organization.objects.exclude(kind="campus"))

    def step(self) -> str:
        action = self.rng.choice(
            [
                self.residency_create,
                self.residency_status,
                self.residency_update,
                self.residency_delete,
                self.agreement_create,
                self.agreement_update,
                self.agreement_delete,
                self.event_update,
                self.showcases_set,
                self.lead_create,
                self.lead_update,
                self.lead_delete,
                self.organization_country,
                self.organization_fields,
                self.organization_merge,
                self.residency_dates,
                self.milestone_create,
                self.milestone_update,
                self.milestone_delete,
                self.funding_round_create,
                self.funding_round_update,
                self.funding_round_delete,
                self.exchange_rate_set,
            ]
        )
        try:
            action()
        except (ValidationError, PermissionDenied):
            return f"{action.__name__} (refused)"
        return action.__name__

    def residency_create(self):
        organization = OrganizationFactory(country=self.rng.choice(COUNTRIES))
        campus_services.residency_create(
            actor=self.actor,
            organization=organization,
            campus=self.rng.choice(self.campuses),
            status=ResidencyStatus.SIGNED,
            signed_on=_day(self.rng),
        )

    def residency_status(self):
        residency = self.pick(Residency.objects.all())
        allowed = sorted(RESIDENCY_TRANSITIONS[residency.status])
        if allowed:
            campus_services.residency_change_status(
                actor=self.actor, residency=residency, status=self.rng.choice(allowed), on=_day(self.rng)
            )

    def residency_update(self):
        residency = self.pick(Residency.objects.all())
        campus_services.residency_update(
            actor=self.actor,
            residency=residency,
            signed_on=self.rng.choice([None, _day(self.rng)]),
            signed_at=self.pick(Event.objects.filter(campus=residency.campus)),
        )

    def residency_dates(self):
        """Move-in and end dates: when a residency counts as active (signed_on alone when it has one)."""
        residency = self.pick(Residency.objects.all())
        campus_services.residency_update(
            actor=self.actor,
            residency=residency,
            signed_on=self.rng.choice([None, residency.signed_on]),
            moved_in_on=self.rng.choice([None, _day(self.rng)]),
            ended_on=self.rng.choice([None, _day(self.rng)]),
        )

    def residency_delete(self):
        campus_services.residency_delete(actor=self.actor, residency=self.pick(Residency.objects.all()))

    def agreement_create(self):
        campus = self.rng.choice(self.campuses)
        parties = [self.organization(), self.organization(), campus.organization]
        agreement_services.agreement_create(
            actor=self.actor,
            campus=campus,
            title="Random agreement",
            type=self.rng.choice(TYPES),
            parties=list({p.pk: p for p in parties}.values()),
            status=self.rng.choice([AgreementStatus.SIGNED, AgreementStatus.DRAFT, AgreementStatus.ACTIVE]),
            signed_on=self.rng.choice([None, _day(self.rng)]),
            signed_at=self.pick(Event.objects.filter(campus=campus)),
        )

    def agreement_update(self):
        agreement = self.pick(Agreement.objects.all())
        changes = self.rng.choice(
            [
                {"type": self.rng.choice(TYPES)},
                {"signed_on": self.rng.choice([None, _day(self.rng)])},
                {"status": self.rng.choice([AgreementStatus.SIGNED, AgreementStatus.DRAFT])},
                {"campus": self.rng.choice(self.campuses), "signed_at": None},
                {"parties": [self.organization(), agreement.campus.organization]},
            ]
        )
        agreement_services.agreement_update(actor=self.actor, agreement=agreement, **changes)

    def agreement_delete(self):
        agreement_services.agreement_delete(actor=self.actor, agreement=self.pick(Agreement.objects.all()))

    def event_update(self):
        event_services.event_update(
            actor=self.actor, event=self.pick(Event.objects.all()), starts_on=_day(self.rng), ends_on=None
        )

    def showcases_set(self):
        event = self.pick(Event.objects.all())
        showcases = [
            {"organization": self.organization(), "offering": f"Offering {i}", "outcome": self.rng.choice(["", "Sold"])}
            for i in range(self.rng.randrange(3))
        ]
        event_services.event_set_showcases(actor=self.actor, event=event, showcases=showcases)

    def lead_create(self):
        event_services.lead_create(
            actor=self.actor,
            event=self.pick(Event.objects.all()),
            organization=self.organization(),
            status=self.rng.choice(LeadStatus.values),
        )

    def lead_update(self):
        lead = self.pick(Lead.objects.all())
        changes = self.rng.choice(
            [{"status": self.rng.choice(LeadStatus.values)}, {"event": self.pick(Event.objects.all())}]
        )
        event_services.lead_update(actor=self.actor, lead=lead, **changes)

    def lead_delete(self):
        event_services.lead_delete(actor=self.actor, lead=self.pick(Lead.objects.all()))

    def organization_country(self):
        organization = self.pick(Organization.objects.all())
        directory_services.organization_update(
            actor=self.actor, organization=organization, country=self.rng.choice(COUNTRIES)
        )

    def organization_fields(self):
        organization = self.pick(Organization.objects.all())
        fields = list(Field.objects.order_by("pk"))
        directory_services.organization_update(
            actor=self.actor, organization=organization, fields=self.rng.sample(fields, self.rng.randrange(3))
        )

    def milestone_create(self):
        campus = self.rng.choice(self.campuses)
        progress_services.milestone_create(
            actor=self.actor,
            campus=campus,
            organization=self.organization(),
            kind=self.rng.choice(MilestoneKind.values),
            title="Random milestone",
            occurred_on=self.rng.choice([None, _day(self.rng)]),
            event=self.pick(Event.objects.filter(campus=campus)),
        )

    def milestone_update(self):
        milestone = self.pick(Milestone.objects.all())
        changes = self.rng.choice(
            [
                {"kind": self.rng.choice(MilestoneKind.values)},
                {"occurred_on": self.rng.choice([None, _day(self.rng)])},
                {"campus": self.rng.choice(self.campuses), "event": None},
                {"event": self.pick(Event.objects.filter(campus=milestone.campus))},
            ]
        )
        progress_services.milestone_update(actor=self.actor, milestone=milestone, **changes)

    def milestone_delete(self):
        progress_services.milestone_delete(actor=self.actor, milestone=self.pick(Milestone.objects.all()))

    def funding_round_create(self):
        progress_services.funding_round_create(
            actor=self.actor,
            campus=self.rng.choice(self.campuses),
            recipient=self.organization(),
            round_type="series_a",
            amount=self.rng.choice([None, Decimal(self.rng.randrange(1, 10**7)) / 100]),
            currency=self.rng.choice(["CNY", "USD", "EUR", "XYZ"]),
            announced_on=self.rng.choice([None, _day(self.rng)]),
        )

    def funding_round_update(self):
        funding_round = self.pick(FundingRound.objects.all())
        changes = self.rng.choice(
            [
                {"announced_on": self.rng.choice([None, _day(self.rng)])},
                {"currency": self.rng.choice(["CNY", "USD", "EUR", "XYZ"])},
                {"amount": Decimal(self.rng.randrange(1, 10**7)) / 100},
                {"campus": self.rng.choice(self.campuses)},
            ]
        )
        progress_services.funding_round_update(actor=self.actor, funding_round=funding_round, **changes)

    def funding_round_delete(self):
        progress_services.funding_round_delete(actor=self.actor, funding_round=self.pick(FundingRound.objects.all()))

    def exchange_rate_set(self):
        """A new rate, or a corrected one: the rounds of that currency convert differently from its date on."""
        progress_services.exchange_rate_set(
            actor=self.actor,
            currency=self.rng.choice(["CNY", "EUR", "XYZ"]),
            valid_from=_day(self.rng),
            rate=Decimal(self.rng.randrange(5, 200)) / 100,
        )

    def organization_merge(self):
        keep, merge = self.organization(), self.organization()
        if keep != merge:
            directory_services.organization_merge(actor=self.actor, keep=keep, merge=merge)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_service_writes_keep_rollups_equal_to_the_live_kpis(rolled_up, users, campus_a, campus_b, seed):
    assert_all_match(users, campus_a, campus_b)
    assert reads_rollups(users.campus_admin, campus=campus_a, start=PERIODS[0][0], end=PERIODS[0][1])
    assert reads_network_rollups(users.superuser, campus=None, start=PERIODS[0][0], end=PERIODS[0][1])
    writes = RandomWrites(random.Random(seed), users.superuser, [campus_a, campus_b])
    done = []
    for _ in range(30):
        done.append(writes.step())
        assert_rollups_match(users.campus_admin, campus_a, *PERIODS[0])
        for start, end in PERIODS:
            assert_rollups_match(users.superuser, None, start, end)
    assert_all_match(users, campus_a, campus_b)
    assert reads_network_rollups(users.superuser, campus=None, start=PERIODS[0][0], end=PERIODS[0][1])
    assert_network_rollups_as_rebuilt()
    assert len([name for name in done if "refused" not in name]) > 15, done


def _month_ends(first: datetime.date, months: int) -> list[datetime.date]:
    ends = []
    for n in range(months):
        year, month = divmod(first.month - 1 + n, 12)
        start = datetime.date(first.year + year, month + 1, 1)
        ends.append((start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1))
    return ends


def test_active_residents_from_the_running_rollups_match_the_live_count_at_every_month_end(users, campus_a, fields):
    """Every way a residency starts and ends, across month boundaries: the running total of starts and ends
    gives the live count of active residencies at the end of each month, with its breakdowns."""
    day = datetime.date
    cases = [
        (ResidencyStatus.RESIDENT, day(2020, 1, 15), None, None),  # active since its signing day
        (ResidencyStatus.SIGNED, None, None, None),  # active, no date at all: active at every month's end
        (ResidencyStatus.RESIDENT, None, day(2020, 3, 31), None),  # started by moving in
        (ResidencyStatus.GRADUATED, day(2020, 1, 31), None, day(2020, 6, 30)),  # ended on a month's last day
        (ResidencyStatus.GRADUATED, day(2020, 2, 1), None, day(2020, 2, 20)),  # started and ended in one month
        (ResidencyStatus.EXITED, day(2020, 2, 10), None, day(2020, 3, 1)),  # ended on a month's first day
        (ResidencyStatus.EXITED, None, day(2020, 5, 1), day(2020, 2, 1)),  # ended before it began: never
        (ResidencyStatus.GRADUATED, day(2020, 4, 1), None, None),  # ended with no end date: never
        (ResidencyStatus.PROSPECT, day(2020, 4, 1), None, None),  # not signed: never
    ]
    countries = ["CN", "SE", "", "CN", "US", "CN", "DE", "CN", "SE"]
    field_sets = [[fields["child"]], [], [fields["child"], fields["other"]], [fields["other"]], [], [], [], [], []]
    for (status, signed_on, moved_in_on, ended_on), country, its_fields in zip(
        cases, countries, field_sets, strict=True
    ):
        organization = OrganizationFactory(country=country, fields=its_fields)
        ResidencyFactory(
            campus=campus_a,
            organization=organization,
            status=status,
            signed_on=signed_on,
            moved_in_on=moved_in_on,
            ended_on=ended_on,
        )
    rebuild("--campus", campus_a.slug)
    seen = set()
    for end in _month_ends(datetime.date(2019, 11, 1), 10):
        start = end.replace(day=1)
        assert reads_rollups(users.campus_admin, campus=campus_a, start=start, end=end)
        rolled = compute_kpis(users.campus_admin, campus=campus_a, start=start, end=end, names=["active_residents"])
        live = compute_kpis(
            users.campus_admin, campus=campus_a, start=start, end=end, names=["active_residents"], rollups=False
        )
        assert rolled.kpis == live.kpis, end
        seen.add(rolled.values()["active_residents"])
    assert len(seen) >= 3 and min(seen) == 1  # the count rose and fell over the months


def test_a_refresh_of_one_month_keeps_the_ends_of_residencies_begun_long_before(users, campus_a):
    """A write refreshes only the months it touches: the residencies that started years before but end in
    one of them must still count their end there."""
    ResidencyFactory(
        campus=campus_a,
        status=ResidencyStatus.GRADUATED,
        signed_on=datetime.date(2018, 3, 1),
        moved_in_on=None,
        ended_on=datetime.date(2020, 6, 15),
    )
    rebuild("--campus", campus_a.slug)
    campus_services.residency_create(
        actor=users.superuser,
        organization=OrganizationFactory(),
        campus=campus_a,
        status=ResidencyStatus.SIGNED,
        signed_on=datetime.date(2020, 6, 20),
    )
    for end in (datetime.date(2020, 6, 30), datetime.date(2020, 12, 31)):
        start = end.replace(day=1)
        rolled = compute_kpis(users.campus_admin, campus=campus_a, start=start, end=end, names=["active_residents"])
        live = compute_kpis(
            users.campus_admin, campus=campus_a, start=start, end=end, names=["active_residents"], rollups=False
        )
        assert rolled.kpis == live.kpis, end


def test_a_refresh_happens_in_the_writes_transaction(rolled_up, users, campus_a):
    before = snapshot()
    parties = [OrganizationFactory(country="SE"), campus_a.organization]
    with pytest.raises(RuntimeError), transaction.atomic():
        agreement_services.agreement_create(
            actor=users.campus_admin,
            campus=campus_a,
            title="Rolled back",
            type="strategic_cooperation",
            parties=parties,
            status=AgreementStatus.SIGNED,
            signed_on=datetime.date(2020, 4, 2),
        )
        assert snapshot() != before  # refreshed inside the transaction, before it commits
        raise RuntimeError("the caller fails after the write")
    assert snapshot() == before


def test_a_failing_write_leaves_the_rollups_unchanged(rolled_up, users, campus_a):
    before = snapshot()
    exhibitor = OrganizationFactory()
    with pytest.raises(ValidationError):
        # The showcases are written (and their buckets refreshed) before the participations are refused.
        event_services.event_create(
            actor=users.campus_admin,
            campus=campus_a,
            name="Expo",
            starts_on=datetime.date(2020, 4, 2),
            showcases=[{"organization": exhibitor, "offering": "Kits", "outcome": "Sold"}],
            participations=[{"organization": exhibitor, "role": "exhibitor"}] * 2,
        )
    assert snapshot() == before
    assert not Event.objects.filter(name="Expo").exists()


def test_a_resident_member_gets_the_live_scoped_answer(rolled_up, users, campus_a):
    start, end = PERIODS[0]
    assert not reads_rollups(users.resident_member, campus=campus_a, start=start, end=end)
    assert not reads_rollups(users.resident_member, campus=None, start=start, end=end)
    own = compute_kpis(users.resident_member, campus=campus_a, start=start, end=end, names=ROLLUP_METRICS)
    live = compute_kpis(
        users.resident_member, campus=campus_a, start=start, end=end, names=ROLLUP_METRICS, rollups=False
    )
    whole = compute_kpis(users.campus_admin, campus=campus_a, start=start, end=end, names=ROLLUP_METRICS)
    assert own.kpis == live.kpis
    assert own.values() != whole.values()


def test_only_plain_whole_month_periods_without_field_or_history_read_the_rollups(rolled_up, users, campus_a, fields):
    admin = users.campus_admin
    assert reads_rollups(admin, campus=campus_a, start=datetime.date(2020, 2, 1), end=datetime.date(2020, 2, 29))
    assert not reads_rollups(admin, campus=campus_a, start=datetime.date(2020, 2, 2), end=datetime.date(2020, 2, 29))
    assert not reads_rollups(admin, campus=campus_a, start=datetime.date(2020, 2, 1), end=datetime.date(2020, 2, 28))
    full_year = {"start": datetime.date(2020, 1, 1), "end": datetime.date(2020, 12, 31)}
    assert not reads_rollups(admin, campus=campus_a, field=fields["parent"], **full_year)
    assert not reads_rollups(admin, campus=campus_a, as_of=datetime.date(2020, 12, 31), **full_year)
    # A resident member of campus B sees nothing of campus A: the live query answers (with nothing).
    assert not reads_rollups(users.resident_b, campus=campus_a, **full_year)


def test_a_campus_filled_in_bulk_is_read_live_until_rebuilt(world, users, campus_a):
    world(1)  # factories: bulk writes that bypass the services, as the generator does
    year = {"campus": campus_a, "start": datetime.date(2020, 1, 1), "end": datetime.date(2020, 12, 31)}
    assert not reads_rollups(users.campus_admin, **year)
    rebuild("--campus", campus_a.slug)
    assert reads_rollups(users.campus_admin, **year)
    assert_rollups_match(users.campus_admin, campus_a, year["start"], year["end"])


def test_rebuild_rollups_restores_deleted_rollups(rolled_up, users, campus_a, campus_b):
    year = {"campus": campus_a, "start": datetime.date(2019, 1, 1), "end": datetime.date(2021, 12, 31)}
    expected = compute_kpis(users.campus_admin, **year, rollups=False).values()
    assert expected["agreements"] > 0
    KpiRollup.objects.all().delete()  # coverage kept: the (now empty) rollups are read, and wrong
    assert compute_kpis(users.campus_admin, **year).values()["agreements"] == 0
    rebuild()
    assert compute_kpis(users.campus_admin, **year).values() == expected
    assert_all_match(users, campus_a, campus_b)


def test_rollups_of_an_older_version_are_read_live_until_rebuild_stale(rolled_up, users, campus_a, campus_b):
    """An upgrade that adds a rollup leaves the campuses rebuilt before it stale: their KPIs are counted live
    (right, slower) until `rebuild_rollups --stale`, which rebuilds those and leaves the others alone."""
    year = {"campus": campus_a, "start": datetime.date(2020, 1, 1), "end": datetime.date(2020, 12, 31)}
    KpiRollupCoverage.objects.filter(campus=campus_a).update(version=ROLLUP_VERSION - 1)
    KpiRollup.objects.filter(campus=campus_a, metric="milestones").delete()  # the metric the old version lacked
    assert not reads_rollups(users.campus_admin, **year)
    assert not reads_rollups(users.superuser, campus=None, start=year["start"], end=year["end"])
    assert reads_rollups(users.superuser, campus=campus_b, start=year["start"], end=year["end"])
    untouched = KpiRollupCoverage.objects.get(campus=campus_b).rebuilt_at
    output = io.StringIO()
    call_command("rebuild_rollups", "--stale", stdout=output, stderr=io.StringIO())
    assert "1 campus" in output.getvalue()
    assert KpiRollupCoverage.objects.get(campus=campus_b).rebuilt_at == untouched
    assert reads_rollups(users.campus_admin, **year)
    assert_all_match(users, campus_a, campus_b)


def test_a_new_reporting_currency_is_read_live_until_rebuild_stale(rolled_up, users, campus_a, campus_b, settings):
    """The funding buckets hold amounts converted into the reporting currency: after the setting changes,
    they are not read (live counting converts into the new one) until `rebuild_rollups --stale`."""
    year = {"campus": campus_a, "start": datetime.date(2019, 1, 1), "end": datetime.date(2021, 12, 31)}
    progress_services.funding_round_create(
        actor=users.superuser,
        campus=campus_a,
        recipient=OrganizationFactory(),
        round_type="seed",
        amount=Decimal(1000),
        currency="USD",
        announced_on=datetime.date(2020, 5, 5),
    )
    in_dollars = compute_kpis(users.campus_admin, **year).values()["funding_raised"]
    assert in_dollars >= 1000
    settings.BIOCAMPUS_REPORTING_CURRENCY = "EUR"  # no rate for USD: the round is left out
    assert not reads_rollups(users.campus_admin, **year)
    in_euros = compute_kpis(users.campus_admin, **year, rollups=False).values()["funding_raised"]
    assert in_euros != in_dollars
    rebuild("--stale")
    assert reads_rollups(users.campus_admin, **year)
    assert compute_kpis(users.campus_admin, **year).values()["funding_raised"] == in_euros
    assert_all_match(users, campus_a, campus_b)


def test_rebuild_rollups_refuses_an_unknown_campus(db):
    with pytest.raises(CommandError, match="Unknown campus"):
        call_command("rebuild_rollups", "--campus", "nowhere")


def test_a_campus_created_by_the_service_is_covered(users, campus_a):
    organization = OrganizationFactory(kind="campus", name="New campus")
    campus = campus_services.campus_create(actor=users.superuser, organization=organization, slug="new-campus")
    assert KpiRollupCoverage.objects.filter(campus=campus).exists()


def test_the_dashboards_query_count_stays_flat_as_records_grow(world, users, campus_a):
    period = {"start": datetime.date(2019, 1, 1), "end": datetime.date(2021, 12, 31)}

    def count_queries(campus) -> int:
        rebuild()
        assert reads_rollups(users.campus_admin, campus=campus, **period)
        with CaptureQueriesContext(connection) as queries:
            compute_kpis(users.campus_admin, campus=campus, **period)
        return len(queries.captured_queries)

    world(6)  # enough records for every breakdown to be there (an empty one skips its lookup query)
    few = {campus: count_queries(campus) for campus in (campus_a, None)}
    world(12)
    assert {campus: count_queries(campus) for campus in (campus_a, None)} == few


def sign_at_once(signings: list[tuple]) -> list[Exception]:
    """Each (campus, partner, month) in its own connection, started together: five agreements (days 1 to 5 of
    the month) between the partner and the campus's organisation. The errors raised, if any."""
    barrier = threading.Barrier(len(signings))
    errors = []

    def sign(campus, partner, month):
        try:
            barrier.wait(timeout=30)
            for day in range(1, 6):
                agreement_services.agreement_create(
                    actor=None,
                    campus=campus,
                    title=f"Concurrent {campus.slug} {partner.pk} {month:%Y-%m}-{day}",
                    type="mou",
                    parties=[partner, campus.organization],
                    status=AgreementStatus.SIGNED,
                    signed_on=month.replace(day=day),
                )
        except Exception as error:  # noqa: BLE001  (reported by the callers' assertion)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=signing) for signing in signings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_concurrent_writes_to_one_campus_month_keep_the_rollups_right(campus_a, users):
    """Four connections create agreements in the same campus and month at once: each refresh waits for
    the one before it (rollups._lock), so none fails on the unique bucket and the counts add up."""
    rebuild("--campus", campus_a.slug)
    partners = [OrganizationFactory(country="SE") for _ in range(4)]
    assert sign_at_once([(campus_a, partner, datetime.date(2020, 4, 1)) for partner in partners]) == []
    april = {"campus": campus_a, "start": datetime.date(2020, 4, 1), "end": datetime.date(2020, 4, 30)}
    assert reads_rollups(users.campus_admin, **april)
    assert compute_kpis(users.campus_admin, **april).values()["agreements"] == 20
    assert compute_kpis(users.campus_admin, **april).values()["international_strategic_partners"] == 4
    assert_rollups_match(users.campus_admin, campus_a, april["start"], april["end"])


# --- the network's sums (insight.network_rollups) -------------------------------------------------------------


def test_partner_counts_recounted_a_month_at_a_time_match_too(rolled_up, users, campus_a, campus_b, monkeypatch):
    """Changes of many (month, previous month) pairs of partners are recounted a whole month at a time."""
    monkeypatch.setattr(network_rollups, "FEW_PAIRS", 0)
    writes = RandomWrites(random.Random(4), users.superuser, [campus_a, campus_b])
    for _ in range(20):
        writes.step()
        assert_rollups_match(users.superuser, None, *PERIODS[0])
    assert reads_network_rollups(users.superuser, campus=None, start=PERIODS[0][0], end=PERIODS[0][1])
    assert_network_rollups_as_rebuilt()


def test_a_large_change_sets_the_network_sums_aside_until_rebuilt(
    rolled_up, users, campus_a, campus_b, monkeypatch, django_capture_on_commit_callbacks
):
    """A change too large to follow marks the network's sums incomplete and asks a worker, once the write
    commits, to rebuild them; meanwhile the campus buckets answer. `rebuild_rollups` rebuilds them too."""
    network = {"campus": None, "start": PERIODS[0][0], "end": PERIODS[0][1]}
    monkeypatch.setattr(network_rollups, "LARGE_CHANGE", 0)  # every change is "large"
    with django_capture_on_commit_callbacks(execute=True):
        RandomWrites(random.Random(5), users.superuser, [campus_a, campus_b]).agreement_create()
        assert DBTaskResult.objects.count() == 0  # asked for when the write commits, not before
    assert [task.task_path for task in DBTaskResult.objects.all()] == [
        "biocampus.insight.tasks.rebuild_network_rollups"
    ]
    assert not network_rollups.is_current()
    assert reads_rollups(users.superuser, **network) and not reads_network_rollups(users.superuser, **network)
    assert_all_match(users, campus_a, campus_b)  # the campus buckets answer meanwhile
    assert rebuild_network_rollups.call() is True  # what the worker runs
    assert rebuild_network_rollups.call() is False  # asked for twice: the second finds nothing to do
    assert reads_network_rollups(users.superuser, **network)
    assert_all_match(users, campus_a, campus_b)
    with django_capture_on_commit_callbacks(execute=True):
        RandomWrites(random.Random(6), users.superuser, [campus_a, campus_b]).agreement_create()
    output = io.StringIO()
    call_command("rebuild_rollups", "--stale", stdout=output, stderr=io.StringIO())
    assert "Rebuilt the network's KPI rollups." in output.getvalue()
    assert reads_network_rollups(users.superuser, **network)
    assert_all_match(users, campus_a, campus_b)


@pytest.mark.parametrize("too_large", [False, True])
def test_a_deleted_campus_leaves_the_network_sums_right(rolled_up, users, campus_a, campus_b, monkeypatch, too_large):
    """A campus with only residents can be deleted (its residencies and buckets go with it, by cascade,
    through no service): the network's sums follow, or are set aside until rebuilt if that is too large."""
    network = {"campus": None, "start": PERIODS[0][0], "end": PERIODS[0][1]}
    campus_c = CampusFactory(slug="campus-c")
    ResidencyFactory.create_batch(3, campus=campus_c)
    rebuild("--campus", campus_c.slug)
    with_c = compute_kpis(users.superuser, **network).values()["residents_signed"]
    assert reads_network_rollups(users.superuser, **network)
    if too_large:
        monkeypatch.setattr(network_rollups, "LARGE_CHANGE", 0)
    campus_c.delete()
    assert network_rollups.is_current() is not too_large
    without_c = compute_kpis(users.superuser, **network)
    assert without_c.values()["residents_signed"] == with_c - 3
    assert without_c.kpis == compute_kpis(users.superuser, **network, rollups=False).kpis
    rebuild("--stale")
    assert reads_network_rollups(users.superuser, **network)
    assert compute_kpis(users.superuser, **network).values() == without_c.values()
    assert_network_rollups_as_rebuilt()


def test_a_database_with_rollups_from_before_the_network_sums_reads_the_campuses_until_rebuilt(
    rolled_up, users, campus_a, campus_b, django_capture_on_commit_callbacks
):
    """As after the upgrade that added them: campus buckets exist, the network's coverage does not. The first
    write marks them incomplete and asks a worker to build them; `rebuild_rollups` builds them too."""
    network = {"campus": None, "start": PERIODS[0][0], "end": PERIODS[0][1]}
    NetworkKpiRollup.objects.all().delete()
    NetworkKpiRollupCoverage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        RandomWrites(random.Random(6), users.superuser, [campus_a, campus_b]).agreement_create()  # a write
    assert not network_rollups.is_current() and not NetworkKpiRollup.objects.exists()
    assert DBTaskResult.objects.get().task_path == "biocampus.insight.tasks.rebuild_network_rollups"
    assert_all_match(users, campus_a, campus_b)
    rebuild("--stale")
    assert reads_network_rollups(users.superuser, **network)
    assert_all_match(users, campus_a, campus_b)


def test_a_partner_returning_after_months_away_counts_once_in_every_period(rolled_up, users, campus_a, campus_b):
    """One Swedish partner of both campuses, in June 2019 and April 2020 (twice that month): each period
    holding any of its months counts it once, whatever the months before the period; moving and deleting
    its agreements moves the count with them."""
    partner = OrganizationFactory(country="SE", name="Returning partner")

    def sign(campus, day):
        return agreement_services.agreement_create(
            actor=users.superuser,
            campus=campus,
            title=f"MoU {campus.slug} {day}",
            type="mou",
            parties=[partner, campus.organization],
            status=AgreementStatus.SIGNED,
            signed_on=day,
        )

    def partner_counted(start, end) -> int:
        # The live count agrees (and is checked against SQL in test_kpis.py).
        report = compute_kpis(users.superuser, start=start, end=end)
        assert report.kpis == compute_kpis(users.superuser, start=start, end=end, rollups=False).kpis
        assert reads_network_rollups(users.superuser, campus=None, start=start, end=end)
        return report.values()["international_strategic_partners"]

    periods = {
        "2019": (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)),
        "spring 2020": (datetime.date(2020, 3, 1), datetime.date(2020, 5, 31)),
        "2020": (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
        "2019-2021": (datetime.date(2019, 1, 1), datetime.date(2021, 12, 31)),
        "2021": (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)),
    }
    before = {name: partner_counted(*period) for name, period in periods.items()}

    def gained() -> dict[str, int]:
        return {name: partner_counted(*period) - before[name] for name, period in periods.items()}

    june = sign(campus_a, datetime.date(2019, 6, 10))
    sign(campus_a, datetime.date(2020, 4, 2))
    april_b = sign(campus_b, datetime.date(2020, 4, 20))
    assert gained() == {"2019": 1, "spring 2020": 1, "2020": 1, "2019-2021": 1, "2021": 0}
    agreement_services.agreement_update(actor=users.superuser, agreement=april_b, signed_on=datetime.date(2021, 2, 1))
    agreement_services.agreement_delete(actor=users.superuser, agreement=june)
    assert gained() == {"2019": 0, "spring 2020": 1, "2020": 1, "2019-2021": 1, "2021": 1}
    assert_network_rollups_as_rebuilt()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_concurrent_writes_at_two_campuses_keep_the_network_rollups_right(campus_a, campus_b, users):
    """Four connections sign agreements with one shared partner at two campuses at once: the network's
    partner months are written one writer at a time (network_rollups.lock, then the campus's), so none
    deadlocks or fails on a unique bucket, and the partner counts once."""
    rebuild()
    shared = OrganizationFactory(country="SE")
    april, may = datetime.date(2020, 4, 1), datetime.date(2020, 5, 1)
    signings = [(campus_a, shared, april), (campus_b, shared, april), (campus_a, shared, may), (campus_b, shared, may)]
    assert sign_at_once(signings) == []
    spring = {"campus": None, "start": datetime.date(2020, 4, 1), "end": datetime.date(2020, 5, 31)}
    assert reads_network_rollups(users.superuser, **spring)
    assert compute_kpis(users.superuser, **spring).values()["international_strategic_partners"] == 1
    assert compute_kpis(users.superuser, **spring).values()["agreements"] == 20
    assert_rollups_match(users.superuser, None, spring["start"], spring["end"])
    assert_network_rollups_as_rebuilt()
