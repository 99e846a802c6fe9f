"""The commands: exit codes, the report on stdout, the progress bar on stderr, the hyphenated names."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from biocampus.directory.models import Organization
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db

BIOCAMPUS = str(Path(sys.executable).with_name("biocampus"))
GOOD = [["name", "kind", "country"], ["Brand New Therapeutics", "company", "CN"], ["Qilin Biotech", "company", "CN"]]
BAD = [*GOOD, ["Bad Co", "not-a-kind", "XX"]]


def write(tmp_path, name: str, rows) -> str:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows) if isinstance(rows, list) else rows)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_imports_with_a_progress_bar(tmp_path, users):
    out, err = run("import", "organizations", write(tmp_path, "orgs.csv", GOOD))

    assert "orgs.csv: 2 rows: 2 created, 0 updated, 0 unchanged, 0 invalid, 0 probable duplicates." in out
    assert "Imported." in out
    assert "Importing organizations: 100%" in err and "2/2" in err
    assert Organization.objects.filter(name__in=["Brand New Therapeutics", "Qilin Biotech"]).count() == 2


def test_an_invalid_row_fails_the_command_and_writes_nothing(tmp_path, users, db_rows):
    before = db_rows()
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was written") as caught:
        call_command("import", "organizations", write(tmp_path, "bad.csv", BAD), stdout=out, stderr=io.StringIO())
    assert caught.value.returncode == 1
    assert "bad.csv:4 kind: “not-a-kind” is not a kind of organisation" in out.getvalue()
    assert "bad.csv:4 country: “XX” is not a country" in out.getvalue()
    assert db_rows() == before


def test_dry_run_reports_and_writes_nothing(tmp_path, users, db_rows):
    before = db_rows()

    out, _err = run("import", "organizations", write(tmp_path, "orgs.csv", GOOD), "--dry-run")

    assert "2 to create" in out and "Dry run: nothing was written." in out
    assert db_rows() == before


def test_skip_invalid_imports_the_rest_and_succeeds(tmp_path, users):
    out, _err = run("import", "organizations", write(tmp_path, "bad.csv", BAD), "--skip-invalid")

    assert "Imported; 1 rows were skipped." in out
    assert Organization.objects.filter(name="Qilin Biotech").exists()


def test_campus_and_user_options(tmp_path, users, resident_org):
    rows = [["organization", "kind", "title"], ["Teddy Lab", "other", "Opened a lab"]]
    path = write(tmp_path, "milestones.csv", rows)

    run("import", "milestones", path, "--campus", "campus-a", "--user", "staff_a")

    assert resident_org.milestones.get().campus.slug == "campus-a"
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "milestones", path, "--campus", "campus-b", "--user", "staff_a", stdout=out)
    assert caught.value.returncode == 1
    assert "milestones.csv:2: Not allowed: You do not have permission to do this." in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "unicorns", "x.csv"], "Unknown kind 'unicorns'"),
        (["import", "organizations", "x.csv", "--campus", "nowhere"], "No campus 'nowhere'"),
        (["import", "organizations", "x.csv", "--user", "ghost"], "No active user 'ghost'"),
    ],
)
def test_usage_errors_exit_2(args, message, users):
    with pytest.raises(CommandError, match=message) as caught:
        call_command(*args, stdout=io.StringIO())
    assert caught.value.returncode == 2


def test_a_missing_file(tmp_path, users):
    with pytest.raises(CommandError):
        call_command("import", "organizations", str(tmp_path / "nope.csv"), stdout=io.StringIO(), stderr=io.StringIO())


def test_export_then_import_of_one_kind(tmp_path, users):
    path = str(tmp_path / "organizations.xlsx")
    out, _err = run("export", "organizations", path)
    assert f"Wrote {path}." in out

    out, _err = run("import", "organizations", path)

    assert f"{Organization.objects.count()} unchanged" in out


def test_hyphenated_command_names_load():
    """Django imports commands.<name>; importlib takes the hyphen of export-all without an alias."""
    assert load_command_class("biocampus.exchange", "export-all").help.startswith("Write every organisation")
    assert load_command_class("biocampus.exchange", "import-all").help.startswith("Import every file")


def test_the_installed_command_line_knows_them():
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [BIOCAMPUS, "help"], capture_output=True, text=True, timeout=120, env={**os.environ}, check=True
    )
    for name in ("export-all", "import-all", "import", "export"):
        assert f"    {name}\n" in result.stdout
