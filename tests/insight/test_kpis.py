# ruff: noqa: S608  (the expected figures come from SQL built from constants and ids, never from input)
"""Every KPI against an independently written SQL query over the tables, on generated records; for a campus
and for the network; permissions; as_of; the query count stays flat as records grow.

The SQL below is written from the definitions in docs/insight.md, without the ORM or the KPI helpers, in
portable SQL (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biocampus.campuses.models import Residency
from biocampus.insight.kpis import KPIS, compute_kpis

pytestmark = pytest.mark.django_db

START, END = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)
SIGNED = "('signed', 'resident', 'graduated', 'exited')"
ACTIVE = "('signed', 'resident')"
SIGNED_AGREEMENTS = "('signed', 'active', 'completed', 'terminated', 'expired')"
PARTNERSHIPS = "('strategic_cooperation', 'cooperation', 'framework', 'mou', 'joint_development', 'commercialisation')"


def sql(query: str, params=()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def campus_clause(alias: str, campus) -> tuple[str, list]:
    return (f" AND {alias}.campus_id = %s", [campus.pk]) if campus is not None else ("", [])


def expected_signed(campus, *, start=START, end=END, org_ids=None, field_ids=None):
    where, params = campus_clause("r", campus)
    if org_ids is not None:
        where += f" AND r.organization_id IN ({', '.join(str(i) for i in org_ids)})"
    if field_ids is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM directory_organization_fields f WHERE f.organization_id = r.organization_id"
            f" AND f.field_id IN ({', '.join(str(i) for i in field_ids)}))"
        )
    return sql(
        f"""SELECT COUNT(*),
               SUM(CASE WHEN o.country <> '' AND co.country <> '' AND o.country = co.country THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.country <> '' AND co.country <> '' AND o.country <> co.country THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.country = '' OR co.country = '' THEN 1 ELSE 0 END)
        FROM campuses_residency r
        JOIN directory_organization o ON o.id = r.organization_id
        JOIN campuses_campus c ON c.id = r.campus_id
        JOIN directory_organization co ON co.id = c.organization_id
        LEFT JOIN events_event e ON e.id = r.signed_at_id
        WHERE r.status IN {SIGNED} AND COALESCE(r.signed_on, e.starts_on) BETWEEN %s AND %s {where}""",
        [start, end, *params],
    )


def expected_active(campus, day=END):
    where, params = campus_clause("r", campus)
    start = "COALESCE(r.signed_on, r.moved_in_on, e.starts_on)"
    return sql(
        f"""SELECT COUNT(*) FROM campuses_residency r LEFT JOIN events_event e ON e.id = r.signed_at_id
        WHERE ((r.status IN {ACTIVE} AND ({start} IS NULL OR {start} <= %s))
            OR (r.status IN ('graduated', 'exited') AND {start} <= %s AND r.ended_on > %s)) {where}""",
        [day, day, day, *params],
    )[0]


def expected_agreements(campus, *, type_=None):
    where, params = campus_clause("a", campus)
    if type_:
        where += " AND a.type = %s"
        params.append(type_)
    return sql(
        f"""SELECT COUNT(*) FROM agreements_agreement a LEFT JOIN events_event e ON e.id = a.signed_at_id
        WHERE a.status IN {SIGNED_AGREEMENTS} AND COALESCE(a.signed_on, e.starts_on) BETWEEN %s AND %s {where}""",
        [START, END, *params],
    )[0]


def expected_partners(campus):
    where, params = campus_clause("a", campus)
    return sql(
        f"""SELECT COUNT(DISTINCT p.organization_id) FROM agreements_agreementparty p
        JOIN agreements_agreement a ON a.id = p.agreement_id
        JOIN directory_organization o ON o.id = p.organization_id
        JOIN campuses_campus c ON c.id = a.campus_id
        JOIN directory_organization co ON co.id = c.organization_id
        LEFT JOIN events_event e ON e.id = a.signed_at_id
        WHERE a.type IN {PARTNERSHIPS} AND a.status IN {SIGNED_AGREEMENTS}
          AND COALESCE(a.signed_on, e.starts_on) BETWEEN %s AND %s
          AND o.country <> '' AND co.country <> '' AND o.country <> co.country
          AND p.organization_id <> c.organization_id {where}""",
        [START, END, *params],
    )[0]


def expected_funding(campus):
    where, params = campus_clause("f", campus)
    rate = """CASE WHEN f.currency = 'USD' THEN 1 ELSE COALESCE(
        (SELECT x.rate FROM progress_exchangerate x WHERE x.currency = f.currency AND x.valid_from <= f.announced_on
         ORDER BY x.valid_from DESC LIMIT 1),
        (SELECT x.rate FROM progress_exchangerate x WHERE x.currency = f.currency ORDER BY x.valid_from LIMIT 1)) END"""
    total, rounds, converted = sql(
        f"""SELECT SUM(f.amount * {rate}), COUNT(*), COUNT(f.amount * {rate}) FROM progress_fundinground f
        WHERE f.announced_on BETWEEN %s AND %s {where}""",
        [START, END, *params],
    )
    return Decimal(str(total or 0)), rounds, converted


def expected_milestones(campus):
    where, params = campus_clause("m", campus)
    return sql(
        f"""SELECT COUNT(*) FROM progress_milestone m LEFT JOIN events_event e ON e.id = m.event_id
        WHERE COALESCE(m.occurred_on, e.starts_on) BETWEEN %s AND %s {where}""",
        [START, END, *params],
    )[0]


def expected_requests(campus):
    where, params = campus_clause("s", campus)
    tz = timezone.get_current_timezone()
    opened_from = datetime.datetime.combine(START, datetime.time.min, tzinfo=tz)
    opened_before = datetime.datetime.combine(END + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return sql(
        f"""SELECT SUM(CASE WHEN s.first_response_at IS NOT NULL AND s.first_response_at <= s.due_at THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.first_response_at > s.due_at
                         OR (s.first_response_at IS NULL AND s.due_at < %s) THEN 1 ELSE 0 END)
        FROM servicedesk_servicerequest s WHERE s.opened_at >= %s AND s.opened_at < %s {where}""",
        [timezone.now(), opened_from, opened_before, *params],
    )


def expected_showcases(campus):
    where, params = campus_clause("e", campus)
    return sql(
        f"""SELECT COUNT(*), SUM(CASE WHEN s.outcome <> '' THEN 1 ELSE 0 END) FROM events_showcase s
        JOIN events_event e ON e.id = s.event_id WHERE e.starts_on BETWEEN %s AND %s {where}""",
        [START, END, *params],
    )


def buckets(kpi, breakdown: str) -> dict:
    return {bucket.key: bucket.value for bucket in kpi.breakdowns[breakdown]}


@pytest.fixture
def built(world):
    world(12)


@pytest.mark.parametrize("scope", ["campus", "network"])
def test_every_kpi_matches_its_sql(built, users, campus_a, scope):
    campus = campus_a if scope == "campus" else None
    report = compute_kpis(users.superuser, campus=campus, start=START, end=END)
    assert list(report.values()) == list(KPIS)

    total, home, abroad, unknown = expected_signed(campus)
    signed = report.get("residents_signed")
    assert signed.value == total > 0
    assert buckets(signed, "home_abroad") == {"home": home, "abroad": abroad, "unknown": unknown}
    assert sum(buckets(signed, "by_month").values()) == total
    assert sum(buckets(signed, "by_country").values()) == total

    assert report.get("active_residents").value == expected_active(campus)

    agreements = report.get("agreements")
    assert agreements.value == expected_agreements(campus) > 0
    for type_, count in buckets(agreements, "by_type").items():
        assert count == expected_agreements(campus, type_=type_)

    assert report.get("international_strategic_partners").value == expected_partners(campus) > 0

    funding = report.get("funding_raised")
    amount, rounds, converted = expected_funding(campus)
    assert abs(funding.value - amount) <= Decimal("0.01") * rounds  # each converted amount is rounded to the cent
    assert buckets(funding, "rounds") == {"all": rounds, "converted": converted, "not_converted": rounds - converted}
    assert funding.unit == "USD"

    assert report.get("milestones").value == expected_milestones(campus)

    in_time, late = expected_requests(campus)
    answered = report.get("service_requests_answered_in_time")
    assert buckets(answered, "counts")["in_time"] == in_time
    assert buckets(answered, "counts")["late"] == late
    assert answered.value == (Decimal(in_time) / Decimal(in_time + late)).quantize(Decimal("0.0001"))

    shown, with_outcome = expected_showcases(campus)
    showcases = report.get("showcases")
    assert showcases.value == shown
    assert buckets(showcases, "outcome")["with_outcome"] == with_outcome


def test_another_campus_never_counts(built, users, campus_a, campus_b):
    a = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).values()
    b = compute_kpis(users.superuser, campus=campus_b, start=START, end=END).values()
    network = compute_kpis(users.superuser, start=START, end=END).values()
    for name in ("residents_signed", "active_residents", "agreements", "milestones", "showcases"):
        assert a[name] + b[name] == network[name], name


def test_campus_admin_of_a_sees_only_campus_a_in_the_network(built, users, campus_a):
    mine = compute_kpis(users.campus_admin, start=START, end=END).values()
    only_a = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).values()
    assert mine == only_a


def test_a_resident_member_counts_only_its_own_share(built, users, campus_a, resident_org):
    report = compute_kpis(users.resident_member, campus=campus_a, start=START, end=END)
    assert report.get("residents_signed").value == expected_signed(campus_a, org_ids=[resident_org.pk])[0] == 1
    assert report.get("agreements").value == 0  # it is party to none of the generated agreements
    assert report.get("milestones").value == 0


def test_a_user_without_membership_counts_nothing(built, users):
    values = compute_kpis(users.no_membership, start=START, end=END).values()
    assert values["residents_signed"] == values["agreements"] == values["showcases"] == 0


def test_field_counts_the_field_and_the_fields_below_it(built, users, campus_a, fields):
    report = compute_kpis(users.superuser, campus=campus_a, start=START, end=END, field=fields["parent"])
    expected = expected_signed(campus_a, field_ids=[fields["parent"].pk, fields["child"].pk])[0]
    assert report.get("residents_signed").value == expected
    child_only = compute_kpis(users.superuser, campus=campus_a, start=START, end=END, field=fields["child"])
    assert child_only.get("residents_signed").value == expected_signed(campus_a, field_ids=[fields["child"].pk])[0]


def test_as_of_reads_the_history(built, users, campus_a, resident_org):
    # Everything so far was recorded on 1 June 2020; what changes afterwards must not show as of 2020.
    for model in (Residency, *(m for m in _history_tracked())):
        model.history.update(history_date=timezone.make_aware(datetime.datetime(2020, 6, 1, 12)))
    before = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).values()
    residency = Residency.objects.filter(campus=campus_a, status="resident", signed_on__year=2020).first()
    residency.status = "declined"
    residency.ended_on = None
    residency.save()
    from tests.factories import AgreementFactory, ResidencyFactory

    ResidencyFactory(campus=campus_a, signed_on=datetime.date(2020, 5, 5), moved_in_on=None)
    ResidencyFactory(campus=campus_a, signed_on=datetime.date(2020, 5, 6), moved_in_on=None)
    AgreementFactory(campus=campus_a, signed_on=datetime.date(2020, 5, 5))
    now = compute_kpis(users.superuser, campus=campus_a, start=START, end=END).values()
    assert now["residents_signed"] == before["residents_signed"] + 1
    assert now["agreements"] == before["agreements"] + 1
    then = compute_kpis(users.superuser, campus=campus_a, start=START, end=datetime.date(2021, 6, 1), as_of=END)
    assert then.end == END  # clamped to as_of
    for name in ("residents_signed", "active_residents", "agreements", "international_strategic_partners"):
        assert then.values()[name] == before[name], name


def _history_tracked():
    from biocampus.agreements.models import Agreement
    from biocampus.progress.models import FundingRound, Milestone
    from biocampus.servicedesk.models import ServiceRequest

    return (Agreement, FundingRound, Milestone, ServiceRequest)


def test_the_query_count_stays_flat_as_records_grow(world, users, campus_a, django_assert_max_num_queries):
    world(6)
    with CaptureQueriesContext(connection) as few:
        compute_kpis(users.campus_admin, campus=campus_a, start=START, end=END)
    world(18)
    with django_assert_max_num_queries(len(few)):
        compute_kpis(users.campus_admin, campus=campus_a, start=START, end=END)
    with django_assert_max_num_queries(len(few)):
        compute_kpis(users.campus_admin, start=START, end=END)


def test_start_after_end_is_refused(users):
    with pytest.raises(ValueError):
        compute_kpis(users.superuser, start=END, end=START)
