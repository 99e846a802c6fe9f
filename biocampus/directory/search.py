"""Directory search: the one place that turns a query string into a filter and an order.

Every name, alias, city and identifier of an organisation is folded into `Organization.search_text`
(by directory.services) and each query term must occur in it as a substring: "teddy lab" finds
"Teddy Lab Services", "无锡" finds Chinese names, "91320" finds a credit code. What makes that fast
depends on the database (docs/search.md):

- SQLite: an FTS5 table with the `trigram` tokenizer over `search_text` (`FTS_TABLE`, external content,
  kept in sync by triggers made by migration 0003). A term of three characters or more becomes a quoted
  trigram phrase, which matches exactly the rows where it occurs as a substring. A term of two characters
  (most Chinese words) is found through the trigrams that begin with it and an index of each text's last
  two characters (migration 0004, _two_character_rows); a term of one character is checked with LIKE on
  the rows the other terms and the facets left (or on the facet-filtered rows if every term is short).
- PostgreSQL: a GIN index with `gin_trgm_ops` (pg_trgm) on `search_text` answers `LIKE '%term%'` for each
  term directly; the same index serves `similar_names()` ("did you mean").

Ranking is the same everywhere: exact name first, then names starting with the query, then by name
(and id, so that keyset pagination has a total order). The FTS5 bm25 rank is not used: on trigrams it
rewards short texts rather than better matches, and ordering by it would need every match scored.
"""

# SQL is built here from this module's own table names only; what a user types always travels as a parameter.
# ruff: noqa: S608, S610, S611

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connections
from django.db import connection as default_connection
from django.db.models import BooleanField, Case, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from biocampus.core.keyset import rows_after
from biocampus.core.sql import id_list
from biocampus.core.text import fold

MAX_TERMS = 8
MAX_TERM_LENGTH = 64  # longer terms cannot be substrings of a name anyway; keeps MATCH expressions small
TRIGRAM = 3  # the shortest term a trigram index can look up

FTS_TABLE = "directory_organization_fts"
CONTENT_TABLE = "directory_organization"

# SQLite: the FTS5 index over search_text and the triggers that keep it in step with the table. The
# triggers fire on every write, the ORM's and the synthetic generator's executemany alike.
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='{CONTENT_TABLE}', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {CONTENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {CONTENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    # Only when the text changes: most saves (a new website, a steward) leave the index alone.
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON {CONTENT_TABLE}
        WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# SQLite, terms of two characters ("生命", "无锡": most Chinese words), which a trigram index cannot look up
# directly. A two-character term occurs in a text exactly where a trigram of the text begins with it, or at
# the very end of the text. So: the trigrams that begin with it, from the index's own vocabulary (an
# fts5vocab table: a view of the FTS5 index, no data of its own), looked up with one MATCH, and the texts
# ending with it, from an index on their last two characters.
FTS_VOCAB_TABLE = f"{FTS_TABLE}_vocab"
TAIL_INDEX = "org_search_text_tail_idx"
SHORT_TERM = 2
SQLITE_SHORT_TERMS_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    f"CREATE INDEX IF NOT EXISTS {TAIL_INDEX} ON {CONTENT_TABLE}(substr(search_text, -{SHORT_TERM}))",
]
SQLITE_SHORT_TERMS_DROP = [f"DROP INDEX IF EXISTS {TAIL_INDEX}", f"DROP TABLE IF EXISTS {FTS_VOCAB_TABLE}"]
# More trigrams than this begin with the term (a common pair of Latin letters): LIKE over the rows is cheaper.
MAX_PREFIX_TRIGRAMS = 1000

# SQLite, the best matches of a query (search_rank 0 and 1: the name is the query or starts with it, or the
# Chinese name is the query), looked up by name rather than among every match (many_matches_page): a prefix
# is a range of the lower-cased name, and the kind and country beside it in the index are checked there, so
# that names outside the facets cost no row read ("suzhou", kind company, country CN at 1,000,000: 7,393
# names start with it, none of them a Chinese company; 10 ms of row reads → 0.5 ms). The indexes:
# (lower(name), kind, country) and (name_zh), made by migrations 0006 and 0005.
NAME_PREFIX_INDEX = "org_name_prefix_kind_country_idx"
BEST_MATCH_INDEXES = (NAME_PREFIX_INDEX, "org_name_zh_idx")

# PostgreSQL: pg_trgm and a GIN trigram index. CREATE EXTENSION needs a role allowed to create it (a
# superuser, or from PostgreSQL 13 the database owner, since pg_trgm is a trusted extension).
PG_TRGM_INDEX = "org_search_text_trgm_idx"
PG_NAME_TRGM_INDEX = "org_name_trgm_idx"
POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON {CONTENT_TABLE} USING gin (search_text gin_trgm_ops)",
    # Fuzzy name matching ("did you mean"): similarity of the query to the lower-cased name.
    f"CREATE INDEX IF NOT EXISTS {PG_NAME_TRGM_INDEX} ON {CONTENT_TABLE} USING gin (lower(name) gin_trgm_ops)",
]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {PG_NAME_TRGM_INDEX}", f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}"]


