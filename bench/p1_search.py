"""P1: directory search (text + kind + country, first page of 50) beside its peers.

Subject: the directory page (GET /organizations/?q=…&kind=company&country=CN through Django's test
client, signed in as the bench campus admin) and the selector it calls (`organizations_for`, first 50
rows materialised with their prefetches).
Peers, on the same data and the same queries:
- the Django admin changelist with the same search_fields and list_filter (bench/admin_peer.py);
- the raw SQL the search runs, through the database driver directly (sqlite3 / psycopg): the page of 50
  and its COUNT(*);
- Datasette's faceted search page on the same SQLite file, with and without facet suggestions.
"""

from __future__ import annotations

import math
import sqlite3
import urllib.parse

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .common import VENV_BIN, free_port, http_get, not_available, result, serve, timed_each

KIND, COUNTRY = "company", "CN"
PAGE = 50
GOAL_P95 = "p95 ≤ 50 ms"
GOAL_ADMIN = "≥ 10× faster than the admin changelist"
GOAL_RAW = "≤ 2× the raw SQL"


def queries(ctx) -> list[str]:
    """Realistic queries taken from the generated names (biocampus/synthetic/names.py), deterministic for
    a data set: a brand (rare), two words of a real name, a common legal word, a city, a Chinese brand and
    domain (four characters), and a two-character Chinese word (too short for a trigram index)."""
    from biocampus.directory.models import Organization

    companies = Organization.objects.filter(kind=KIND, country=COUNTRY).order_by("id")
    total = companies.count()
    if not total:
        return ["therapeutics"]
    pick = [companies[int(total * share)] for share in (0.31, 0.62, 0.87)]
    brand = pick[0].name.split()[0].lower()
    two_words = " ".join(pick[1].name.split()[:2]).lower()
    chinese = next((org.name_zh for org in pick if len(org.name_zh) >= 6), "")
    found = [brand, two_words, "biosciences", "suzhou"]
    if chinese:
        found += [chinese[2:6], chinese[4:6]]  # after the city: brand + domain ("瑞智基因"), domain ("基因")
    return found


