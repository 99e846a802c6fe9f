"""The cached bench data set is made again when the generator changes, and replaced only once the new one is
complete: the old one (an hour's work at a million organisations) is never deleted first."""

import json
import sqlite3
from contextlib import closing

import pytest

from bench.run import Context, prepare_sqlite

ORGS = 20


def _context(workdir):
    path = workdir / f"orgs-{ORGS}-seed1.sqlite3"
    return Context(ORGS, workdir, "sqlite", f"sqlite:///{path}", 1, path)


def _organizations(path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT COUNT(*) FROM directory_organization").fetchone()[0]


def test_a_changed_generator_remakes_the_data_set_and_replaces_it_whole(tmp_path):
    ctx = _context(tmp_path)
    prepare_sqlite(ctx)
    stamp = ctx.db_path.with_suffix(".json")
    wanted = json.loads(stamp.read_text())
    assert _organizations(ctx.db_path) == ORGS

    stamp.write_text(json.dumps(dict(wanted, generator="an older generator")))
    first = ctx.db_path.stat().st_ino
    # A remake that cannot even start (something in the way of its file) leaves the old data set alone.
    building = ctx.db_path.with_name(ctx.db_path.name + ".building")
    building.mkdir()
    with pytest.raises(OSError):
        prepare_sqlite(ctx)
    assert _organizations(ctx.db_path) == ORGS
    building.rmdir()

    prepare_sqlite(ctx)

    assert ctx.db_path.stat().st_ino != first  # made again, then put in place
    assert json.loads(stamp.read_text()) == wanted
    assert _organizations(ctx.db_path) == ORGS
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([ctx.db_path.name, stamp.name])
