"""SQL helpers shared by the apps' selectors and search."""

import json

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import RawSQL


def id_list(ids: list[int], *, using: str = DEFAULT_DB_ALIAS) -> RawSQL:
    """`pk__in=id_list(ids)`: the ids as one parameter (a JSON array on SQLite, an array on PostgreSQL), so
    that thousands of them neither pass SQLite's limit on parameters nor make a new SQL text each time."""
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))  # noqa: S611 - no user text