def run(ctx) -> list[dict]:
    from biocampus.accounts.models import User
    from biocampus.directory.selectors import organizations_for

    terms = queries(ctx)
    admin = User.objects.get(username=ctx.admin_username)
    client = Client()
    client.force_login(admin)
    repeat = ctx.repeat
    rows = []

    def page(q):
        def get():
            response = client.get("/organizations/", {"q": q, "kind": KIND, "country": COUNTRY})
            assert response.status_code == 200, response.status_code
            return response

        return get

    def selector(q):
        return lambda: list(organizations_for(admin, q=q, kind=[KIND], country=[COUNTRY])[:PAGE])

    def changelist(q):
        def get():
            response = client.get(
                "/bench/admin/directory/organization/", {"q": q, "kind__exact": KIND, "country__exact": COUNTRY}
            )
            assert response.status_code == 200, response.status_code
            return response

        return get

    # How many queries one page costs (the issue asks for query-count tests; the bench reports it).
    with CaptureQueriesContext(connection) as captured:
        page(terms[0])()
    page_queries = len(captured.captured_queries)

    page_time = timed_each([page(q) for q in terms], repeat=repeat)
    selector_time = timed_each([selector(q) for q in terms], repeat=repeat)
    admin_time = timed_each([changelist(q) for q in terms], repeat=max(5, repeat // 3))
    raw_page, raw_count, raw_how = raw_sql_times(ctx, terms, repeat)

    what = "directory search: text + kind + country, first page of 50"
    shown = ", ".join(f"“{q}”" for q in terms)
    admin_ratio = admin_time.median / page_time.median
    raw_ratio = selector_time.median / raw_page.median if raw_page else math.nan
    rows.append(
        result(
            "P1",
            what,
            "BioCampus directory page (test client, campus admin)",
            page_time.p95,
            "ms",
            "p95",
            GOAL_P95,
            page_time.p95 <= 50,
            note=f"{page_queries} SQL queries a page; {len(page_time.samples)} samples over the queries {shown}",
        )
    )
    rows.append(
        result(
            "P1",
            what,
            "BioCampus directory page (test client, campus admin)",
            page_time.median,
            "ms",
            "median",
            GOAL_ADMIN,
            admin_ratio >= 10,
            ratio=f"{admin_ratio:.1f}× faster than the admin changelist",
        )
    )
    rows.append(
        result(
            "P1",
            what,
            "BioCampus selector organizations_for, 50 rows + prefetches",
            selector_time.median,
            "ms",
            "median",
            GOAL_RAW,
            raw_ratio <= 2 if not math.isnan(raw_ratio) else None,
            ratio=f"{raw_ratio:.1f}× the raw SQL page query",
        )
    )
    rows.append(
        result(
            "P1",
            what,
            "peer: Django admin changelist, same search_fields and list_filter",
            admin_time.median,
            "ms",
            "median",
        )
    )
    if raw_page:
        rows.append(result("P1", what, f"peer: raw SQL page of 50 ({raw_how})", raw_page.median, "ms", "median"))
        rows.append(result("P1", what, f"peer: raw SQL COUNT(*) ({raw_how})", raw_count.median, "ms", "median"))
    if ctx.database == "sqlite":
        rows += datasette_rows(ctx, terms, what, max(5, repeat // 3))
    return rows


# --- the raw SQL --------------------------------------------------------------------------------------

RANK = (
    "CASE WHEN lower(o.name) = :folded THEN 0 WHEN o.name_zh = :query THEN 0 "
    "WHEN lower(o.name) LIKE :prefix THEN 1 ELSE 2 END"
)
COLUMNS = "o.id, o.public_id, o.name, o.name_zh, o.kind, o.country, o.city"


def fts_table(db) -> str | None:
    """The FTS5 table the directory migration makes, if this data set has one."""
    row = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%' "
        "AND name LIKE 'directory_organization%' ORDER BY name LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def raw_sql_times(ctx, terms, repeat):
    if ctx.database == "sqlite":
        return raw_sqlite(ctx, terms, repeat)
    return raw_postgres(ctx, terms, repeat)


def raw_sqlite(ctx, terms, repeat):
    from biocampus.directory.search import terms_of

    db = sqlite3.connect(ctx.db_path)
    table = fts_table(db)
    page_calls, count_calls = [], []
    for query in terms:
        words = terms_of(query)
        params = {"folded": " ".join(words), "query": query, "prefix": " ".join(words) + "%"}
        where = ["o.kind = :kind", "o.country = :country"]
        params.update(kind=KIND, country=COUNTRY)
        long_words = [w for w in words if len(w) >= 3]
        if table and long_words:
            params["match"] = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
            where.append(f"o.id IN (SELECT rowid FROM {table} WHERE {table} MATCH :match)")  # noqa: S608
            short = [w for w in words if len(w) < 3]
        else:
            short = words
        for i, word in enumerate(short):
            params[f"like{i}"] = f"%{word}%"
            where.append(f"o.search_text LIKE :like{i}")
        condition = " AND ".join(where)
        page_sql = (
            f"SELECT {COLUMNS} FROM directory_organization o WHERE {condition} "  # noqa: S608 - our own SQL
            f"ORDER BY {RANK}, o.name, o.id LIMIT {PAGE}"
        )
        count_sql = f"SELECT COUNT(*) FROM directory_organization o WHERE {condition}"  # noqa: S608
        page_calls.append(lambda sql=page_sql, p=params: db.execute(sql, p).fetchall())
        count_calls.append(lambda sql=count_sql, p=params: db.execute(sql, p).fetchone())
    how = f"sqlite3, FTS5 {table} MATCH + filters" if table else "sqlite3, LIKE on search_text + filters (no FTS table)"
    try:
        return timed_each(page_calls, repeat=repeat), timed_each(count_calls, repeat=repeat), how
    finally:
        db.close()


def raw_postgres(ctx, terms, repeat):
    import psycopg

    from biocampus.directory.search import terms_of

    db = psycopg.connect(ctx.db_url)
    page_calls, count_calls = [], []
    for query in terms:
        words = terms_of(query)
        folded = " ".join(words)
        likes = " AND ".join(["o.search_text LIKE %s"] * len(words))
        condition = f"o.kind = %s AND o.country = %s AND {likes}"
        args = [KIND, COUNTRY, *(f"%{w}%" for w in words)]
        rank = "CASE WHEN lower(o.name) = %s THEN 0 WHEN o.name_zh = %s THEN 0 WHEN lower(o.name) LIKE %s THEN 1 ELSE 2 END"
        page_sql = f"SELECT {COLUMNS} FROM directory_organization o WHERE {condition} ORDER BY {rank}, o.name, o.id LIMIT {PAGE}"  # noqa: S608
        page_args = [*args, folded, query, folded + "%"]
        count_sql = f"SELECT COUNT(*) FROM directory_organization o WHERE {condition}"  # noqa: S608
        page_calls.append(lambda sql=page_sql, a=page_args: db.execute(sql, a).fetchall())
        count_calls.append(lambda sql=count_sql, a=args: db.execute(sql, a).fetchone())
    try:
        return (
            timed_each(page_calls, repeat=repeat),
            timed_each(count_calls, repeat=repeat),
            "psycopg, LIKE on search_text (pg_trgm GIN index where the migration made one) + filters",
        )
    finally:
        db.close()


# --- Datasette ----------------------------------------------------------------------------------------


def datasette_rows(ctx, terms, what, repeat) -> list[dict]:
    if not (VENV_BIN / "datasette").exists():
        return [not_available("P1", what, "Datasette is not installed: pip install -e '.[bench]' (make bench does)")]
    db = sqlite3.connect(ctx.db_path)
    has_fts = fts_table(db) is not None
    db.close()
    rows = []
    for suggest in (True, False):
        port = free_port()
        command = [
            str(VENV_BIN / "datasette"),
            "serve",
            str(ctx.db_path),
            "--port",
            str(port),
            "--setting",
            "default_page_size",
            str(PAGE),
            "--setting",
            "suggest_facets",
            "on" if suggest else "off",
        ]
        with serve(command, port=port, ready_path="/-/versions.json", log=ctx.workdir / "datasette.log") as server:

            def fetch(q, base=server.url):
                params = [("kind", KIND), ("country", COUNTRY), ("_facet", "kind"), ("_facet", "country")]
                params.append(("_search", q) if has_fts else ("search_text__contains", q))
                url = f"{base}/{ctx.db_path.stem}/directory_organization?" + urllib.parse.urlencode(params)
                return lambda: _ok(http_get(url))

            timing = timed_each([fetch(q) for q in terms], repeat=repeat)
        label = "with facet suggestions" if suggest else "facet suggestions off"
        how = "_search on its FTS table" if has_fts else "search_text__contains (no FTS table)"
        rows.append(
            result(
                "P1",
                what,
                f"reference: Datasette faceted search over HTTP, {how}, {label}",
                timing.median,
                "ms",
                "median",
            )
        )
    return rows


def _ok(answer):
    status, body = answer
    if status != 200:
        raise RuntimeError(f"Datasette answered {status}: {body[:300]!r}")
    return body
