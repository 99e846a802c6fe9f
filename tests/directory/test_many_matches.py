"""A search with many matches is paged in name order instead of sorting every match
(search.many_matches_page, SQLite): the pages must be exactly those of the sorted search, page after page,
whether the name order fills them or declines and the sort does."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biocampus.core.keyset import rows_after
from biocampus.directory.models import Organization
from biocampus.directory.search import NAME_PREFIX_INDEX, many_matches_page, search_organizations
from biocampus.directory.selectors import FACET_SAMPLE
from biocampus.directory.services import organization_search_text
from tests.factories import ProvenanceFactory

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
QUERIES = ["bio", "bio labs", "lab", "生物", "苏州生物科技", "zeta", "ab"]


def make_registry(count: int, *, seed: int = 7) -> None:
    """Names that rank every way for QUERIES: the query itself in several cases, names starting with it,
    names holding it inside, in an alias or only in the city, a Chinese name equal to one of them; and
    names that do not match. Written in bulk (the index triggers still fire)."""
    rng = random.Random(seed)
    provenance = ProvenanceFactory()
    stems = ["Bio", "BIO", "bio", "Bio Labs", "Alpha Bio", "Lab", "Zeta", "Zeta Bio", "Omega", "Abacus", "Gamma Lab"]
    rows = []
    for i in range(count):
        name = f"{rng.choice(stems)} {rng.choice(['', 'Labs', 'Holdings', 'Tx'])}".strip() if i % 9 else "Bio"
        if i % 13 == 0:
            name = "bio labs"
        organization = Organization(
            name=name if i % 17 else f"Nothing {i}",
            name_zh=rng.choice(["", "苏州生物科技", "上海生物", "北京医药"]),
            aliases=[rng.choice(["", "BL", "biolab"])] if i % 5 == 0 else [],
            city=rng.choice(["Suzhou", "Zetaville", "Basel", "Labrador"]),
            kind=rng.choice(["company", "company", "investor", "hospital"]),
            country=rng.choice(["CN", "CN", "US", "DE"]),
            provenance=provenance,
        )
        organization.search_text = organization_search_text(organization, identifiers=[])
        rows.append(organization)
    Organization.objects.bulk_create(rows)


def all_pages(queryset, query, *, size, budget, filters=None):
    """Walk every page with many_matches_page, falling back to the sorted search where it declines (as the
    directory page does); returns the ids in order and how many pages declined. `filters` (a kind, a
    country), which `queryset` holds, are also given as the directory gives them, to check in the name index."""
    sorted_search = search_organizations(queryset, query)
    facets = {key: [value] for key, value in (filters or {}).items()}
    after, ids, declined = None, [], 0
    while True:
        page = many_matches_page(queryset, query, after=after, size=size, budget=budget, **facets)
        if page is None:
            declined += 1
            rows = sorted_search.filter(rows_after(("search_rank", "name", "id"), after)) if after else sorted_search
            page = list(rows[:size])
        ids += [row.pk for row in page]
        if len(page) < size:
            return ids, declined
        last = page[-1]
        after = [last.search_rank, last.name, last.pk]


@pytest.mark.skipif(not SQLITE, reason="many_matches_page reads in name order on SQLite only")
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(("size", "budget"), [(7, 5000), (7, 10), (50, 40), (3, 3)])
@pytest.mark.parametrize("filters", [{}, {"kind": "company"}, {"kind": "company", "country": "CN"}])
def test_pages_are_those_of_the_sorted_search(query, size, budget, filters):
    make_registry(300)
    queryset = Organization.objects.filter(**filters)
    expected = list(search_organizations(queryset, query).values_list("pk", flat=True))
    assert expected, query  # every query matches something here
    got, _declined = all_pages(queryset, query, size=size, budget=budget, filters=filters)
    assert got == expected


@pytest.mark.skipif(not SQLITE, reason="many_matches_page reads in name order on SQLite only")
def test_it_declines_only_when_the_budget_runs_out_before_the_page_is_full():
    make_registry(300)
    queryset = Organization.objects.all()
    # No name starts with "holdings" (none is a best match); the first 10 names cannot hold 50 that end so.
    assert many_matches_page(queryset, "holdings", size=50, budget=10) is None
    assert len(many_matches_page(queryset, "holdings", size=50, budget=5000)) == 50
    # A budget past the end of the list never declines: the list was read whole.
    page = many_matches_page(queryset, "othing 17", size=50, budget=1000)
    assert [row.name for row in page] == ["Nothing 17", "Nothing 170"]


@pytest.mark.skipif(not SQLITE, reason="the SQLite indexes of many_matches_page")
def test_best_matches_are_looked_up_through_the_name_indexes():
    make_registry(300)
    with CaptureQueriesContext(connection) as queries:
        many_matches_page(Organization.objects.all(), "bio labs", size=5)
    best = queries.captured_queries[0]["sql"]
    plan = " ".join(str(row) for row in connection.cursor().execute(f"EXPLAIN QUERY PLAN {best}").fetchall())
    assert NAME_PREFIX_INDEX in plan and "org_name_zh_idx" in plan


@pytest.mark.skipif(not SQLITE, reason="the SQLite indexes of many_matches_page")
def test_the_kind_and_country_of_the_best_matches_are_checked_in_the_name_index():
    """Not through the (kind, country) index, which the planner would rather take for two equalities, where a
    kind and a country can hold a quarter of a million organisations and a prefix a few thousand names."""
    make_registry(300)
    companies_in_china = Organization.objects.filter(kind__in=["company"], country__in=["CN"])
    with CaptureQueriesContext(connection) as queries:
        many_matches_page(companies_in_china, "bio labs", size=5, kind=["company"], country=["CN"])
    best = queries.captured_queries[0]["sql"]
    plan = connection.cursor().execute(f"EXPLAIN QUERY PLAN {best}").fetchall()
    names_read = [step for *_ids, step in plan if step.startswith("SEARCH U0")]
    assert any(NAME_PREFIX_INDEX in step for step in names_read), plan
    assert not any("org_kind_country_idx" in step for step in names_read), plan


def test_other_databases_decline():
    make_registry(20)
    page = many_matches_page(Organization.objects.all(), "bio", size=5)
    assert (page is None) != SQLITE


def test_the_directory_pages_of_a_search_with_many_matches_follow_the_sorted_order(client, users):
    """Past FACET_SAMPLE matches the page reads in name order (on SQLite): page 1 and the pages its Next
    links lead to hold the sorted search's rows, 50 at a time."""
    make_registry(2 * FACET_SAMPLE)
    expected = [
        organization.get_absolute_url() for organization in search_organizations(Organization.objects.all(), "bio")
    ]
    assert len(expected) > FACET_SAMPLE
    client.force_login(users.campus_admin)
    url, shown = "/organizations/?q=bio", []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if SQLITE:  # read in name order: no query sorted every match by rank
            assert not any("MATCH" in q["sql"] and '"search_rank"' in q["sql"] for q in queries.captured_queries)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        shown += [row.select_one("td a")["href"] for row in soup.select("#organizations tbody tr")]
        next_link = soup.select_one("a[rel=next]")
        url = "/organizations/?" + "&".join(
            f"{k}={v[0]}" for k, v in parse_qs(urlparse(next_link["href"]).query).items()
        )
    assert shown == expected[:150]


