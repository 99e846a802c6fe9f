"""core.prepared: a query compiled once runs again with other values and answers exactly what its queryset
answers (the same rows, the same Python types), on SQLite and on PostgreSQL; a query it cannot prepare
safely is refused when it is first compiled, not answered wrongly."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import DataError, connection, connections, transaction
from django.db.models import F
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from biocampus.accounts.permissions import reads_every, visible
from biocampus.campuses.models import Residency
from biocampus.core.prepared import (
    PreparedValues,
    _numbered_placeholders,
    _server_statements,
    stand_in_int,
    stand_in_uuid,
)
from biocampus.directory.models import Organization
from biocampus.progress.models import Target
from tests.factories import OrganizationFactory, TargetFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "public_id", "name", "name_zh", "aliases", "country", "founded_year", "created_at", "parent__name")


def test_rows_are_those_of_the_queryset_for_each_value():
    parent = OrganizationFactory(name="Parent Pharma")
    organizations = [
        OrganizationFactory(
            name="无锡 Bio", name_zh="无锡生物", aliases=["WB", "无锡"], founded_year=2016, parent=parent
        ),
        OrganizationFactory(name="Plain Co", aliases=[], founded_year=None),
    ]
    by_id = PreparedValues(
        lambda public_id: Organization.objects.filter(public_id=public_id).values(*COLUMNS), public_id=stand_in_uuid()
    )
    for organization in organizations:
        expected = list(Organization.objects.filter(public_id=organization.public_id).values(*COLUMNS))
        got = by_id.rows(public_id=organization.public_id)
        assert got == expected
        assert [{k: type(v) for k, v in row.items()} for row in got] == [
            {k: type(v) for k, v in row.items()} for row in expected
        ]
        assert isinstance(got[0]["public_id"], uuid.UUID) and isinstance(got[0]["created_at"], datetime.datetime)
    assert by_id.rows(public_id=uuid.uuid4()) == []
    assert by_id.first(public_id=uuid.uuid4()) is None


def test_an_annotation_among_the_fields_keeps_its_place_and_its_name():
    """values() keeps the order it is given (Django 5.2): a column annotated between two fields is read there."""
    lab = OrganizationFactory(name="Teddy Lab", founded_year=2019)

    def build(public_id):
        return (
            Organization.objects.filter(public_id=public_id)
            .annotate(next_year=F("founded_year") + 1)
            .values("name", "next_year", "founded_year", "created_at")
        )

    got = PreparedValues(build, public_id=stand_in_uuid()).rows(public_id=lab.public_id)
    assert got == list(build(lab.public_id))
    assert got[0]["next_year"] == 2020 and got[0]["founded_year"] == 2019
    assert isinstance(got[0]["created_at"], datetime.datetime)


def test_decimals_dates_and_a_string_parameter_keep_their_types():
    TargetFactory(metric="people screened", goal=Decimal("1000000.50"), due_on=datetime.date(2021, 12, 31))
    TargetFactory(metric="hospitals", goal=Decimal("470"), due_on=datetime.date(2020, 6, 30))
    by_metric = PreparedValues(
        lambda metric: Target.objects.filter(metric=metric).order_by("pk").values("goal", "due_on", "campus__slug"),
        metric="stand-in metric",
    )
    for metric in ("people screened", "hospitals", "nothing"):
        expected = list(Target.objects.filter(metric=metric).order_by("pk").values("goal", "due_on", "campus__slug"))
        assert by_metric.rows(metric=metric) == expected
    assert by_metric.first(metric="hospitals")["goal"] == Decimal("470")


def test_each_run_is_one_query_through_djangos_cursor():
    organization = OrganizationFactory()
    by_pk = PreparedValues(lambda pk: Organization.objects.filter(pk=pk).values("name"), pk=stand_in_int())
    by_pk.rows(pk=organization.pk)  # compiled here
    with CaptureQueriesContext(connection) as queries:
        assert by_pk.rows(pk=organization.pk) == [{"name": organization.name}]
    assert len(queries) == 1


def test_two_integer_stand_ins_of_one_query_are_told_apart():
    parent = OrganizationFactory(name="Parent Pharma")
    child = OrganizationFactory(name="Child Bio", parent=parent)
    OrganizationFactory(name="Other Child", parent=parent)
    by_pk_and_parent = PreparedValues(
        lambda pk, parent: Organization.objects.filter(pk=pk, parent_id=parent).values("name"),
        pk=stand_in_int(),
        parent=stand_in_int(),
    )
    assert by_pk_and_parent.rows(pk=child.pk, parent=parent.pk) == [{"name": "Child Bio"}]
    assert by_pk_and_parent.rows(pk=parent.pk, parent=child.pk) == []
    assert stand_in_int() < 0


def test_a_query_it_cannot_prepare_is_refused():
    twice = PreparedValues(lambda pk: Organization.objects.filter(pk=pk, parent_id=pk).values("name"), pk=-987_654)
    with pytest.raises(ValueError, match="occurs 2 times"):
        twice.rows(pk=1)
    instances = PreparedValues(lambda pk: Organization.objects.filter(pk=pk), pk=-987_654)
    with pytest.raises(ValueError, match="values"):
        instances.rows(pk=1)
    by_pk = PreparedValues(lambda pk: Organization.objects.filter(pk=pk).values("name"), pk=-987_654)
    with pytest.raises(TypeError, match="parameters"):
        by_pk.rows(id=1)


def test_reads_every_is_true_only_where_visible_keeps_every_row(users, resident_org):
    """The prepared organisation read skips visible(): reads_every must agree with it."""
    OrganizationFactory.create_batch(3)
    for user in vars(users).values():
        everything = Organization.objects.count()
        assert reads_every(Organization, user) == (visible(Organization.objects.all(), user).count() == everything)
    assert reads_every(Organization, users.no_membership) is False
    assert reads_every(Residency, users.resident_member) is False
    assert reads_every(Residency, users.superuser) is True


# --- PostgreSQL: PREPARE once per connection, EXECUTE afterwards -------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE/EXECUTE is PostgreSQL's")


def _names_of_prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _by_founded_year():
    """Names of the organisations founded in `year`. The column's alias is new each call: the statement
    PREPAREd outlives a test's rollback, and each test must see its own query prepared."""
    column = f"name_{uuid.uuid4().hex[:12]}"
    prepared = PreparedValues(
        lambda year: Organization.objects.filter(founded_year=year).order_by("name").values(**{column: F("name")}),
        year=31_999,  # a year no test uses, within the column's range (Django answers nothing outside it)
    )
    return lambda year: [row[column] for row in prepared.rows(year=year)]


