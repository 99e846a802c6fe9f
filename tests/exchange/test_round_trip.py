"""export-all -> import-all into an empty database -> export-all gives byte-identical files (the manifest
aside), on the demo campus plus records that use every column: the whole database's domain data round-trips.

The empty database is a fresh SQLite file, migrated and imported into by `biocampus` subprocesses, so this
holds whatever database the suite itself runs on (the export is read from the test database in-process).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from biocampus.agreements.services import document_add, obligation_add
from biocampus.campuses.models import Campus
from biocampus.campuses.services import campus_create, campus_update
from biocampus.core.choices import DatePrecision
from biocampus.directory.models import Organization
from biocampus.directory.services import identifier_add, organization_create, person_create
from biocampus.events.services import event_create, participation_add
from biocampus.progress.services import funding_round_create, observation_record, programme_create, target_create
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db

BIOCAMPUS = str(Path(sys.executable).with_name("biocampus"))


def biocampus(*args, database: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run([BIOCAMPUS, *args], capture_output=True, text=True, timeout=600, env=env)  # noqa: S603
    if check and result.returncode:
        pytest.fail(f"biocampus {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def digest(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if not path.name.startswith(("manifest", "meta"))
    }


def every_column_used(admin):
    """Records beyond the demo that fill the columns the demo leaves empty, and names that need care."""
    wuxi = Campus.objects.get(slug="icampus-wuxi")
    teddy = Organization.objects.get(name="Teddy Lab Services")
    astrazeneca = Organization.objects.get(name="AstraZeneca")
    tricky = organization_create(
        actor=admin, name="Alpha | Beta; Gamma \\ Delta", kind="company", aliases=["A|B", "A;B"],
        description='Quotes " and <b>markup</b>,\nand a second line.', founded_year=2012, website="https://alpha.example.org",
        country="SE",
    )  # fmt: skip
    twin_a = organization_create(actor=admin, name="Twin Bio", kind="company", city="Wuxi")
    twin_b = organization_create(actor=admin, name="Twin Bio", kind="company", city="Suzhou", parent=twin_a)
    identifier_add(actor=admin, organization=tricky, scheme="uscc", value="91320214MA1X7K9Q2W")
    identifier_add(actor=admin, organization=tricky, scheme="lei", value="5493001KJTIIGC8Y1R12")
    person_create(actor=admin, name="No Org Person", email="n@example.org", phone="+86 510 0000")
    person_create(actor=admin, name="Twin Contact", organization=twin_b)
    campus_org = organization_create(actor=admin, name="Suzhou Bio Campus", kind="campus", country="CN")
    suzhou = campus_create(
        actor=admin, organization=campus_org, slug="suzhou", operators=[(twin_a, "operator"), tricky],
        opened_on=datetime.date(2021, 1, 1), operational_on=datetime.date(2021, 6, 1),
    )  # fmt: skip
    campus_update(actor=admin, campus=suzhou, sister_campuses=[wuxi])
    summit = event_create(actor=admin, campus=suzhou, name="Bio Summit", starts_on=datetime.date(2021, 5, 1))
    event_create(actor=admin, campus=wuxi, name="Bio Summit", showcases=[
        {"organization": tricky, "offering": "Kits | tests", "booth_host": astrazeneca, "outcome": "Two; deals"},
    ])  # fmt: skip
    participation_add(actor=admin, event=summit, organization=twin_b, role="speaker")
    agreement = teddy.agreements.get(title__startswith="Cooperation agreement on the joint development")
    obligation_add(
        actor=admin, agreement=agreement, description="Report; twice", party=teddy, due_on=datetime.date(2021, 6, 30)
    )
    document_add(actor=admin, agreement=agreement, title="Press release", url="https://example.org/release")
    programme = programme_create(
        actor=admin, campus=suzhou, name="Twin programme", organizations=[twin_a, twin_b, tricky]
    )
    target = target_create(
        actor=admin, campus=suzhou, programme=programme, metric="kits sold", unit="kits", baseline=Decimal("10"),
        goal=Decimal("1000.5"), due_on=datetime.date(2022, 12, 31),
    )  # fmt: skip
    observation_record(
        actor=admin, target=target, observed_on=datetime.date(2022, 6, 30), value=Decimal("400"), note="half"
    )
    funding_round_create(
        actor=admin, campus=suzhou, recipient=tricky, round_type="series_b", amount=Decimal("25000000.50"),
        currency="USD", announced_on=datetime.date(2022, 1, 1), date_precision=DatePrecision.MONTH,
        investors=[{"investor": twin_a, "is_lead": True, "amount": Decimal("5")}, astrazeneca],
    )  # fmt: skip


@pytest.fixture
def full_database(db):
    call_command("load_demo", stdout=io.StringIO())
    every_column_used(admin=None)


def test_the_whole_database_round_trips_into_an_empty_one_and_a_broken_file_changes_nothing(full_database, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    call_command("export-all", str(first), stdout=io.StringIO())
    fresh = tmp_path / "fresh.sqlite3"

    biocampus("migrate", "--noinput", database=fresh)
    imported = biocampus("import-all", str(first), database=fresh)
    biocampus("export-all", str(second), database=fresh)

    assert "Imported everything." in imported.stdout
    assert digest(first) == digest(second)
    counts = json.loads((first / "manifest.json").read_text())["counts"]
    assert counts == json.loads((second / "manifest.json").read_text())["counts"]
    assert counts["organizations"] == Organization.objects.count() and counts["campuses"] == 4
    organizations = json.loads((first / "organizations.json").read_text())
    parent, unit = sorted((o for o in organizations if o["name"] == "Twin Bio"), key=lambda o: o["parent"] is not None)
    assert unit["parent"] == f"Twin Bio [{parent['public_id']}]"  # a shared name is written with its public id

    # The acceptance check's second half: a broken CSV into the restored database is refused, changes nothing.
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,country\nGood Co,company,CN\nBad Co,not-a-kind,XX\n\x00,,\n")
    refused = biocampus("import", "organizations", str(bad), database=fresh, check=False)
    biocampus("export-all", str(tmp_path / "c"), database=fresh)

    assert refused.returncode == 1
    assert "bad.csv:3 kind" in refused.stdout and "bad.csv:4 name: Text may not contain NUL bytes" in refused.stdout
    assert digest(tmp_path / "c") == digest(first)


def test_import_all_into_the_same_database_changes_nothing(full_database, tmp_path, db_rows):
    call_command("export-all", str(tmp_path), stdout=io.StringIO())
    before = db_rows()

    out = io.StringIO()
    call_command("import-all", str(tmp_path), stdout=out, stderr=io.StringIO())

    assert "Imported everything." in out.getvalue()
    assert " 0 created, 0 updated" in out.getvalue()
    assert db_rows() == before


def test_import_all_is_all_or_nothing(db, tmp_path, db_rows):
    (tmp_path / "organizations.json").write_bytes(b'[{"name": "Fine Co", "kind": "company"}]')
    (tmp_path / "people.json").write_bytes(b'[{"name": "Ann", "organization": "Nobody Inc"}]')
    before = db_rows()

    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-all", str(tmp_path), stdout=out, stderr=io.StringIO())

    assert "people.json:1 organization: No organisation called “Nobody Inc”." in out.getvalue()
    assert db_rows() == before


def test_import_all_refuses_a_folder_that_is_not_an_export(db, tmp_path):
    (tmp_path / "notes.csv").write_bytes(csv_bytes([["a"], ["b"]]))
    with pytest.raises(CommandError, match="holds none of the files export-all writes"):
        call_command("import-all", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