@pytest.mark.parametrize(
    ("prefix", "end"),
    [("bio", "bip"), ("az", "a{"), ("\ud7ff", "\ue000"), ("a\U0010ffff", "b"), ("\U0010ffff", None)],
)
def test_the_end_of_a_prefix_range_is_a_valid_string_past_every_name_with_the_prefix(prefix, end):
    from biocampus.directory.search import _first_string_after_prefix

    assert _first_string_after_prefix(prefix) == end
    if end is not None:
        end.encode()  # never a lone surrogate: SQLite must be able to take it
        assert prefix + "\U0010ffff" < end


@pytest.mark.parametrize("query", ["\ud7ff" * 3, "\U0010ffff", "z\U0010ffff"])
def test_queries_at_the_edges_of_unicode_find_what_the_sorted_search_finds(query):
    make_registry(30)
    Organization.objects.filter(pk=Organization.objects.order_by("pk").first().pk).update(
        name=query + " Bio", search_text=query + " bio"
    )
    expected = list(search_organizations(Organization.objects.all(), query).values_list("pk", flat=True))
    assert len(expected) == 1
    got, _declined = all_pages(Organization.objects.all(), query, size=5, budget=100)
    assert got == expected


@pytest.mark.skipif(not SQLITE, reason="many_matches_page reads in name order on SQLite only")
@pytest.mark.parametrize("filter_by", ["field", "campus", "status"])
def test_the_reader_agrees_with_the_selector_under_the_join_filters(users, campus_a, filter_by):
    """Fields, campuses and residency statuses filter through joins and subqueries (a field filter makes
    the rows DISTINCT): the name-order read must still give the selector's pages, for a campus admin."""
    from biocampus.directory.selectors import many_matches_reader, organizations_for
    from tests.factories import FieldFactory, ResidencyFactory

    make_registry(200)
    field = FieldFactory()
    chosen = list(Organization.objects.filter(name__icontains="bio").order_by("pk")[::3])
    for organization in chosen:
        organization.fields.add(field)
        ResidencyFactory(organization=organization, campus=campus_a)
    filters = {"field": [field], "campus": [campus_a], "status": ["resident"]}
    selection = {filter_by: filters[filter_by]}
    expected = [o.pk for o in organizations_for(users.campus_admin, q="bio", **selection)]
    assert len(expected) > 10
    read = many_matches_reader(users.campus_admin, q="bio", **selection)
    got, after = [], None
    while True:
        page = read(after, 4)
        assert page is not None
        got += [o.pk for o in page]
        if len(page) < 4:
            break
        after = [page[-1].search_rank, page[-1].name, page[-1].pk]
    assert got == expected