def test_placeholders_are_numbered_and_escaped_percents_kept():
    assert _numbered_placeholders("SELECT '%%s', %s FROM t WHERE a = %s AND b LIKE '50%%'") == (
        "SELECT '%%s', $1 FROM t WHERE a = $2 AND b LIKE '50%%'"
    )


@postgresql_only
def test_on_postgresql_the_first_run_prepares_the_statement_in_its_one_query():
    OrganizationFactory(name="Old Lab", founded_year=1990)
    OrganizationFactory(name="New Lab", founded_year=2020)
    by_year = _by_founded_year()
    before = _names_of_prepared()

    with CaptureQueriesContext(connection) as queries:
        assert by_year(1990) == ["Old Lab"]
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("PREPARE ")
    (name,) = _names_of_prepared() - before

    with CaptureQueriesContext(connection) as queries:
        assert by_year(2020) == ["New Lab"]
        assert by_year(1800) == []
    assert [query["sql"] for query in queries] == [f"EXECUTE {name}(2020)", f"EXECUTE {name}(1800)"]


@postgresql_only
def test_a_run_that_fails_after_preparing_leaves_the_next_ones_working():
    """The statement may outlive the failed run's rollback: the next run prepares under a new name."""
    OrganizationFactory(name="Old Lab", founded_year=1990)
    by_year = _by_founded_year()
    with pytest.raises(DataError), transaction.atomic():
        by_year(10**30)  # prepared, then EXECUTE refuses a number out of the column's range

    assert by_year(1990) == ["Old Lab"]
    assert by_year(1990) == ["Old Lab"]


@postgresql_only
@override_settings(BIOCAMPUS_PREPARED_STATEMENTS=False)
def test_with_prepared_statements_turned_off_nothing_is_prepared():
    OrganizationFactory(name="Old Lab", founded_year=1990)
    by_year = _by_founded_year()
    before = _names_of_prepared()

    with CaptureQueriesContext(connection) as queries:
        assert by_year(1990) == ["Old Lab"]
    assert queries[0]["sql"].startswith("SELECT ")
    assert _names_of_prepared() == before


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    """Django opens a new connection after CONN_MAX_AGE or an error; the old one's statements are gone."""
    OrganizationFactory(name="Old Lab", founded_year=1990)
    by_year = _by_founded_year()
    assert by_year(1990) == ["Old Lab"]
    connection.close()

    assert by_year(1990) == ["Old Lab"]
    assert len(_names_of_prepared()) == 1


@postgresql_only
def test_what_is_prepared_is_known_per_server_session_not_per_django_connection():
    """With Django's connection pool another thread's wrapper may be handed this session next: it must not
    PREPARE a name the session already has."""
    OrganizationFactory(name="Old Lab", founded_year=1990)
    by_year = _by_founded_year()
    assert by_year(1990) == ["Old Lab"]
    other = connections.create_connection("default")
    other.connection = connection.connection  # what the pool does when it hands the session on

    assert _server_statements(other) is _server_statements(connection)
    assert _server_statements(other).ready
