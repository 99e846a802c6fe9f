"""`python -m bench.run --orgs N`: prepare the generated data set once per size, run each benchmark module
beside its peers, print the results and (with --write) put them in docs/benchmarks.md.

Every module bench/pN_*.py has `run(ctx) -> list[dict]` (rows as bench.common.result builds them).
A module that fails does not stop the others: its row says it failed and why.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib
import json
import math
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT, VENV_BIN, fmt, not_available, result

MODULES = {
    "P1": "bench.p1_search",
    "P2": "bench.p2_import",
    "P3": "bench.p3_kpis",
    "P4": "bench.p4_api",
    "P5": "bench.p5_extract",
    "P6": "bench.p6_memory",
}
# What the issue asks to measure on PostgreSQL too (P2, P5, P6 are about SQLite or need no database).
POSTGRES_MODULES = ("P1", "P3", "P4")
SEED = 1
BENCH_ADMIN = "bench_admin"  # campus admin of the busiest generated campus
BENCH_NETWORK = "bench_network"  # superuser: sees the whole network
COLUMNS = ("P", "what", "subject", "stat", "value", "ratio", "goal", "met", "size", "database", "date", "command")


@dataclass
class Context:
    orgs: int
    workdir: Path
    database: str  # "sqlite" | "postgres"
    db_url: str
    repeat: int
    db_path: Path | None = None  # the SQLite file (None on PostgreSQL)
    seed: int = SEED
    admin_username: str = BENCH_ADMIN
    network_username: str = BENCH_NETWORK
    campus_id: int | None = None  # the bench admin's campus
    extra: dict = field(default_factory=dict)

    def env(self, **more) -> dict:
        """The environment a subprocess (gunicorn, a manage.py command) needs to see the same data."""
        env = dict(os.environ, DATABASE_URL=self.db_url, DJANGO_SETTINGS_MODULE="bench.settings")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        env.update(more)
        return env


# --- the data set -------------------------------------------------------------------------------------


def fingerprint() -> str:
    """Changes when the generator changes: then the cached data set is made again. A change of the schema
    alone does not remake it: the data set is migrated forward, as a deployment's database is (prepare_*)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "biocampus/synthetic").glob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def manage(args: list[str], env: dict) -> None:
    # The product's own settings for migrate and generate, whatever the caller's environment says (a test
    # run exports config.settings.test).
    env = dict(env, DJANGO_SETTINGS_MODULE="config.settings.local")
    command = [str(VENV_BIN / "biocampus"), *args]
    print("bench:", " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare_sqlite(ctx: Context) -> None:
    """Generate `orgs` organisations into var/bench/orgs-N-seed1.sqlite3, or reuse the file when the
    migrations and the generator are those it was made with."""
    path = ctx.db_path
    stamp = path.with_suffix(".json")
    wanted = {"orgs": ctx.orgs, "seed": ctx.seed, "generator": fingerprint()}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        print(f"bench: reusing {path}", file=sys.stderr)
        migrate_forward(path)
        return
    building = path.with_name(path.name + ".building")
    # The old data set stays until the new one is complete: at a million organisations it took an hour to
    # make, and a run stopped half-way must not leave nothing.
    for stale in (building, *path.parent.glob(building.name + "-*")):
        stale.unlink(missing_ok=True)
    if path.exists():
        print(f"bench: the generator changed since {path.name} was made: making it again", file=sys.stderr)
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{building}")
    started = time.perf_counter()
    manage(["migrate", "--noinput", "-v", "0"], env)
    manage(["generate", "--orgs", str(ctx.orgs), "--seed", str(ctx.seed)], env)
    with sqlite3.connect(building) as db:
        # What a deployment's database has after its first `PRAGMA optimize`: statistics for the planner.
        db.execute("ANALYZE")
        db.execute("PRAGMA journal_mode=WAL")
    # The old file's write-ahead log and shared memory must not meet the new file.
    for stale in (stamp, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    building.replace(path)
    stamp.write_text(json.dumps(wanted))
    print(f"bench: generated {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def migrate_forward(path: Path) -> None:
    """Apply the migrations written since the data set was made (an index, a column), then refresh the
    planner's statistics if any was applied: what an upgrade of a deployment does."""

    def applied() -> int:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()[0]

    before = applied()
    manage(["migrate", "--noinput", "-v", "0"], dict(os.environ, DATABASE_URL=f"sqlite:///{path}"))
    if applied() != before:
        with sqlite3.connect(path) as db:
            db.execute("ANALYZE")


def prepare_postgres(ctx: Context) -> None:
    """Generate into the PostgreSQL the PG* variables name (scripts/with-postgres.sh makes a throwaway one),
    unless this size and seed are there already."""
    env = dict(os.environ, DATABASE_URL=ctx.db_url)
    manage(["migrate", "--noinput", "-v", "0"], env)
    import psycopg

    with psycopg.connect(ctx.db_url) as db:
        note = f"generate --orgs {ctx.orgs} --seed {ctx.seed}"
        done = db.execute("SELECT 1 FROM core_provenance WHERE note = %s LIMIT 1", [note]).fetchone()
    if done:
        print("bench: reusing the data set in PostgreSQL", file=sys.stderr)
        return
    manage(["generate", "--orgs", str(ctx.orgs), "--seed", str(ctx.seed)], env)
    with psycopg.connect(ctx.db_url, autocommit=True) as db:
        db.execute("ANALYZE")  # what autovacuum would have done by the time anyone searches


def rebuild_rollups(ctx: Context) -> None:
    """The KPI rollups of campuses not rebuilt by the current version of the rollups (the generator
    rebuilds every campus it fills; a data set made before a rollup was added is stale until this runs,
    as a deployment is after such an upgrade: docs/insight.md). Cheap when nothing is stale."""
    from django.db import connection

    connection.close()  # SQLite: let the command write without this process holding the file
    manage(["rebuild_rollups", "--stale"], dict(os.environ, DATABASE_URL=ctx.db_url))


def postgres_url() -> str:
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return os.environ["DATABASE_URL"]
    if not os.environ.get("PGDATABASE"):
        raise SystemExit("--database postgres needs PG* variables: run it through scripts/with-postgres.sh")
    user = os.environ.get("PGUSER", "postgres")
    password = os.environ.get("PGPASSWORD", "")
    auth = f"{user}:{password}" if password else user
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    return f"postgres://{auth}@{host}:{port}/{os.environ['PGDATABASE']}"


def setup_django(ctx: Context) -> None:
    os.environ["DATABASE_URL"] = ctx.db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    rebuild_rollups(ctx)
    ensure_bench_users(ctx)


def ensure_bench_users(ctx: Context) -> None:
    """A campus admin of the campus with the most residents, and a superuser who sees the whole network.
    Written directly (they are the bench's fixtures, like tests/factories.py), not through the services."""
    from django.db.models import Count

    from biocampus.accounts.choices import Role
    from biocampus.accounts.models import Membership, User
    from biocampus.campuses.models import Campus

    campus = Campus.objects.annotate(n=Count("residencies")).order_by("-n", "id").first()
    if campus is None:
        raise SystemExit("the data set has no campus: did generate run?")
    admin, _ = User.objects.get_or_create(username=BENCH_ADMIN)
    Membership.objects.get_or_create(user=admin, campus=campus, role=Role.CAMPUS_ADMIN)
    network, created = User.objects.get_or_create(username=BENCH_NETWORK)
    if created or not network.is_superuser:
        network.is_superuser = network.is_staff = True
        network.save()
    ctx.campus_id = campus.pk


# --- running and reporting ----------------------------------------------------------------------------


def run_module(pid: str, ctx: Context) -> list[dict]:
    name = MODULES[pid]
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return [not_available(pid, name, f"{name} is not written yet")]
    started = time.perf_counter()
    try:
        rows = module.run(ctx)
    except Exception as error:  # noqa: BLE001 - one failed benchmark must not hide the others
        traceback.print_exc()
        return [result(pid, name, "failed", math.nan, "", "", "", None, note=f"{type(error).__name__}: {error}")]
    print(f"bench: {pid} took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return rows


def machine(ctx: Context) -> dict:
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    info = {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "load_average": os.getloadavg()[0],
    }
    if ctx.database == "postgres":
        import psycopg

        with psycopg.connect(ctx.db_url) as db:
            info["postgresql"] = db.execute("SHOW server_version").fetchone()[0]
    return info


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def command_for(ctx: Context, pid: str) -> str:
    if ctx.database == "postgres":
        return (
            f"scripts/with-postgres.sh .venv/bin/python -m bench.run --orgs {ctx.orgs} --only {pid} --database postgres"
        )
    return f".venv/bin/python -m bench.run --orgs {ctx.orgs} --only {pid}"


def table(rows: list[dict], ctx: Context, date: str) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    seen = set()
    for row in rows:
        pid = row["id"]
        met = {True: "met", False: "**missed**", None: "–"}[row.get("met")]
        cells = [
            pid,
            row.get("what", ""),
            row.get("subject", "") + (f" ({row['note']})" if row.get("note") else ""),
            row.get("stat", ""),
            fmt(row.get("value"), row.get("unit", "")),
            row.get("ratio", ""),
            row.get("goal", ""),
            met,
            f"{ctx.orgs:,}",
            ctx.database,
            row.get("date", date),
            f"`{command_for(ctx, pid)}`" if pid not in seen else "",
        ]
        seen.add(pid)
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells) + " |")
    return "\n".join(lines)


def section(rows: list[dict], ctx: Context, info: dict, argv: list[str]) -> str:
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    engines = f"SQLite {info['sqlite']}" + (f", PostgreSQL {info['postgresql']}" if "postgresql" in info else "")
    return "\n".join(
        [
            f"### {ctx.orgs:,} organisations on {ctx.database}",
            "",
            f"- Last run: {date}; {ctx.repeat} timed repeats after warm-up per measurement (fewer where a "
            "measurement passed its time budget: the row says how many samples).",
            f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, {engines}, "
            f"Python {info['python']}, {info['os']}; load average at start {info['load_average']:.2f}.",
            f"- Last command: `{' '.join(shlex.quote(arg) for arg in argv)}`; each row's date says when it was "
            "measured, its command reproduces it.",
            "",
            table(rows, ctx, date[:10]),
            "",
        ]
    )


def write_section(path: Path, key: str, text: str) -> None:
    """Replace this size's and database's results between their markers, leaving every other part of the
    file (the analysis, other sizes) as it is; a new file gets just the section."""
    begin, end = f"<!-- bench:results {key} begin -->", f"<!-- bench:results {key} end -->"
    block = f"{begin}\n{text}{end}\n"
    old = path.read_text() if path.exists() else ""
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + block + "\n" + rest.split(end, 1)[1].lstrip("\n")
    else:
        anchor = "<!-- bench:results go here -->"
        new = old.replace(anchor, f"{anchor}\n\n{block}", 1) if anchor in old else (old + "\n" + block).lstrip("\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000, help="organisations in the data set (default 10,000)")
    parser.add_argument("--only", default="", help="comma-separated benchmarks, e.g. P1,P3 (default: all)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--write", type=Path, help="put the results table in this markdown file")
    parser.add_argument("--repeat", type=int, default=30, help="timed repeats per measurement (default 30)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args(argv)
    if args.orgs < 1:
        parser.error("--orgs must be at least 1")
    default = POSTGRES_MODULES if args.database == "postgres" else tuple(MODULES)
    only = [item.strip().upper() for item in args.only.split(",") if item.strip()] or list(default)
    unknown = [item for item in only if item not in MODULES]
    if unknown:
        parser.error(f"unknown benchmarks {', '.join(unknown)}; known: {', '.join(MODULES)}")

    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.database == "sqlite":
        db_path = args.workdir / f"orgs-{args.orgs}-seed{SEED}.sqlite3"
        ctx = Context(args.orgs, args.workdir, "sqlite", f"sqlite:///{db_path}", args.repeat, db_path)
        prepare_sqlite(ctx)
    else:
        ctx = Context(args.orgs, args.workdir, "postgres", postgres_url(), args.repeat)
        prepare_postgres(ctx)
    setup_django(ctx)
    info = machine(ctx)

    rows = []
    for pid in only:
        print(f"bench: running {pid} ({MODULES[pid]}) at {ctx.orgs:,} organisations on {ctx.database}", file=sys.stderr)
        measured = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        rows += [dict(row, date=measured) for row in run_module(pid, ctx)]

    # A run of some benchmarks (--only) keeps the others' last rows for this size and database, so the
    # section always shows every benchmark measured so far, each with the date it was measured.
    saved = args.workdir / f"results-{ctx.database}-{ctx.orgs}.json"
    kept = []
    if saved.exists():
        kept = [row for row in json.loads(saved.read_text()).get("rows", []) if row["id"] not in only]
    rows = sorted(kept + rows, key=lambda row: list(MODULES).index(row["id"]))
    saved.write_text(json.dumps({"machine": info, "rows": rows}, indent=1, default=str))

    argv_shown = [".venv/bin/python", "-m", "bench.run", *(argv if argv is not None else sys.argv[1:])]
    text = section(rows, ctx, info, argv_shown)
    print(text)
    if args.write:
        write_section(args.write, f"{ctx.database} {ctx.orgs}", text)
        print(f"bench: wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
