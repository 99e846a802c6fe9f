"""Hot reads whose SQL is compiled once per process instead of on every request.

Django builds and compiles a queryset's SQL each time it runs: for a lookup by one key that is most of the
cost (0.3–0.6 ms a query on this machine against ~0.05 ms to execute it), and every API request makes
them (the token with its owner's memberships, then the record). A `PreparedValues` is written as an ordinary values() queryset over named parameters; the
first call on a database compiles it once with stand-in values, notes where each stand-in landed among the
SQL parameters, and every later call runs that SQL with the real values and the same result converters
(dates, decimals, UUIDs and JSON come back as values() gives them). The queries still go through Django's
cursor, so they are counted, logged and wrapped like any other.

Only for queries whose shape does not depend on the values (equality on one value per parameter, no
`__in` lists, no branches on the values in the builder): compiling refuses a stand-in it cannot place
exactly once.

On PostgreSQL the server also parses and plans every statement it is sent, and for these reads (a row and
its children as JSON columns) that was most of their time: each connection therefore `PREPARE`s such a
query the first time it runs it and `EXECUTE`s it afterwards, so PostgreSQL plans it once per connection
(its generic plan after five runs: right for a lookup by a unique key, which is what these are). The API
detail went from 1.34–1.39 to 0.78–0.82 ms in one process at 1,000,000 organisations. Only these queries:
psycopg's own automatic preparing (`prepare_threshold`) would prepare every repeated query, and generic
plans tripled the directory search's p95 on skewed data. `PREPARE` is session state, which pgbouncer in
transaction mode does not keep: the setting `BIOCAMPUS_PREPARED_STATEMENTS` (environment
`PG_PREPARED_STATEMENTS`, off with `PGBOUNCER`) turns it off.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

# Ways a parameter reaches the SQL parameters on the backends we run on (a UUID is sent as its hex on
# SQLite, as itself on PostgreSQL); a stand-in must come out as exactly one of these.
_ADAPTERS: tuple[Callable[[Any], Any], ...] = (lambda value: value, str, lambda value: value.hex)


class PreparedValues:
    """`build(**parameters)` -> a values() queryset; `rows(**parameters)` runs it as prepared SQL.

    `stand_ins` give each parameter a value of its type that occurs nowhere else in the query (a random UUID,
    an unlikely integer or string): the compiled SQL's parameter list is searched for it."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = "default", **stand_ins):
        self.build = build
        self.using = using
        self.stand_ins = stand_ins
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def rows(self, **parameters) -> list[dict[str, Any]]:
        if parameters.keys() != self.stand_ins.keys():
            raise TypeError(f"expected the parameters {sorted(self.stand_ins)}, got {sorted(parameters)}")
        connection = connections[self.using]
        sql, template, slots, names, converters = self._compile(connection)
        params = list(template)
        for position, name, adapt in slots:
            params[position] = adapt(parameters[name])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and settings.BIOCAMPUS_PREPARED_STATEMENTS:
                _execute_prepared(cursor, connection, sql, params)
            else:
                cursor.execute(sql, params)
            fetched = cursor.fetchall()
        rows = []
        for row in fetched:
            if converters:
                row = list(row)
                for position, functions, expression in converters:
                    value = row[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[position] = value
            rows.append(dict(zip(names, row, strict=True)))
        return rows

    def first(self, **parameters) -> dict[str, Any] | None:
        found = self.rows(**parameters)
        return found[0] if found else None

    def _compile(self, connection) -> tuple:
        # Keyed by vendor: the SQL of one alias can only change if its backend does (a test switching it).
        compiled = self._compiled.get(connection.vendor)
        if compiled is not None:
            return compiled
        with self._lock:
            compiled = self._compiled.get(connection.vendor)
            if compiled is not None:  # another thread compiled it while this one waited
                return compiled
            queryset = self.build(**self.stand_ins)
            query = queryset.query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = [self._slot(name, stand_in, params, sql) for name, stand_in in self.stand_ins.items()]
            # The columns in the order of the SELECT: values() keeps the order it was given, annotations among
            # the fields (query.selected, Django 5.2); the older attributes list fields, then annotations.
            names = list(query.selected or ()) or [*query.extra_select, *query.values_select, *query.annotation_select]
            if len(names) != compiler.col_count:
                raise ValueError("PreparedValues needs a values() queryset (named columns)")
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = [
                (position, functions, expression)
                for position, (functions, expression) in compiler.get_converters(fields).items()
            ]
            compiled = (sql, tuple(params), slots, names, converters)
            self._compiled[connection.vendor] = compiled
            return compiled

    @staticmethod
    def _slot(name: str, stand_in, params, sql: str) -> tuple[int, str, Callable]:
        places = [
            (position, adapt)
            for position, value in enumerate(params)
            for adapt in (*_ADAPTERS, _driver_type_of(value, stand_in))
            if adapt is not None and _same(value, _adapted(adapt, stand_in))
        ]
        positions = {position for position, _ in places}
        if len(positions) != 1:
            raise ValueError(
                f"the stand-in for {name!r} occurs {len(positions)} times among the SQL's parameters (must be once); "
                f"choose a value found nowhere else in the query: {sql}"
            )
        position, adapt = places[0]
        return position, name, adapt


# --- PREPARE / EXECUTE on PostgreSQL ------------------------------------------------------------------


@dataclass
class _ServerStatements:
    """The statements prepared on one server connection."""

    ready: dict[str, str] = field(default_factory=dict)  # SQL -> the name it is prepared under
    attempts: dict[str, int] = field(default_factory=dict)


# Keyed by the driver's connection, not by Django's wrapper: `PREPARE` lasts as long as the server session
# (a ROLLBACK does not undo it), a new connection (after CONN_MAX_AGE or an error) starts empty, and with
# Django's connection pool (`"OPTIONS": {"pool": True}`) another thread's wrapper may get this session next.
_STATEMENTS: weakref.WeakKeyDictionary[Any, _ServerStatements] = weakref.WeakKeyDictionary()
_STATEMENTS_LOCK = threading.Lock()


def _server_statements(connection) -> _ServerStatements:
    session = connection.connection
    with _STATEMENTS_LOCK:
        known = _STATEMENTS.get(session)
        if known is None:
            known = _STATEMENTS[session] = _ServerStatements()
        return known


def _execute_prepared(cursor, connection, sql: str, params: list) -> None:
    """Runs `sql` as a statement prepared on this connection, preparing it on first use in the same
    round trip (`PREPARE …; EXECUTE …`: one query, as Django counts them, either way). Two statements in one
    query need Django's default client-side binding; with `server_side_binding` the first run fails loudly."""
    statements = _server_statements(connection)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    name = statements.ready.get(sql)  # the same str object each call: its hash is computed once
    if name is not None:
        cursor.execute(f"EXECUTE {name}{arguments}", params)
        return
    # A failed attempt may or may not have left its statement behind (PREPARE outlives the rollback):
    # the next attempt prepares under a new name rather than guess.
    attempt = statements.attempts.get(sql, 0)
    statements.attempts[sql] = attempt + 1
    name = f"biocampus_{hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()}_{attempt}"
    cursor.execute(f"PREPARE {name} AS {_numbered_placeholders(sql)}; EXECUTE {name}{arguments}", params)
    cursor.nextset()  # past PREPARE's empty result, to the rows
    statements.ready[sql] = name


_PLACEHOLDER = re.compile(r"%%|%s")


def _numbered_placeholders(sql: str) -> str:
    """Django's `%s` placeholders as PREPARE's `$1`, `$2`, …; an escaped `%%` stays as it is (the whole text
    still goes through the driver's placeholders, with EXECUTE's)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: match.group() if match.group() == "%%" else f"${next(numbers)}", sql)


def _driver_type_of(param, stand_in) -> Callable | None:
    """The driver's subclass Django wrapped the stand-in in (psycopg's Int2 for a small integer column, so
    the value is sent typed), to wrap each real value the same way; None when it is not such a wrapper."""
    kind = type(param)
    return kind if kind is not type(stand_in) and isinstance(param, type(stand_in)) else None


def _adapted(adapt, value):
    try:
        return adapt(value)
    except AttributeError:  # .hex of a value that is not a UUID
        return _NOTHING


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


_NOTHING = object()


def stand_in_uuid() -> uuid.UUID:
    """A UUID no row has: a stand-in for a public id."""
    return uuid.uuid4()


def stand_in_int() -> int:
    """An integer no primary key takes (they count up from 1) and no query is likely to hold as a constant:
    a stand-in for an id. A fresh one each call, so two parameters of one query never share it."""
    return -secrets.randbelow(10**12) - 10**12