def create_search_index(schema_editor) -> None:
    """Migration step: the search index of this database (nothing on other backends: LIKE still works)."""
    for statement in _statements(schema_editor.connection, create=True):
        schema_editor.execute(statement)


def drop_search_index(schema_editor) -> None:
    for statement in _statements(schema_editor.connection, create=False):
        schema_editor.execute(statement)


def create_short_term_index(schema_editor) -> None:
    """Migration step: the lookups of two-character terms on SQLite (nothing elsewhere)."""
    _on_sqlite(schema_editor, SQLITE_SHORT_TERMS_CREATE)


def drop_short_term_index(schema_editor) -> None:
    _on_sqlite(schema_editor, SQLITE_SHORT_TERMS_DROP)


def _on_sqlite(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def _statements(connection, *, create: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if connection.vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return []


def rebuild_search_index(connection=None) -> str:
    """Rebuild the index from `search_text` (after writing to the table with the triggers off, or to
    repair it); returns what was done. On PostgreSQL the GIN index is part of the table: REINDEX it."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            return f"rebuilt and optimised {FTS_TABLE}"
        if connection.vendor == "postgresql":
            for index in (PG_TRGM_INDEX, PG_NAME_TRGM_INDEX):
                cursor.execute(f"REINDEX INDEX {index}")
            cursor.execute(f"ANALYZE {CONTENT_TABLE}")
            return f"reindexed {PG_TRGM_INDEX}, {PG_NAME_TRGM_INDEX}"
    return "nothing to rebuild on this database"


def check_search_index(connection=None) -> bool:
    """True if the index agrees with `search_text` (SQLite: FTS5's integrity-check against the content
    table; PostgreSQL: the GIN index exists, since PostgreSQL keeps it in step itself)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
            except DatabaseError:
                return False
            return True
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = %s", (PG_TRGM_INDEX,))
            return cursor.fetchone()[0] == 1
    return True


@contextmanager
def bulk_insert(connection=None):
    """For writers of many rows at once (the synthetic generator, a big import): inside the block the
    index is not kept row by row (the triggers are off); when the block ends they are back and the index
    is rebuilt once from the table, which is always right whatever the block inserted, updated or
    deleted. On SQLite that is about twice as fast as the insert trigger firing for each row, but the
    rebuild reads the whole table: use it for loads that are large next to what is already there.
    On PostgreSQL there is nothing to do (the GIN index takes bulk inserts through its pending list)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_DROP[:3]:  # the triggers, not the table
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in SQLITE_CREATE[1:4]:
                cursor.execute(statement)
        rebuild_search_index(connection)


def terms_of(query: str) -> list[str]:
    return [term[:MAX_TERM_LENGTH] for term in fold(query.replace("\x00", " ")).split()[:MAX_TERMS]]


class SearchQuery(str):
    """The text of one search, which remembers what the search index answered about it: a directory page
    searches twice (its facets, then its list), and with this the index is asked once (_few_matches; 4 ms
    for "probio health" at 1,000,000 organisations). Made per request (the directory form's clean_q), never
    kept longer, so an answer cannot go stale. Everywhere else it is the string it holds."""

    def __new__(cls, text: str):
        query = super().__new__(cls, text)
        query.few_matches_by_expression = {}
        return query


def search_records(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    """Records where every term of `query` occurs in one of `fields` (lists of people, agreements, events)."""
    for term in terms_of(query):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


def _fts_phrase(term: str) -> str:
    """A term as an FTS5 string: inside double quotes every character is literal (AND, NEAR, *, ( and -
    included); a double quote is written twice."""
    return '"' + term.replace('"', '""') + '"'


def match_expression(terms: list[str]) -> str:
    """The FTS5 MATCH expression for the terms long enough for the trigram index ("" if none is)."""
    return " AND ".join(_fts_phrase(term) for term in terms if len(term) >= TRIGRAM)


def _matching(queryset: QuerySet, query: str, *, index_first: bool = False) -> QuerySet:
    return _matching_and_sample(queryset, query, index_first=index_first)[0]


def _matching_and_sample(
    queryset: QuerySet, query: str, *, index_first: bool = False
) -> tuple[QuerySet, QuerySet | None]:
    """The organisations matching every term; and, for an index-first read of a two-character word without
    a longer one (SQLite), a second queryset that finds only some of them, but can stop early: the texts
    holding a trigram that begins with the word, joined to the index (the first queryset's list of them and
    of the texts ending with the word is built whole by each query that reads it: 6 ms for "生命" at 1M,
    against 2 ms for the first 1,001 through the join). None otherwise."""
    connection = connections[queryset.db]
    terms = terms_of(query)
    sample = None
    if connection.vendor == "sqlite":
        expression = match_expression(terms)
        few = _few_matches(connection, expression, query) if expression else None
        if few is not None:
            # Few matches: the index was read once, here, and its rowids travel as one parameter, so that
            # the facets' three scopes do not each match the phrase again ("probio health" at 1M: 4 ms a time).
            queryset = queryset.filter(id__in=id_list(few, using=queryset.db))
        elif expression and index_first:
            # Joined to the index, which SQLite then reads first, row by row: a LIMIT without an ORDER BY
            # stops after the rows it needs (1,001 of 100,000 "biosciences" in 9 ms), where the list below
            # is read whole first (80 ms).
            queryset = _joined_to_index(queryset, expression)
        elif expression:
            # The rowids the index finds; SQLite reads them as a list and probes the primary key,
            # or checks membership while it walks the (kind, country) index, whichever is cheaper. An
            # ordered page must see every match anyway, and the list lets SQLite pick.
            queryset = queryset.filter(
                id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (expression,))
            )
        short = []
        for term in (term for term in terms if len(term) < TRIGRAM):
            trigrams = _prefix_trigrams(connection, term) if len(term) == SHORT_TERM else None
            if trigrams is None:
                short.append(term)
                continue
            if index_first and not expression and sample is None and trigrams:
                sample = _joined_to_index(queryset, " OR ".join(_fts_phrase(trigram) for trigram in trigrams))
            else:
                sample = sample.filter(id__in=_two_character_rows(term, trigrams)) if sample is not None else None
            queryset = queryset.filter(id__in=_two_character_rows(term, trigrams))
    else:
        short = terms  # PostgreSQL: the GIN trigram index answers LIKE '%term%' itself
    for term in short:
        queryset = queryset.filter(search_text__contains=term)
        sample = sample.filter(search_text__contains=term) if sample is not None else None
    return queryset, sample


def _joined_to_index(queryset: QuerySet, expression: str) -> QuerySet:
    return queryset.extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = {CONTENT_TABLE}.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
    )


# A MATCH with at most this many rows is read once into a list (_few_matches); past it, the index is read
# by each query that needs it, which can then stop early (a join) or let SQLite pick its plan (a list).
FEW_MATCHES = 2000


def _few_matches(connection, expression: str, query: str) -> list[int] | None:
    """SQLite: the rowids `expression` matches if there are at most FEW_MATCHES, else None (having read
    FEW_MATCHES + 1 of them: about a millisecond for a common word); read once per SearchQuery."""
    remembered = getattr(query, "few_matches_by_expression", {})
    key = (connection.alias, expression)
    if key not in remembered:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s", (expression, FEW_MATCHES + 1)
            )
            rowids = [row[0] for row in cursor.fetchall()]
        remembered[key] = rowids if len(rowids) <= FEW_MATCHES else None
    return remembered[key]


def _prefix_trigrams(connection, term: str) -> list[str] | None:
    """SQLite: the trigrams of the index that begin with `term` (two characters), from its vocabulary (see
    SQLITE_SHORT_TERMS_CREATE); None when the database lacks that table or too many trigrams begin with the
    term (then LIKE is the cheaper way)."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                f"SELECT term FROM {FTS_VOCAB_TABLE} WHERE term >= %s AND term < %s LIMIT %s",
                (term, term + chr(0x10FFFF), MAX_PREFIX_TRIGRAMS + 1),
            )
        except DatabaseError:  # not migrated yet
            return None
        trigrams = [row[0] for row in cursor.fetchall()]
    return trigrams if len(trigrams) <= MAX_PREFIX_TRIGRAMS else None


def _two_character_rows(term: str, trigrams: list[str]) -> RawSQL:
    """SQLite: the rowids whose search_text holds `term` (two characters): those holding a trigram that
    begins with it, and those ending with it (an index of each text's last two characters)."""
    tail = f"SELECT id FROM {CONTENT_TABLE} WHERE substr(search_text, -{SHORT_TERM}) = %s"
    if not trigrams:
        return RawSQL(tail, (term,))
    expression = " OR ".join(_fts_phrase(trigram) for trigram in trigrams)
    # UNION ALL: the list is only ever read by `id IN (…)`, to which a row found twice makes no difference,
    # and SQLite then builds one list instead of deduplicating first (“生命” at 1M: 11 → 6 ms a query).
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s UNION ALL {tail}", (expression, term))


def matching_organizations(queryset: QuerySet, query: str) -> QuerySet:
    """Organisations matching every term of `query`, in no order, found through the search index first:
    for reading a sample of the matches (the facets' `[:1001]`), which then costs what the sample does, not
    what all the matches do."""
    return matching_organizations_and_sample(queryset, query)[0]


def matching_organizations_and_sample(queryset: QuerySet, query: str) -> tuple[QuerySet, QuerySet | None]:
    """matching_organizations(), and a queryset of only some of those organisations that a LIMIT stops
    sooner (see _matching_and_sample), or None: a sample of N read from it, if it yields N, is N matches;
    if it yields fewer, read the first."""
    if not terms_of(query):
        return queryset.order_by(), None
    matching, sample = _matching_and_sample(queryset, query, index_first=True)
    return matching.order_by(), sample.order_by() if sample is not None else None


def search_organizations(queryset: QuerySet, query: str) -> QuerySet:
    """Organisations matching every term of `query`, best matches (exact name, then prefix) first."""
    if not terms_of(query):
        return queryset
    # PostgreSQL text cannot hold NUL: never send it in a lookup (terms_of drops it from the terms)
    return _ranked(_matching(queryset, query), query.replace("\x00", " ")).order_by(*SEARCH_ORDER)


SEARCH_ORDER = ("search_rank", "name", "id")


def _best_match(query: str) -> tuple[Q, Q]:
    """The conditions of search_rank 0 (the name is the query, or the Chinese name is) and of 1 (the name
    starts with the query), tested on each row (LIKE on SQLite: cheaper per row than lower(name) and a range,
    which _best_match_rows uses to look the same rows up through an index)."""
    folded = " ".join(terms_of(query))
    return Q(name__iexact=folded) | Q(name_zh=query.strip()), Q(name__istartswith=folded)


def _ranked(queryset: QuerySet, query: str) -> QuerySet:
    exact, prefix = _best_match(query)
    rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2), output_field=IntegerField())
    return queryset.annotate(search_rank=rank)


# How many organisations in name order many_matches_page reads at most to fill a page (a few milliseconds):
# enough when one in a hundred of them matches.
WALK_BUDGET = 5000


def many_matches_page(
    queryset: QuerySet,
    query: str,
    *,
    after: list | None = None,
    size: int,
    budget: int = WALK_BUDGET,
    kind: list[str] | None = None,
    country: list[str] | None = None,
) -> list | None:
    """The next `size` organisations of `queryset` (filtered, not searched) matching `query`, in the order of
    search_organizations() (after the cursor values `after`: search_rank, name, id), without reading every
    match: for a query with many (SQLite; "biosciences" matches 50,000 of a million, and sorting them all
    takes 70 ms). The best matches (search_rank 0 and 1) are looked up by name (BEST_MATCH_INDEXES); the
    others are read in name order up to the `budget`-th organisation of `queryset`, keeping those whose text
    holds every term (LIKE: the same substring test as the trigram index), which stops at the page's last
    row. None where that cannot fill the page (fewer matches in the budget, and more organisations after
    it) or on another database: then sorting every match is the cheaper way. `kind` and `country`, the
    facets `queryset` is filtered by, are also checked inside the name index (_best_match_rows)."""
    query = query.replace("\x00", " ")
    terms = terms_of(query)
    if connections[queryset.db].vendor != "sqlite" or not terms:
        return None
    matching = queryset
    for term in terms:
        matching = matching.filter(search_text__contains=term)
    rank = after[0] if after else 0
    found = []
    if rank < 2:
        best = _ranked(matching.filter(_best_match_rows(queryset, query, kind=kind, country=country)), query).order_by(
            *SEARCH_ORDER
        )
        found = list((best.filter(rows_after(SEARCH_ORDER, after)) if after else best)[:size])
        if len(found) == size:
            return found
    in_name_order = queryset.order_by("name", "id")
    rest = matching.order_by("name", "id")
    if rank == 2:
        in_name_order = in_name_order.filter(rows_after(("name", "id"), after[1:]))
        rest = rest.filter(rows_after(("name", "id"), after[1:]))
    edge = list(in_name_order.values_list("name", "id")[budget - 1 : budget])
    if edge:  # up to and including the budget-th organisation: a range of the (…, name, id) index
        (name, pk) = edge[0]
        rest = rest.filter(Q(name__lte=name) & (Q(name__lt=name) | Q(name=name, id__lte=pk)))
    exact, prefix = _best_match(query)
    rest = rest.exclude(exact | prefix).annotate(search_rank=Value(2, output_field=IntegerField()))
    found += rest[: size - len(found)]
    if len(found) < size and edge:
        return None  # the page is not full and organisations past the budget were not read
    return found


def _best_match_rows(queryset: QuerySet, query: str, *, kind=None, country=None) -> Q:
    """SQLite: the organisations of search_rank 0 or 1, looked up through BEST_MATCH_INDEXES (as two lists of
    ids: SQLite then reads both indexes, where the same test written on the columns reads every row). The
    names' `kind` and `country` are checked in the name index (NAME_PREFIX_INDEX), written so that SQLite
    cannot answer them from the (kind, country, …) index instead, which it would estimate cheaper: 6,025 rows
    for one kind and country at 1,000,000 against an unknown share for a range, where the range is in fact
    a few thousand names and the (kind, country) rows a quarter of a million."""
    folded = " ".join(terms_of(query))
    organizations = queryset.model._base_manager.order_by()
    named = organizations.filter(_prefix_range(folded))
    if kind:
        named = named.alias(kind_in_index=_NotIndexed("kind")).filter(kind_in_index__in=kind)
    if country:
        named = named.alias(country_in_index=_NotIndexed("country")).filter(country_in_index__in=country)
    named = named.values("id")
    named_zh = organizations.filter(name_zh=query.strip()).values("id")
    return Q(pk__in=named) | Q(pk__in=named_zh)


class _NotIndexed(Func):
    """+column: the column's value, which SQLite's planner does not look up in an index (its documented way to
    steer a plan): the condition is then tested on the index the rest of the query reads."""

    template = "+%(expressions)s"
    arity = 1


def _prefix_range(folded: str) -> Q:
    """The names that start with `folded` (lower-case), as a range of lower(name): what name__istartswith asks
    on SQLite, whose LIKE and lower() both fold ASCII letters only (and name__iexact is inside the range)."""
    lowered = Lower("name")
    starts = Q(GreaterThanOrEqual(lowered, folded))
    end = _first_string_after_prefix(folded)
    return starts & Q(LessThan(lowered, end)) if end is not None else starts


def _first_string_after_prefix(prefix: str) -> str | None:
    """The least string greater than every string that starts with `prefix`, in code point order (SQLite's
    binary order of UTF-8): its last character incremented, past the surrogates, which no text holds; None
    if every character is the last of Unicode."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


SIMILARITY_THRESHOLD = 0.3


def similar_names(queryset: QuerySet, query: str, *, limit: int = 5) -> list[str]:
    """Names close to `query` for a "did you mean" when nothing matched. PostgreSQL only (pg_trgm
    similarity over the lower-cased name, served by its GIN index); other databases offer none."""
    query = fold(query.replace("\x00", ""))
    if not query or connections[queryset.db].vendor != "postgresql":
        return []
    similar = queryset.filter(
        RawSQL(f"lower({CONTENT_TABLE}.name) %% %s", (query,), output_field=BooleanField())
    ).annotate(name_similarity=RawSQL(f"similarity(lower({CONTENT_TABLE}.name), %s)", (query,)))
    rows = similar.order_by("-name_similarity", "name").values_list("name", "name_similarity")[:limit]
    return [name for name, score in rows if score >= SIMILARITY_THRESHOLD]
