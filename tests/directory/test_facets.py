"""The directory's facets with a search: each facet counts its values among the results of every other filter,
exactly up to FACET_SAMPLE of them and as an uncounted sample past it, whether the scopes were settled by
the one pass over the matches that reads the kind and the country (selectors._row_scopes) or, past its
limit, by a read of their own."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biocampus.directory.models import Organization
from biocampus.directory.search import search_organizations
from biocampus.directory.selectors import directory_facets
from tests.directory.test_many_matches import QUERIES, make_registry

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"kind": ["company"]}, {"country": ["CN"]}, {"kind": ["company", "hospital"], "country": ["CN", "DE"]}]


def _truth(query: str, filters: dict, facet: str) -> Counter:
    """The facet's values among the matches of every filter but its own, counted one by one."""
    others = {f"{name}__in": values for name, values in filters.items() if name != facet}
    matches = search_organizations(Organization.objects.filter(**others), query)
    return Counter(value for value in matches.values_list(facet, flat=True) if value != "")


def _shown(facets, facet: str) -> dict:
    return {value.value: value.count for value in facets[facet]}


@pytest.fixture
def registry(users):
    make_registry(400)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("pass_limit", [20_000, 7])
def test_counts_below_the_sample_are_exact(registry, users, monkeypatch, query, filters, pass_limit):
    monkeypatch.setattr("biocampus.directory.selectors.ROW_PASS_LIMIT", pass_limit)
    facets = directory_facets(users.superuser, q=query, **filters)
    for facet in ("kind", "country"):
        truth = _truth(query, filters, facet)
        chosen = set(filters.get(facet, []))
        shown = _shown(facets, facet)
        assert {value: n for value, n in shown.items() if n is not None} == dict(truth), facet
        # A ticked value none of the results has stays on offer, uncounted, to untick.
        assert {value for value, n in shown.items() if n is None} == chosen - truth.keys(), facet
    everything = {f"{name}__in": values for name, values in filters.items()}
    assert facets.total == search_organizations(Organization.objects.filter(**everything), query).count()


@pytest.mark.parametrize("query", ["bio", "生物", "lab"])
@pytest.mark.parametrize("filters", FILTERS[1:])
@pytest.mark.parametrize("pass_limit", [20_000, 30])
def test_past_the_sample_the_values_offered_are_the_results_and_uncounted(
    registry, users, monkeypatch, query, filters, pass_limit
):
    monkeypatch.setattr("biocampus.directory.selectors.FACET_SAMPLE", 10)
    monkeypatch.setattr("biocampus.directory.selectors.ROW_PASS_LIMIT", pass_limit)
    facets = directory_facets(users.superuser, q=query, **filters)
    assert facets.total == 11  # "more than 10"
    for facet in ("kind", "country"):
        truth = _truth(query, filters, facet)
        shown = _shown(facets, facet)
        offered = {value for value, n in shown.items() if value not in filters.get(facet, []) or n is not None}
        assert offered <= truth.keys() | set(filters.get(facet, [])), facet
        assert all(n is None for n in shown.values()), facet


@pytest.mark.parametrize("few_matches", [2000, 0])  # the matches read as a list, or joined to the index
def test_one_pass_reads_the_matches_for_the_kind_and_country_facets(registry, users, monkeypatch, few_matches):
    """Three scopes (every filter, all but the kind, all but the country), one read of the matches, and no
    grouping query for the kind and the country: what the page used to run five queries for."""
    monkeypatch.setattr("biocampus.directory.search.FEW_MATCHES", few_matches)
    with CaptureQueriesContext(connection) as captured:
        facets = directory_facets(users.superuser, q="bio", kind=["company"], country=["CN"])
    assert facets.total > 0
    sqls = [query["sql"] for query in captured.captured_queries]
    reads = [sql for sql in sqls if 'SELECT "directory_organization"."id"' in sql]  # PostgreSQL: in a DECLARE
    assert len(reads) == 1, reads
    grouped = [sql for sql in sqls if "COUNT(" in sql and ('AS "kind"' in sql or 'AS "country"' in sql)]
    assert not grouped, [sql[:200] for sql in grouped]
