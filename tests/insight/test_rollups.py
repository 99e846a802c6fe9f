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

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from biocampus.agreements import services as agreement_services
from biocampus.agreements.choices import AgreementStatus
from biocampus.agreements.models import Agreement
from biocampus.campuses import services as campus_services
from biocampus.campuses.choices import RESIDENCY_TRANSITIONS, ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory import services as directory_services
from biocampus.directory.models import Organization
from biocampus.events import services as event_services
from biocampus.events.choices import LeadStatus
from biocampus.events.models import Event, Lead
from biocampus.insight.kpis import ROLLUP_METRICS, compute_kpis
from biocampus.insight.models import KpiRollup, KpiRollupCoverage
from tests.factories import OrganizationFactory

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


def reads_rollups(user, **kwargs) -> bool:
    with CaptureQueriesContext(connection) as queries:
        compute_kpis(user, names=ROLLUP_METRICS, **kwargs)
    return any('insight_kpirollup"' in query["sql"] for query in queries.captured_queries)


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
                self.organization_merge,
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

    def organization_merge(self):
        keep, merge = self.organization(), self.organization()
        if keep != merge:
            directory_services.organization_merge(actor=self.actor, keep=keep, merge=merge)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_service_writes_keep_rollups_equal_to_the_live_kpis(rolled_up, users, campus_a, campus_b, seed):
    assert_all_match(users, campus_a, campus_b)
    assert reads_rollups(users.campus_admin, campus=campus_a, start=PERIODS[0][0], end=PERIODS[0][1])
    writes = RandomWrites(random.Random(seed), users.superuser, [campus_a, campus_b])
    done = []
    for _ in range(20):
        done.append(writes.step())
        assert_rollups_match(users.campus_admin, campus_a, *PERIODS[0])
        assert_rollups_match(users.superuser, None, *PERIODS[1])
    assert_all_match(users, campus_a, campus_b)
    assert len([name for name in done if "refused" not in name]) > 10, done


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_concurrent_writes_to_one_campus_month_keep_the_rollups_right(campus_a, users):
    """Four connections create agreements in the same campus and month at once: each refresh waits for
    the one before it (rollups._lock), so none fails on the unique bucket and the counts add up."""
    rebuild("--campus", campus_a.slug)
    partners = [OrganizationFactory(country="SE") for _ in range(4)]
    barrier = threading.Barrier(len(partners))
    errors = []

    def write(partner):
        try:
            barrier.wait(timeout=30)
            for day in range(1, 6):
                agreement_services.agreement_create(
                    actor=None,
                    campus=campus_a,
                    title=f"Concurrent {partner.pk}-{day}",
                    type="mou",
                    parties=[partner, campus_a.organization],
                    status=AgreementStatus.SIGNED,
                    signed_on=datetime.date(2020, 4, day),
                )
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(partner,)) for partner in partners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    april = {"campus": campus_a, "start": datetime.date(2020, 4, 1), "end": datetime.date(2020, 4, 30)}
    assert reads_rollups(users.campus_admin, **april)
    assert compute_kpis(users.campus_admin, **april).values()["agreements"] == 20
    assert compute_kpis(users.campus_admin, **april).values()["international_strategic_partners"] == 4
    assert_rollups_match(users.campus_admin, campus_a, april["start"], april["end"])
