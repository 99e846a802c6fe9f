"""SQL helpers shared by the apps' selectors and search."""

import json

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField, Subquery
from django.db.models.expressions import RawSQL


def id_list(ids: list[int], *, using: str = DEFAULT_DB_ALIAS) -> RawSQL:
    """`pk__in=id_list(ids)`: the ids as one parameter (a JSON array on SQLite, an array on PostgreSQL), so
    that thousands of them neither pass SQLite's limit on parameters nor make a new SQL text each time."""
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))  # noqa: S611 - no user text


class JSONRows(Subquery):
    """The rows of a correlated values() subquery as one JSON array, a column of the outer query: a record
    and its few children (an organisation's fields, its identifiers) come back in one query instead of one
    each. With one column the array holds its values, else an object per row keyed by the columns' names.
    The subquery's own order is kept (the aggregate reads the ordered subquery in turn; an empty one gives
    []). Give the columns plain names (`values(slug=F("field__slug"))`): they key the objects."""

    output_field = JSONField()

    def __init__(self, queryset, *, columns: tuple[str, ...]):
        super().__init__(queryset, output_field=JSONField())
        if not columns or not all(name.isidentifier() for name in columns):
            raise ValueError(f"JSONRows needs plain column names, got {columns!r}")  # they are written into the SQL
        self.columns = columns

    def _element(self, quote, build_object: str) -> str:
        if len(self.columns) == 1:
            return f"json_rows.{quote(self.columns[0])}"
        pairs = ", ".join(f"'{name}', json_rows.{quote(name)}" for name in self.columns)
        return f"{build_object}({pairs})"

    def as_sqlite(self, compiler, connection, **extra):
        element = self._element(connection.ops.quote_name, "json_object")
        # Names checked in __init__, from code; values travel as the subquery's parameters.
        template = f"(SELECT json_group_array({element}) FROM (%(subquery)s) json_rows)"  # noqa: S608
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # jsonb: what Django's JSONField reads on PostgreSQL (psycopg hands json over already decoded).
        element = self._element(connection.ops.quote_name, "jsonb_build_object")
        template = f"(SELECT COALESCE(jsonb_agg({element}), '[]'::jsonb) FROM (%(subquery)s) json_rows)"  # noqa: S608
        return super().as_sql(compiler, connection, template=template, **extra)
