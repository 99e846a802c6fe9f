"""P2: importing organisations from CSV, BioCampus beside its peers, each into a fresh SQLite database.

The CSV (ctx.orgs organisations, the import's own column names, names in English and Chinese, fields,
identifiers) is written once; each measurement copies a freshly migrated database and runs in its own
process (`python -m bench.p2_import WAY DB CSV`), which reports rows, seconds and its peak RSS:

- `bulk`: BioCampus's bulk path (`biocampus import organizations FILE --bulk`: every row checked by the
  import's codecs, in a forked process above 20,000 rows; history, identifiers, provenance, search index);
- `normal`: BioCampus's normal import (row by row through the services), on the first NORMAL_CAP rows only:
  at about 70 rows/s the whole file would take minutes;
- `iexport` / `iexport_bulk`: django-import-export 4 with a ModelResource for Organization (the plain columns:
  no fields, identifiers or history), without `use_bulk` (on the first IEXPORT_CAP rows: one save() a row)
  and with it;
- `bulk_create`: Django's `bulk_create` of Organization objects from the csv module's rows;
- `sqlite3`: the sqlite3 shell's `.import --csv FILE table` into a plain table (no checks at all): the floor.

Goal (issue 6): 1,000,000 rows in <= 60 s, >= 20x django-import-export's rows/s, within 3x of sqlite3 .import.
Rows/s are medians over the repeats; at a small --orgs the 1M time is extrapolated linearly from the
bulk rows/s (the name check and the search index grow a little faster than linearly).
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT, VENV_BIN, peak_rss_mb, result

NORMAL_CAP = 500
IEXPORT_CAP = 2000  # django-import-export without use_bulk: one save() per row, like the normal import
GOAL_ROWS = 1_000_000
KINDS = ["company"] * 6 + ["investor", "hospital", "university", "pharma", "lab", "association"]
PLACES = [("CN", "Wuxi", "无锡"), ("CN", "Suzhou", "苏州"), ("CN", "Shanghai", "上海"), ("GB", "Cambridge", "剑桥")]
PLACES += [
    ("US", "Boston", "波士顿"),
    ("DE", "Munich", "慕尼黑"),
    ("SG", "Singapore", "新加坡"),
    ("CN", "Chengdu", "成都"),
]
WORDS = ["Gene", "Cyto", "Bio", "Thera", "Medi", "Onco", "Neuro", "Vax", "Cell", "Immuno", "Pharma", "Dx"]
ENDINGS = ["Therapeutics", "Biotech", "Diagnostics", "Medical", "Sciences", "Labs", "Capital", "Health"]
FIELDS = ["drug-rd", "diagnostics", "gene-sequencing", "medical-devices", "clinical-research", "cro-cdmo"]


def headings() -> list[str]:
    """The kind's own columns (so they cannot drift from the importer), less the links and the directive a
    spreadsheet of new organisations leaves out. (A function: the kinds need Django set up first.)"""
    from biocampus.exchange.kinds import kind_named

    return [
        h for h in kind_named("organizations").headings if h not in ("public_id", "parent", "steward", "provenance")
    ]


def write_csv(path: Path, count: int, seed: int = 1) -> None:
    """`count` organisations with unique names, as a campus team's big spreadsheet would have them."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headings())
        for number in range(count):
            country, city, city_zh = rng.choice(PLACES)
            stem = rng.choice(WORDS) + rng.choice(WORDS).lower()
            name = f"{city} {stem} {rng.choice(ENDINGS)} {number}"
            kind = rng.choice(KINDS)
            writer.writerow(
                [
                    name,
                    f"{city_zh}{stem}生物{number}" if country == "CN" else "",
                    f"{stem} {number}" if rng.random() < 0.1 else "",
                    kind,
                    country,
                    city,
                    " | ".join(rng.sample(FIELDS, rng.randint(1, 2))),
                    f"https://{stem.lower()}{number}.example.com" if rng.random() < 0.5 else "",
                    str(rng.randint(1950, 2024)),
                    f"91{number:016d}; scheme=uscc" if country == "CN" and rng.random() < 0.6 else "",
                    f"{stem} {kind} in {city}." if rng.random() < 0.3 else "",
                ]
            )


def head(source: Path, target: Path, rows: int) -> None:
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines):
            if number > rows:
                break
            out.write(line)


# --- one measurement, in its own process ------------------------------------------------------------------


