"""The database settings read from the environment: pgbouncer, prepared statements and JIT on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.settings.base import database_from_env, prepared_statements_from_env


@pytest.fixture
def environment(monkeypatch):
    """Starts from none of the variables; `environment(NAME=value, ...)` sets some."""
    for name in ("DATABASE_URL", "PGDATABASE", "PGBOUNCER", "PG_PREPARED_STATEMENTS", "PG_JIT"):
        monkeypatch.delenv(name, raising=False)

    def set_variables(**variables) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_variables


@pytest.mark.parametrize(
    "variables, prepared",
    [
        ({}, True),
        ({"PGBOUNCER": "true"}, False),  # transaction pooling: the next transaction may reach another session
        ({"PG_PREPARED_STATEMENTS": "false"}, False),
        ({"PGBOUNCER": "1", "PG_PREPARED_STATEMENTS": "1"}, True),  # e.g. pgbouncer in session mode
        ({"PGBOUNCER": "no"}, True),
    ],
)
def test_postgresql_prepares_the_hot_reads_unless_a_pooler_or_the_operator_says_no(environment, variables, prepared):
    environment(**variables)
    assert prepared_statements_from_env() is prepared


@pytest.mark.parametrize("name", ["PG_PREPARED_STATEMENTS", "PGBOUNCER"])
def test_a_value_that_is_not_true_or_false_is_refused_by_name(environment, name):
    environment(**{name: "sometimes"})
    with pytest.raises(ImproperlyConfigured, match=f"{name} must be true or false"):
        prepared_statements_from_env()


def test_behind_pgbouncer_server_side_cursors_are_off(environment, tmp_path):
    environment(PGDATABASE="biocampus", PGBOUNCER="yes")
    assert database_from_env(tmp_path / "unused.sqlite3")["DISABLE_SERVER_SIDE_CURSORS"] is True

    environment(PGBOUNCER="false")
    assert not database_from_env(tmp_path / "unused.sqlite3").get("DISABLE_SERVER_SIDE_CURSORS")


@pytest.mark.parametrize(
    "variables, jit_off",
    [
        ({}, True),
        ({"PG_JIT": "true"}, False),
        ({"PGBOUNCER": "true"}, False),  # pgbouncer refuses startup options: set it on the role instead
        ({"DATABASE_URL": "postgres://db.example.org/biocampus?options=-c%20statement_timeout%3D5000"}, True),
    ],
)
def test_postgresql_connections_turn_jit_off(environment, tmp_path, variables, jit_off):
    environment(**{"PGDATABASE": "biocampus", **variables})
    options = database_from_env(tmp_path / "unused.sqlite3").get("OPTIONS", {}).get("options", "")
    assert ("-c jit=off" in options) is jit_off
    if "DATABASE_URL" in variables:
        assert "statement_timeout=5000" in options  # the operator's own options are kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's just-in-time compilation")
@pytest.mark.django_db
def test_the_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
