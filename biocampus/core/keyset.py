"""Keyset pagination's one condition: the rows after (or before) a row, in the order of some keys.

A page read from a cursor (the sort-key values of the row a link was made from) instead of an offset
costs the same on page 1 and page 10,000. Used by the directory's pages, its search and the API's lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q


def rows_after(keys: Sequence[str], values: Sequence, *, forward: bool = True) -> Q:
    """Rows strictly after `values` in the order of `keys` (before them, if not `forward`): (a > x) or
    (a = x and b > y) or ... A key written "-name" is descending. The leading `a >= x` says nothing new,
    but lets the database start its index range at the cursor instead of filtering a scan."""
    if len(keys) != len(values):
        raise ValueError("one value per key")
    names = [key.lstrip("-") for key in keys]
    # Going forward, an ascending key must grow; going back, shrink. A descending key does the opposite.
    ascending = [(not key.startswith("-")) == forward for key in keys]
    strictly = Q()
    for i in reversed(range(len(keys))):
        here = Q(**{f"{names[i]}__{'gt' if ascending[i] else 'lt'}": values[i]})
        strictly = here if i == len(keys) - 1 else here | (Q(**{names[i]: values[i]}) & strictly)
    return Q(**{f"{names[0]}__{'gte' if ascending[0] else 'lte'}": values[0]}) & strictly