def _django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _provenance_id() -> int:
    from biocampus.core.models import Provenance

    return Provenance.objects.create(method="import", file_name="peer.csv").pk


PLAIN = ["name", "name_zh", "kind", "country", "city", "website", "founded_year", "description"]


def _plain_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            yield {key: row[key] for key in PLAIN}


def way_bulk(db: Path, path: Path) -> int:
    from biocampus.exchange import bulk
    from biocampus.exchange.kinds import kind_named

    report = bulk.import_path(kind_named("organizations"), path, actor=None)
    if not report.written:
        raise SystemExit(report.as_text()[:3000])
    return report.counts["created"]


def way_normal(db: Path, path: Path) -> int:
    from biocampus.exchange.importer import ImportOptions, import_path
    from biocampus.exchange.kinds import kind_named

    report = import_path(
        kind_named("organizations"), path, actor=None, options=ImportOptions(bulk=False, create_new=True)
    )
    if not report.written:
        raise SystemExit(report.as_text()[:3000])
    return report.counts["created"]


def _resource(use_bulk: bool):
    from import_export import resources

    from biocampus.directory.models import Organization

    provenance_id = _provenance_id()

    class OrganizationResource(resources.ModelResource):
        class Meta:
            model = Organization
            fields = tuple(PLAIN)
            import_id_fields = ()  # every row is new: no lookup by id
            skip_diff = True
            batch_size = 5000

        def init_instance(self, row=None):
            return Organization(provenance_id=provenance_id)

        def get_instance(self, instance_loader, row):
            return None

    OrganizationResource._meta.use_bulk = use_bulk
    return OrganizationResource()


def _way_iexport(path: Path, use_bulk: bool) -> int:
    import tablib

    dataset = tablib.Dataset(headers=PLAIN)
    for row in _plain_rows(path):
        dataset.append([row[key] if key != "founded_year" else int(row[key]) for key in PLAIN])
    result = _resource(use_bulk).import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    return result.totals["new"]


def way_iexport(db: Path, path: Path) -> int:
    return _way_iexport(path, False)


def way_iexport_bulk(db: Path, path: Path) -> int:
    return _way_iexport(path, True)


def way_bulk_create(db: Path, path: Path) -> int:
    from django.db import transaction

    from biocampus.directory.models import Organization

    provenance_id = _provenance_id()
    created = 0
    with transaction.atomic():
        batch = []
        for row in _plain_rows(path):
            batch.append(Organization(provenance_id=provenance_id, **{**row, "founded_year": int(row["founded_year"])}))
            if len(batch) == 5000:
                created += len(Organization.objects.bulk_create(batch))
                batch = []
        created += len(Organization.objects.bulk_create(batch))
    return created


WAYS = {
    "bulk": way_bulk,
    "normal": way_normal,
    "iexport": way_iexport,
    "iexport_bulk": way_iexport_bulk,
    "bulk_create": way_bulk_create,
}


