"""Filters several lists share: by a related record's public id, by a date range."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.db.models import QuerySet


def by_id(queryset: QuerySet, **lookups: UUID | None) -> QuerySet:
    """`by_id(qs, campus=uuid)` keeps records whose campus has that public id; None filters nothing."""
    for path, public_id in lookups.items():
        if public_id is not None:
            queryset = queryset.filter(**{f"{path}__public_id": public_id})
    return queryset


def in_range(queryset: QuerySet, field: str, start: datetime.date | None, end: datetime.date | None) -> QuerySet:
    """Records whose `field` lies between `start` and `end`, both included; either may be open."""
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset
