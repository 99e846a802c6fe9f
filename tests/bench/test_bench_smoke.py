"""`make bench` still runs: a tiny run of the directory search benchmark writes its results table.

A smoke test, not a measurement: it asserts that every column is there and that the benchmark did not
fail, never how fast anything was (timings on a shared CI machine mean nothing).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import COLUMNS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def results(tmp_path):
    out = tmp_path / "benchmarks.md"
    # The data set is cached in var/bench/ (made once, about a minute); only the results go to tmp_path.
    command = [sys.executable, "-m", "bench.run", "--orgs", "300", "--only", "P1", "--repeat", "1", "--write", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_text()


def test_the_results_table_has_every_column_and_a_row_for_each_peer(results):
    assert "<!-- bench:results sqlite 300 begin -->" in results
    assert "| " + " | ".join(COLUMNS) + " |" in results
    rows = [line for line in results.splitlines() if line.startswith("| P1 |")]
    subjects = " ".join(rows)
    assert "BioCampus directory page" in subjects
    assert "BioCampus selector" in subjects
    assert "Django admin changelist" in subjects
    assert "raw SQL page of 50" in subjects
    assert "Datasette" in subjects
    assert "| failed" not in results
    for row in rows:
        assert row.count("|") == len(COLUMNS) + 1, row  # no cell swallowed or split
    assert "Machine: " in results and "Last command: `" in results
