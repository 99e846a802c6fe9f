"""Directory search on its index (FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL): what it finds, in
which order, that no query can break it, and that the index follows every write of the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from biocampus.directory import services
from biocampus.directory.models import Organization
from biocampus.directory.search import (
    FTS_TABLE,
    PG_TRGM_INDEX,
    bulk_insert,
    check_search_index,
    match_expression,
    matching_organizations,
    search_organizations,
    similar_names,
    terms_of,
)

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
POSTGRESQL = connection.vendor == "postgresql"


def create(name: str, **values) -> Organization:
    values.setdefault("kind", "company")
    return services.organization_create(actor=None, name=name, **values)


def found(query: str, **filters) -> list[str]:
    return list(search_organizations(Organization.objects.filter(**filters), query).values_list("name", flat=True))


@pytest.fixture
def registry(db):
    create("Teddy Lab Services", name_zh="泰迪实验室服务", city="Wuxi", country="CN", aliases=["TLS"])
    create("WuXi AppTec", name_zh="无锡药明康德新药开发股份有限公司", city="Shanghai", country="CN")
    create("Lab", country="DE", city="Berlin")
    create("Laboratory Holdings", country="US", city="Boston", kind="investor")
    create("Zhongguancun Life Science Park", name_zh="中关村生命科学园", country="CN", city="Beijing", kind="hub")
    create('O\'Brien & "Quoted" Bio (Holdings) - Ltd*', country="IE", city="Dublin")
    create("Nordic Breath", aliases=["Nordic Breath Diagnostics AB", "NBD"], country="SE", city="Lund")


# --- what it finds ---------------------------------------------------------------------------------------


def test_every_word_must_occur_as_a_substring(registry):
    assert found("teddy lab") == ["Teddy Lab Services"]
    assert found("lab serv") == ["Teddy Lab Services"]
    assert found("eddy") == ["Teddy Lab Services"]  # inside a word
    assert found("ＴＥＤＤＹ") == ["Teddy Lab Services"]  # full-width, folded like the text
    assert found("teddy berlin") == []


def test_chinese_substrings_long_and_short(registry):
    assert found("无锡药明") == ["WuXi AppTec"]  # four characters: through the trigram index
    assert found("无锡") == ["WuXi AppTec"]  # two characters: the trigrams beginning with them (SQLite)
    assert found("锡") == ["WuXi AppTec"]
    assert found("生命科学") == ["Zhongguancun Life Science Park"]
    assert found("无锡 康德") == ["WuXi AppTec"]


TWO_CHARACTER_TERMS = ["无锡", "生命", "科学", "苏州", "园", "ab", "b)", '"q', "d*", "la", "中关", "zz"]


@pytest.fixture
def two_character_registry(registry):
    """Two-character words in the middle of a text, at its very end (the city last, nothing after it) and
    as the whole text."""
    create("Suzhou Bio", name_zh="苏州生物", city="苏州", country="CN")
    create("生命", country="CN")
    create("Jiangsu Life", name_zh="江苏生命", country="CN")


def _brute_force(term: str) -> set[str]:
    return {o.name for o in Organization.objects.all() if term in o.search_text}


@pytest.mark.parametrize("term", TWO_CHARACTER_TERMS)
def test_two_character_terms_find_exactly_the_texts_holding_them(two_character_registry, term):
    assert set(found(term)) == _brute_force(term)


@pytest.mark.parametrize("term", TWO_CHARACTER_TERMS)
def test_two_character_terms_find_the_same_when_they_begin_too_many_trigrams(two_character_registry, term, monkeypatch):
    monkeypatch.setattr("biocampus.directory.search.MAX_PREFIX_TRIGRAMS", 0)  # the LIKE path
    assert set(found(term)) == _brute_force(term)


def test_a_two_character_word_at_the_end_of_a_text_is_found(two_character_registry):
    # In its Chinese name and as its city, the text's last part: found through both lookups, listed once.
    assert found("苏州") == ["Suzhou Bio"]
    assert found("生命", country="CN") == ["生命", "Jiangsu Life", "Zhongguancun Life Science Park"]


@pytest.mark.skipif(not SQLITE, reason="SQLite's trigram vocabulary and tail index")
def test_a_two_character_search_uses_the_indexes_not_a_scan(two_character_registry):
    plan = _plan(search_organizations(Organization.objects.filter(kind="company", country="CN"), "生命")[:51])
    assert f"{FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
    assert "org_search_text_tail_idx" in plan, plan


def test_aliases_and_cities_are_searched(registry):
    assert found("diagnostics ab") == ["Nordic Breath"]
    assert found("nbd") == ["Nordic Breath"]
    assert found("tls") == ["Teddy Lab Services"]
    assert found("lund") == ["Nordic Breath"]


def test_identifiers_are_searched_once_added(registry):
    teddy = Organization.objects.get(name="Teddy Lab Services")
    assert found("91320211") == []
    services.identifier_add(actor=None, organization=teddy, scheme="uscc", value="91320211MA1XYZ0001")
    assert found("91320211") == ["Teddy Lab Services"]
    assert found("ma1xyz") == ["Teddy Lab Services"]


def test_short_terms_work_alone_and_with_long_ones(registry):
    assert "Lab" in found("la")
    assert found("la bost") == ["Laboratory Holdings"]  # one short, one long term
    assert found("ab", country="DE") == ["Lab"]
    assert "WuXi AppTec" in found("x") and "Lab" not in found("x")


def test_the_facets_combine_with_the_search(registry):
    assert found("lab", kind="company", country="CN") == ["Teddy Lab Services"]
    assert found("lab", kind="investor", country="US") == ["Laboratory Holdings"]
    assert found("lab", kind="investor", country="CN") == []


# --- in which order ---------------------------------------------------------------------------------------


def test_exact_name_then_prefix_then_by_name(registry):
    create("Ablab Bio", country="CN")
    assert found("lab") == ["Lab", "Laboratory Holdings", "Ablab Bio", "Teddy Lab Services"]


def test_exact_chinese_name_comes_first(registry):
    create("Another Park", name_zh="中关村生命科学园二期", country="CN")
    assert found("中关村生命科学园") == ["Zhongguancun Life Science Park", "Another Park"]


# --- no query can break it ------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "lab*",
    "NEAR(lab teddy)",
    "NEAR",
    "lab NEAR/2 teddy",
    "(lab",
    "lab)",
    "()",
    "-lab",
    "lab -teddy",
    "lab AND",
    "OR lab",
    "NOT",
    "^lab",
    "search_text:lab",
    "{search_text}: lab",
    "lab\x00teddy",
    "\x00",
    "%",
    "_",
    "\\",
    "lab' OR 1=1 --",
    '"; DROP TABLE directory_organization; --',
    "a" * 500,
    " ".join(["lab"] * 50),
    "🧬",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(registry, query):
    found(query)
    found(query, kind="company", country="CN")
    assert Organization.objects.filter(name="Teddy Lab Services").exists()


def test_fts_syntax_is_searched_literally(registry):
    assert found("(holdings)") == ['O\'Brien & "Quoted" Bio (Holdings) - Ltd*']
    assert found('"quoted"') == ['O\'Brien & "Quoted" Bio (Holdings) - Ltd*']
    assert found("- ltd*") == ['O\'Brien & "Quoted" Bio (Holdings) - Ltd*']
    assert found("o'brien") == ['O\'Brien & "Quoted" Bio (Holdings) - Ltd*']
    assert found("lab*") == []  # the star is a character to find, not a prefix operator
    assert found("NEAR") == []
    assert found("%") == [] and found("_") == []  # LIKE wildcards are escaped too


def test_nul_bytes_split_terms(registry):
    assert found("teddy\x00lab") == ["Teddy Lab Services"]
    assert terms_of("te\x00ddy") == ["te", "ddy"]


def test_match_expression_quotes_every_term():
    assert match_expression(["lab", 'a"b"c', "ab"]) == '"lab" AND "a""b""c"'
    assert match_expression(["ab", "c"]) == ""


# --- the index follows the services ---------------------------------------------------------------------------


def test_create_update_delete_keep_the_index(registry):
    organization = create("Helix Diagnostics", country="DE")
    assert found("helix") == ["Helix Diagnostics"]
    services.organization_update(actor=None, organization=organization, name="Spiral Genomics")
    assert found("helix") == []
    assert found("spiral") == ["Spiral Genomics"]
    services.organization_update(actor=None, organization=organization, website="https://spiral.example.org")
    assert found("spiral") == ["Spiral Genomics"]  # a change that leaves the text alone
    services.organization_delete(actor=None, organization=organization)
    assert found("spiral") == []
    assert check_search_index()


def test_merge_keeps_the_index(registry):
    keep = create("Helix Diagnostics GmbH", country="DE")
    merge = create("Helix Dx", name_zh="赫利克斯", country="DE")
    services.organization_merge(actor=None, keep=keep, merge=merge)
    assert found("helix dx") == ["Helix Diagnostics GmbH"]  # the merged name became an alias
    assert found("赫利克斯") == ["Helix Diagnostics GmbH"]
    assert Organization.objects.filter(name="Helix Dx").count() == 0
    assert check_search_index()


def test_bulk_insert_indexes_once_at_the_end(registry):
    with bulk_insert():
        bulk = [create(f"Bulk Genomics {n}", country="CN") for n in range(3)]
        services.organization_update(actor=None, organization=bulk[0], name="Renamed In Bulk")
        services.organization_delete(actor=None, organization=bulk[1])
    assert found("bulk genomics") == ["Bulk Genomics 2"]
    assert found("renamed in bulk") == ["Renamed In Bulk"]
    assert check_search_index()
    create("After Bulk Bio")  # the triggers are back
    assert found("after bulk") == ["After Bulk Bio"]


def test_rebuild_command_rebuilds_and_checks(registry):
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    call_command("rebuild_search_index", "--check", stdout=out)
    assert "agrees" in out.getvalue()
    assert found("teddy lab") == ["Teddy Lab Services"]


# --- the database really uses the index ------------------------------------------------------------------------


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if POSTGRESQL:
            # A tiny table would be read whole: leave the planner only index lookups by condition.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.fixture
def many_matches(monkeypatch):
    """Every query as if it had many matches (past FEW_MATCHES): the index is read by the query itself."""
    monkeypatch.setattr("biocampus.directory.search.FEW_MATCHES", 0)


def test_search_uses_the_index(registry, many_matches):
    plan = _plan(search_organizations(Organization.objects.all(), "teddy lab")[:51])
    if SQLITE:
        assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
    else:
        assert PG_TRGM_INDEX in plan, plan


def test_search_with_two_facets_uses_the_index(registry, many_matches):
    queryset = search_organizations(Organization.objects.filter(kind="company", country="CN"), "teddy lab")
    plan = _plan(queryset[:51])
    if SQLITE:
        assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
        assert "org_kind_country_idx" in plan, plan
    else:
        # By its statistics (left by the tests before), PostgreSQL reads the trigram index, one of the facets'
        # indexes (kind and country, kind, country: each leads with a filtered column), or a BitmapAnd of them.
        facet_indexes = (PG_TRGM_INDEX, "org_kind_country_idx", "org_kind_name_idx", "org_country_name_idx")
        assert "Seq Scan" not in plan, plan
        assert any(index in plan for index in facet_indexes), plan


@pytest.mark.parametrize(
    "query", ["lab", "teddy lab", "la bost", "x", "无锡", "生命科学", "wuxi 药明", "", "nothing here"]
)
@pytest.mark.parametrize("filters", [{}, {"kind": "company", "country": "CN"}, {"country": "US"}])
def test_an_unordered_sample_matches_what_the_search_finds(registry, query, filters):
    """The facets' sample reads matches index-first; it must find the same organisations as the search."""
    searched = search_organizations(Organization.objects.filter(**filters), query)
    sampled = matching_organizations(Organization.objects.filter(**filters), query)
    assert set(sampled.values_list("pk", flat=True)) == set(searched.values_list("pk", flat=True))


