"""The sample files in samples/ import cleanly on top of the demo campus, in the order the docs give."""

from __future__ import annotations

from pathlib import Path

import pytest

from biocampus.exchange.importer import ImportOptions, import_path
from biocampus.exchange.kinds import kind_named

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ORDER = ["organizations", "people", "residencies", "agreements", "milestones", "funding_rounds"]


def import_sample(file_name: str, actor):
    kind = kind_named(Path(file_name).stem)
    return import_path(kind, SAMPLES / file_name, actor=actor, options=ImportOptions())


def test_there_is_a_sample_per_kind_and_format():
    names = {path.name for path in SAMPLES.iterdir()}
    assert {f"{kind}.csv" for kind in ORDER} <= names
    assert any(name.endswith(".xlsx") for name in names) and any(name.endswith(".json") for name in names)


def test_every_sample_imports_cleanly_and_a_second_time_changes_nothing(demo, db_rows):
    staff = demo.user("staff")
    for kind in ORDER:
        report = import_sample(f"{kind}.csv", staff)
        assert report.ok and report.written and not report.problems and not report.duplicates, report.as_text()
        assert report.counts["created"] == report.rows, report.as_text()
    before = db_rows()
    for name in [*(f"{kind}.csv" for kind in ORDER), "people.xlsx", "agreements.json"]:
        report = import_sample(name, staff)
        assert report.ok and report.counts["unchanged"] == report.rows, report.as_text()
    assert db_rows() == before


@pytest.mark.parametrize("name", ["people.xlsx", "agreements.json"])
def test_the_xlsx_and_json_samples_import_on_their_own(demo, name):
    staff = demo.user("staff")
    assert import_sample("organizations.csv", staff).written

    report = import_sample(name, staff)

    assert report.ok and report.counts["created"] == report.rows == 2, report.as_text()
