"""Filters a list page shares with the KPIs that link to it: the campus (slug) and a period over a date
expression, from the page's GET query. A KPI's number then opens a list of exactly the rows it counted.
A malformed value filters nothing (the page stays usable)."""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def campus_and_period(queryset: QuerySet, params, *, dates: tuple[str, ...], campus_path: str = "campus") -> QuerySet:
    """`campus=<slug>`, `from` and `to` (YYYY-MM-DD, inclusive) over the first non-empty of `dates`."""
    if params.get("campus"):
        queryset = queryset.filter(**{f"{campus_path}__slug": params["campus"]})
    start, end = _date(params.get("from")), _date(params.get("to"))
    if start or end:
        queryset = queryset.annotate(list_date=Coalesce(*dates) if len(dates) > 1 else F(dates[0]))
        if start:
            queryset = queryset.filter(list_date__gte=start)
        if end:
            queryset = queryset.filter(list_date__lte=end)
    return queryset


def organization_of(params):
    """The organisation `organization=<public id>` names (the timeline's "see them all" links), or None.
    A malformed or unknown id gives `False`: the list then shows nothing rather than everything."""
    import uuid

    from biocampus.directory.models import Organization

    value = (params.get("organization") or "").strip()
    if not value:
        return None
    try:
        public_id = uuid.UUID(value)
    except ValueError:
        return False
    return Organization.objects.filter(public_id=public_id).first() or False
