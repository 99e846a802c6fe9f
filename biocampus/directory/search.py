"""Directory search: the one place that turns a query string into a filter and an order.

Today every name, alias, city and identifier of an organisation is folded into `search_text` and each
query term must occur in it (so "teddy lab" finds "Teddy Lab Services", and "无锡" finds Chinese
names). The scale work replaces the inside of this module (an FTS index) without changing its callers.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from biocampus.core.text import fold

MAX_TERMS = 8


def terms_of(query: str) -> list[str]:
    return fold(query.replace("\x00", " ")).split()[:MAX_TERMS]


def search_records(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    """Records where every term of `query` occurs in one of `fields` (lists of people, agreements, events)."""
    for term in terms_of(query):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


def search_organizations(queryset: QuerySet, query: str) -> QuerySet:
    """Organisations matching every term of `query`, best matches (exact name, then prefix) first."""
    query = query.replace("\x00", "")  # PostgreSQL text cannot hold NUL: never send it in a lookup
    terms = terms_of(query)
    if not terms:
        return queryset
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    folded = " ".join(terms)
    return queryset.annotate(
        search_rank=Case(
            When(name__iexact=folded, then=Value(0)),
            When(name_zh=query.strip(), then=Value(0)),
            When(name__istartswith=folded, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("search_rank", "name", "id")