@pytest.mark.skipif(not SQLITE, reason="the order SQLite reads a join in")
def test_an_unordered_sample_reads_the_index_first_and_can_stop_early(registry, many_matches):
    """An IN (SELECT rowid …) list is read whole before the first row (80 ms for a common word at a million
    organisations); the sample is driven by the index row by row, so its LIMIT ends the read. (With
    selective facets SQLite may rather walk their index and probe the search index by rowid, which stops
    early too: by its statistics, which a table of seven rows does not have.)"""
    plan = _plan(matching_organizations(Organization.objects.all(), "teddy lab")[:1001])
    first_step = plan.splitlines()[0]
    assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in first_step, plan
    assert "LIST SUBQUERY" not in plan, plan


@pytest.mark.skipif(not SQLITE, reason="SQLite's FTS5 table and triggers")
def test_the_triggers_exist_after_migrations():
    """A later migration that remakes the table on SQLite drops its triggers: this test says so."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'directory_organization'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"} <= triggers
    with connection.cursor() as cursor:  # and the index of the texts' last two characters
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_organization'")
        assert "org_search_text_tail_idx" in {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("few", [True, False])
def test_a_search_reads_the_index_once(registry, monkeypatch, few):
    """PostgreSQL: one query. SQLite: the index is read first, then the page; with few matches, their rowids
    are handed to the page as one list, otherwise the page reads the index itself."""
    if not few:
        monkeypatch.setattr("biocampus.directory.search.FEW_MATCHES", 0)
    with CaptureQueriesContext(connection) as captured:
        assert found("teddy lab", kind="company", country="CN") == ["Teddy Lab Services"]
    sqls = [query["sql"] for query in captured.captured_queries]
    if SQLITE:
        assert len(sqls) == 2 and "MATCH" in sqls[0], sqls
        assert ("MATCH" in sqls[1]) != few and ("json_each" in sqls[1]) == few, sqls
    else:
        assert len(sqls) == 1


@pytest.mark.skipif(not SQLITE, reason="SQLite's FTS5 table")
def test_the_facets_of_a_query_with_few_matches_match_the_phrase_once(registry, users):
    from biocampus.directory.selectors import directory_facets

    with CaptureQueriesContext(connection) as captured:
        facets = directory_facets(users.campus_admin, q="teddy lab", kind=["company"], country=["CN"])
    assert facets.total == len(found("teddy lab", kind="company", country="CN")) > 0
    assert sum("MATCH" in query["sql"] for query in captured.captured_queries) == 1


@pytest.mark.skipif(not SQLITE, reason="SQLite's FTS5 table")
def test_a_directory_page_with_few_matches_asks_the_index_once(registry, users, client):
    client.force_login(users.campus_admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/organizations/", {"q": "teddy lab"})
    assert "Teddy Lab Services" in response.text
    asked = [query["sql"] for query in captured.captured_queries if "MATCH" in query["sql"]]
    assert len(asked) == 1, asked


# --- did you mean ---------------------------------------------------------------------------------------------


def test_similar_names_on_postgresql_only(registry):
    suggestions = similar_names(Organization.objects.all(), "Nordik Breth")
    if POSTGRESQL:
        assert suggestions[0] == "Nordic Breath"
    else:
        assert suggestions == []
    assert similar_names(Organization.objects.all(), "\x00") == []


def test_the_directory_page_offers_close_names_when_nothing_matched(registry, users):
    from django.test import Client

    client = Client()
    client.force_login(users.campus_admin)
    body = client.get("/organizations/", {"q": "Nordik Breth"}).content.decode()
    assert "No organisation matches" in body
    if POSTGRESQL:
        assert 'Did you mean: <a href="?q=Nordic%20Breath">Nordic Breath</a>' in body
    else:
        assert "Did you mean" not in body


@pytest.mark.skipif(not SQLITE, reason="SQLite's trigram vocabulary and tail index")
@pytest.mark.parametrize("sample", [2, 100])
def test_facets_of_a_two_character_word_sample_through_the_index_and_count_all_below_the_cap(
    two_character_registry, users, monkeypatch, sample
):
    """Past the cap the facets may read their sample through a join to the index that stops early (it
    misses the texts that only end with the word, which a sample may); below it, every match is counted,
    those texts included."""
    from biocampus.directory.selectors import directory_facets

    for i in range(4):
        create(f"Life {i}", name_zh=f"生命科技{i}", country="CN")
    holding = _brute_force("生命")
    monkeypatch.setattr("biocampus.directory.selectors.FACET_SAMPLE", sample)
    with CaptureQueriesContext(connection) as captured:
        facets = directory_facets(users.campus_admin, q="生命")
    reads = [q["sql"] for q in captured.captured_queries if '"directory_organization"."id" AS "pk"' in q["sql"]]
    if sample < len(holding):
        assert facets.total == sample + 1  # "more than the cap"
        assert all(f"{FTS_TABLE}.rowid" in sql and "UNION" not in sql for sql in reads), reads
    else:
        assert facets.total == len(holding)  # "生命" itself only ends with the word: counted too
        assert any("UNION ALL" in sql for sql in reads), reads