def _cpu_seconds() -> float:
    """This process's CPU time and its finished children's: the bulk import checks rows in a forked process."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker(way: str, db: Path, path: Path) -> None:
    _django(db)
    started, cpu = time.perf_counter(), _cpu_seconds()
    rows = WAYS[way](db, path)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    checker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_rss_mb": peak_rss_mb(),
                "checker_mb": checker_mb,
            }
        )
    )


# --- the benchmark ------------------------------------------------------------------------------------------


def _template(ctx) -> Path:
    template = ctx.workdir / "p2-empty.sqlite3"
    if not template.exists():
        env = ctx.env(DATABASE_URL=f"sqlite:///{template}")  # bench.settings needs the checkout on the path
        subprocess.run([str(VENV_BIN / "biocampus"), "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    return template


def _measure(ctx, way: str, path: Path, runs: int) -> dict:
    samples, cpu, rss, checker = [], [], [], []
    for run in range(runs):
        db = ctx.workdir / f"p2-{way}-{run}.sqlite3"
        shutil.copyfile(_template(ctx), db)
        try:
            out = subprocess.run(  # noqa: S603 - our own module
                [sys.executable, "-m", "bench.p2_import", way, str(db), str(path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        data = json.loads(out.strip().splitlines()[-1])
        print(f"bench: P2 {way}: {data}", file=sys.stderr)
        samples.append(data["rows"] / data["seconds"])
        cpu.append(data["rows"] / data["cpu_seconds"])
        rss.append(data["peak_rss_mb"])
        checker.append(data.get("checker_mb", 0))
    return {
        "rows_per_s": statistics.median(samples),
        "cpu_rows_per_s": statistics.median(cpu),
        "rows": data["rows"],
        "rss": max(rss),
        "checker_rss": max(checker),
    }


def _sqlite3_import(ctx, path: Path, runs: int) -> dict:
    samples, cpu = [], []
    for run in range(runs):
        db = ctx.workdir / f"p2-sqlite3-{run}.sqlite3"
        db.unlink(missing_ok=True)
        started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["sqlite3", str(db), f".import --csv {path} plain"], check=True)  # noqa: S603, S607
        samples.append(ctx.orgs / (time.perf_counter() - started))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(ctx.orgs / max(1e-6, after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime))
        db.unlink(missing_ok=True)
    return {"rows_per_s": statistics.median(samples), "cpu_rows_per_s": statistics.median(cpu)}


def run(ctx) -> list[dict]:
    if ctx.database != "sqlite":
        return []  # P2 is about SQLite (the peers are measured there)
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    path = ctx.workdir / f"p2-organizations-{ctx.orgs}.csv"
    if not path.exists():
        write_csv(path, ctx.orgs)
    runs = max(1, min(3, ctx.repeat))
    capped = ctx.workdir / f"p2-organizations-{NORMAL_CAP}.csv"
    head(path, capped, min(NORMAL_CAP, ctx.orgs))
    iexport_capped = ctx.workdir / f"p2-organizations-{IEXPORT_CAP}.csv"
    head(path, iexport_capped, min(IEXPORT_CAP, ctx.orgs))

    ours = _measure(ctx, "bulk", path, runs)
    normal = _measure(ctx, "normal", capped, 1)
    iexport = _measure(ctx, "iexport", iexport_capped, 1)
    iexport_bulk = _measure(ctx, "iexport_bulk", path, 1)
    bulk_create = _measure(ctx, "bulk_create", path, runs)
    floor = _sqlite3_import(ctx, path, runs)

    cpu = (
        f"per CPU second: bulk {ours['cpu_rows_per_s']:,.0f}, django-import-export "
        f"{iexport['cpu_rows_per_s']:,.0f} (use_bulk {iexport_bulk['cpu_rows_per_s']:,.0f}), bulk_create "
        f"{bulk_create['cpu_rows_per_s']:,.0f}, sqlite3 .import {floor['cpu_rows_per_s']:,.0f}"
    )
    floor = floor["rows_per_s"]
    speed = ours["rows_per_s"]
    million = GOAL_ROWS / speed
    peer = max(iexport["rows_per_s"], iexport_bulk["rows_per_s"])
    what = "import organisations from CSV"
    return [
        result(
            "P2",
            what,
            "BioCampus bulk import (--bulk)",
            speed,
            "rows/s",
            "median",
            "1M rows <= 60 s, >= 20x django-import-export, within 3x of sqlite3 .import",
            million <= 60 and speed >= 20 * peer and speed * 3 >= floor,
            ratio=f"{speed / peer:.1f}x django-import-export; {floor / speed:.1f}x slower than sqlite3 .import",
            note=f"1M rows extrapolated: {million:.0f} s; peak RSS {ours['rss']:.0f} MB at {ctx.orgs:,} rows "
            f"(its checking process: {ours['checker_rss']:.0f} MB); rows {cpu} (CPU time of each way's processes, "
            "the bulk import's checking process included: less sensitive to a busy machine)",
        ),
        result(
            "P2",
            what,
            f"BioCampus normal import (first {normal['rows']:,} rows)",
            normal["rows_per_s"],
            "rows/s",
            "median",
            note="row by row through the services; capped: the whole file would take minutes",
        ),
        result(
            "P2",
            what,
            f"django-import-export (first {iexport['rows']:,} rows)",
            iexport["rows_per_s"],
            "rows/s",
            "median",
            note="plain columns; capped: one save() per row",
        ),
        result(
            "P2",
            what,
            "django-import-export use_bulk",
            iexport_bulk["rows_per_s"],
            "rows/s",
            "median",
            note="plain columns",
        ),
        result("P2", what, "Django bulk_create", bulk_create["rows_per_s"], "rows/s", "median", note="plain columns"),
        result("P2", what, "sqlite3 .import --csv (plain table)", floor, "rows/s", "median", note="no checks"),
    ]


if __name__ == "__main__":
    worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
