"""The bulk path for large organisation CSVs (exchange/bulk.py): the same rows as the normal importer, all or
nothing, history and provenance for every row, broken files refused, duplicates refused with their lines.

Every test runs three ways (the `checking` fixture): rows checked in this process, in one forked process, and
in two forked processes taking turns by batches of two rows; the three must import alike."""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import signal
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from biocampus.core.choices import ProvenanceMethod
from biocampus.core.models import Provenance
from biocampus.directory.models import Organization, OrganizationIdentifier
from biocampus.exchange import bulk, bulk_rows
from biocampus.exchange.importer import ImportOptions, import_bytes, import_path
from biocampus.exchange.kinds import kind_named

from .conftest import csv_bytes

ORGS = kind_named("organizations")
# The kind's own columns (so they cannot drift from the importer), less the links and the directive a
# spreadsheet of new organisations leaves out.
HEADINGS = [h for h in ORGS.headings if h not in ("public_id", "parent", "steward", "provenance")]
ROWS = [
    [
        "Alpha Bio",
        "阿尔法生物",
        "Alpha | ALPHA Biotech",
        "company",
        "CN",
        "Wuxi",
        "drug-rd | diagnostics",
        "https://alpha.example",
        "2015",
        "91320214MA1X7K9Q2W; scheme=uscc | 5493001KJTIIGC8Y1R12; scheme=lei",
        "<b>HTML</b> stays text",
    ],
    ["Ｂｅｔａ Hospital", "", "", "Hospital", "United Kingdom", "London", "", "", "", "", ""],
    ["Gamma Capital", "", "", "investor", "us", "", "gene-sequencing", "", "1999", "", "A fund\nover two lines"],
]


@pytest.fixture(autouse=True, params=["here", "forked", "two forked"])
def checking(request, monkeypatch):
    if request.param == "here":
        monkeypatch.setattr(bulk_rows, "PARALLEL_MIN_ROWS", 10**9)
    else:
        monkeypatch.setattr(bulk_rows, "PARALLEL_MIN_ROWS", 0)
    if request.param == "two forked":
        monkeypatch.setattr(bulk_rows, "CHECKERS", 2)
        monkeypatch.setattr(bulk_rows, "BATCH_ROWS", 2)
    yield request.param
    assert not multiprocessing.active_children()  # no checking process outlives its import
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("bulk-checker")]


def run_bulk(data: bytes, *, actor, file_name="orgs.csv", dry_run=False):
    return import_bytes(ORGS, data, file_name, actor=actor, options=ImportOptions(bulk=True, dry_run=dry_run))


def snapshot(names) -> list[dict]:
    """What a person sees of the imported organisations, without ids and times."""
    found = []
    for organization in Organization.objects.filter(name__in=names).order_by("name"):
        found.append(
            {
                **{
                    f: getattr(organization, f)
                    for f in ("name", "name_zh", "aliases", "kind", "city", "website", "founded_year", "description")
                },
                "country": str(organization.country),
                "steward": organization.steward_id,
                "parent": organization.parent.name if organization.parent else None,
                "search_text": organization.search_text,
                "fields": sorted(organization.fields.values_list("slug", flat=True)),
                "identifiers": sorted(organization.identifiers.values_list("scheme", "value")),
                "provenance": (organization.provenance.method, organization.provenance.file_name),
                "history": [(h.history_type, h.history_user_id) for h in organization.history.all()][-1:],
            }
        )
    return found


@pytest.mark.django_db
def test_bulk_rows_are_what_the_normal_import_writes(users):
    data = csv_bytes(
        [[*HEADINGS, "parent"], *[[*row, ""] for row in ROWS], ["Alpha Unit", *[""] * 2, "lab", *[""] * 7, "Alpha Bio"]]
    )
    names = [row[0] for row in ROWS] + ["Alpha Unit"]
    with transaction.atomic():
        normal = import_bytes(
            ORGS, data, "orgs.csv", actor=users.campus_staff, options=ImportOptions(bulk=False, create_new=True)
        )
        assert normal.ok and not normal.bulk and normal.counts["created"] == 4
        expected = snapshot(names)
        transaction.set_rollback(True)

    report = run_bulk(data, actor=users.campus_staff)

    assert report.ok and report.bulk and report.written, report.as_text()
    assert report.counts["created"] == 4
    assert snapshot(names) == expected
    assert "ｂｅｔａ" not in Organization.objects.get(name="Ｂｅｔａ Hospital").search_text  # folded


@pytest.mark.django_db
def test_every_row_has_its_created_history_and_the_file_one_provenance(users):
    before = Provenance.objects.count()

    run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff, file_name="many.csv")

    assert Provenance.objects.count() == before + 1
    provenance = Provenance.objects.latest("id")
    assert (provenance.method, provenance.file_name, provenance.entered_by) == (
        ProvenanceMethod.IMPORT,
        "many.csv",
        users.campus_staff,
    )
    imported = Organization.objects.filter(provenance=provenance)
    assert imported.count() == 3
    for organization in imported:
        entries = list(organization.history.all())
        assert [(e.history_type, e.history_user) for e in entries] == [("+", users.campus_staff)]
        assert entries[0].name == organization.name
    alpha = imported.get(name="Alpha Bio")
    history_fields = alpha.history.get().fields.all()
    assert sorted(f.field.slug for f in history_fields) == ["diagnostics", "drug-rd"]
    for identifier in OrganizationIdentifier.objects.filter(organization=alpha):
        assert identifier.provenance == provenance
        assert [e.history_type for e in identifier.history.all()] == ["+"]


@pytest.mark.django_db
def test_a_bad_row_anywhere_writes_nothing_and_says_which_line(users, db_rows):
    rows = [list(row) for row in ROWS]
    rows[2][3] = "not-a-kind"
    rows[1][7] = "not a url"
    rows[0][8] = "1200"
    before = db_rows()

    report = run_bulk(csv_bytes([HEADINGS, *rows]), actor=users.campus_staff)

    assert db_rows() == before
    assert not report.ok and not report.written
    found = {(p.line, p.column) for p in report.problems}
    assert found == {(2, "founded_year"), (3, "website"), (4, "kind")}
    text = report.as_text()
    assert "orgs.csv:4 kind: “not-a-kind” is not a kind of organisation" in text
    assert "orgs.csv:3 website: Enter a valid URL." in text
    assert "Nothing was written" in text and "all or nothing" in text


@pytest.mark.django_db
def test_bad_rows_get_the_messages_of_the_normal_import(users):
    rows = [list(row) for row in ROWS]
    rows[0][0] = "Nul\x00 Bio"
    rows[1][4] = "XX"
    rows[2][6] = "no-such-field"
    data = csv_bytes([HEADINGS, *rows])

    normal = import_bytes(ORGS, data, "orgs.csv", actor=users.campus_staff, options=ImportOptions(bulk=False))
    fast = run_bulk(data, actor=users.campus_staff)

    assert [(p.line, p.column, p.message) for p in fast.problems] == [
        (p.line, p.column, p.message) for p in normal.problems
    ]
    assert len(fast.problems) == 3


@pytest.mark.django_db
def test_a_partner_may_not_bulk_import(users, db_rows):
    before = db_rows()

    report = run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.partner)

    assert report.refused and "Not allowed" in report.problems[0].message
    assert db_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"name,kind\nA,company\nB\xff,company\n", "byte 0xFF on line 3 cannot be read"),
        (b"name,kind,colour\nA,company,red\n", "Unknown column “colour”"),
        (b"name,city\nA,Wuxi\n", "The column “kind” is missing"),
        (b"\xff\xfename,kind\n", "UTF-16"),
        (b"PK\x03\x04not a workbook", "its content is"),
        (b"  \n", "The file is empty."),
        (b"name,name,kind\n", "appears twice"),
    ],
)
def test_a_broken_file_is_refused_whole(users, db_rows, data, expected):
    before = db_rows()

    report = run_bulk(data, actor=users.campus_staff)

    assert report.refused
    assert expected in report.problems[0].message
    assert db_rows() == before


@pytest.mark.django_db
def test_ragged_rows_and_nul_bytes_are_row_problems(users, db_rows):
    data = b"name,kind,city\nA,company,Wuxi,extra,cells\nB\x00,company,Wuxi\nC,company\n"
    before = db_rows()

    report = run_bulk(data, actor=users.campus_staff)

    assert db_rows() == before
    assert [(p.line, p.column) for p in report.problems] == [(2, ""), (3, "name")]
    assert "This row has 5 cells but there are only 3 column headings." in report.problems[0].message
    assert "NUL" in report.problems[1].message


@pytest.mark.django_db
def test_blank_rows_and_a_bom_and_semicolons_are_read_like_the_normal_import(users):
    data = "\ufeffname;kind;country\r\n\r\nDelta;company;CN\r\n;;\r\nEpsilon;lab;\r\n".encode()

    report = run_bulk(data, actor=users.campus_staff)

    assert report.ok, report.as_text()
    assert set(Organization.objects.filter(name__in=["Delta", "Epsilon"]).values_list("name", flat=True)) == {
        "Delta",
        "Epsilon",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "line", "column", "expected"),
    [
        ([["Teddy Lab", "company", ""]], 2, "name", "“Teddy Lab” is already the name of “Teddy Lab” in the directory."),
        ([["A", "company", ""], ["B", "lab", ""], ["A", "lab", ""]], 4, "name", "the organisation on line 2"),
        ([["A", "company", "X1; scheme=other"], ["B", "lab", "X1; scheme=other"]], 3, "identifiers", "Line 2"),
    ],
)
def test_duplicates_are_refused_with_the_line_they_collide_with(
    users, resident_org, db_rows, rows, line, column, expected
):
    before = db_rows()

    report = run_bulk(csv_bytes([["name", "kind", "identifiers"], *rows]), actor=users.campus_staff)

    assert db_rows() == before
    assert [(p.line, p.column) for p in report.problems] == [(line, column)]
    assert expected in report.problems[0].message
    assert "without --bulk" in report.problems[0].message or column == "identifiers"


@pytest.mark.django_db
def test_duplicates_across_chunks_and_against_the_directory(users, resident_org, monkeypatch, db_rows):
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 2)
    OrganizationIdentifier.objects.create(
        organization=resident_org, scheme="uscc", value="TAKEN", provenance=resident_org.provenance
    )
    resident_org.aliases = ["Teddy"]
    resident_org.save()
    rows = [
        ["One", "company", "K1; scheme=lei", ""],
        ["Two", "company", "", str(resident_org.public_id)],
        ["Three", "company", "TAKEN; scheme=uscc", ""],
        ["Four", "company", "K1; scheme=lei", ""],
        ["Teddy", "company", "", ""],
        ["One", "company", "", ""],
    ]
    before = db_rows()

    report = run_bulk(csv_bytes([["name", "kind", "identifiers", "public_id"], *rows]), actor=users.campus_staff)

    assert db_rows() == before
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "public_id"),
        (4, "identifiers"),
        (5, "identifiers"),
        (6, "name"),
        (7, "name"),
    ]
    messages = [p.message for p in report.problems]
    assert "taken by “Teddy Lab” in the directory" in messages[0]
    assert "“Teddy Lab” in the directory" in messages[1]
    assert "the organisation on line 2" in messages[2]
    assert "another name of an organisation in the directory" in messages[3]


@pytest.mark.django_db
def test_a_parent_in_the_directory_or_on_an_earlier_line(users, resident_org, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 3)
    rows = [
        ["Group", "company", ""],
        ["Unit 1", "lab", "Group"],
        ["Unit 1a", "lab", "Unit 1"],
        ["Unit 2", "lab", "Group"],
        ["Teddy Unit", "lab", f"Teddy Lab [{resident_org.public_id}]"],
    ]

    report = run_bulk(csv_bytes([["name", "kind", "parent"], *rows]), actor=users.campus_staff)

    assert report.ok, report.as_text()
    parents = dict(Organization.objects.filter(name__in=[r[0] for r in rows]).values_list("name", "parent__name"))
    assert parents == {
        "Group": None,
        "Unit 1": "Group",
        "Unit 1a": "Unit 1",
        "Unit 2": "Group",
        "Teddy Unit": "Teddy Lab",
    }


@pytest.mark.django_db
def test_a_parent_further_down_or_unknown_is_refused(users, db_rows):
    rows = [["Unit", "lab", "Group"], ["Group", "company", ""], ["Other", "lab", "Nobody"]]
    before = db_rows()

    report = run_bulk(csv_bytes([["name", "kind", "parent"], *rows]), actor=users.campus_staff)

    assert db_rows() == before
    assert [(p.line, p.column) for p in report.problems] == [(2, "parent"), (4, "parent")]
    assert "on an earlier line" in report.problems[0].message


@pytest.mark.django_db
def test_a_match_column_belongs_to_the_normal_import(users):
    report = run_bulk(csv_bytes([["name", "kind", "match"], ["A", "company", "new"]]), actor=users.campus_staff)

    assert [(p.line, p.column) for p in report.problems] == [(2, "match")]


@pytest.mark.django_db
def test_a_dry_run_checks_everything_and_writes_nothing(users, db_rows):
    before = db_rows()

    report = run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff, dry_run=True)

    assert report.ok and not report.written and report.counts["created"] == 3
    assert db_rows() == before


@pytest.mark.django_db
def test_the_bulk_path_is_taken_above_the_threshold(users, settings):
    settings.BIOCAMPUS_BULK_IMPORT_ROWS = 2
    data = csv_bytes([HEADINGS, *ROWS])

    assert import_bytes(ORGS, data, "orgs.csv", actor=users.campus_staff, options=ImportOptions()).bulk
    settings.BIOCAMPUS_BULK_IMPORT_ROWS = 4  # lines, not rows: the last row's cell has two
    with transaction.atomic():
        assert not import_bytes(ORGS, data, "o.csv", actor=users.campus_staff, options=ImportOptions(dry_run=True)).bulk
    # skipping invalid rows, deciding on duplicates: only the normal import does them
    settings.BIOCAMPUS_BULK_IMPORT_ROWS = 0
    assert not import_bytes(
        ORGS, data, "o.csv", actor=users.campus_staff, options=ImportOptions(dry_run=True, skip_invalid=True)
    ).bulk


@pytest.mark.django_db
def test_search_finds_bulk_imported_organisations(users):
    run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff)

    from biocampus.directory.search import search_organizations

    found = search_organizations(Organization.objects.all(), "alpha biotech")
    assert list(found.values_list("name", flat=True)) == ["Alpha Bio"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'directory_organization'"
            )
            triggers = {row[0] for row in cursor.fetchall()}
        assert not triggers or "directory_organization_fts_ai" in triggers  # put back after the import


def _generated_rows(count: int):
    """A file written row by row from a generator, never held whole in memory."""
    yield "name,name_zh,kind,country,city,fields,founded_year,identifiers\n"
    kinds = ("company", "lab", "investor", "hospital")
    for number in range(count):
        yield (
            f"Generated Organisation {number:06d},生成机构{number},{kinds[number % 4]},CN,Suzhou,"
            f"drug-rd | diagnostics,{1990 + number % 30},G{number:08d}; scheme=other\n"
        )


@pytest.mark.django_db(transaction=False)
def test_fifty_thousand_streamed_rows_import(users, tmp_path):
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(_generated_rows(50_000))
    seen = []

    report = import_path(
        ORGS,
        path,
        actor=users.campus_staff,
        options=ImportOptions(bulk=True),
        progress=lambda done, total, stage=None: seen.append((done, total, stage)),
    )

    assert report.ok and report.counts["created"] == 50_000, report.as_text()[:2000]
    assert Organization.objects.filter(name__startswith="Generated Organisation").count() == 50_000
    assert OrganizationIdentifier.objects.filter(value__startswith="G").count() == 50_000
    assert Organization.history.filter(name__startswith="Generated Organisation").count() == 50_000
    assert len(seen) >= 5 and all(stage is None for *_counts, stage in seen[:-2])  # progress after each chunk
    # After the last row, the stage the import is in while the bar stands full; then the end.
    assert seen[-2:] == [(50_000, 50_000, bulk.FINISHING), (50_000, 50_000, None)]


@pytest.mark.django_db
def test_the_command_imports_in_bulk_and_refuses_what_it_cannot(users, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([HEADINGS, *ROWS]))
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "organizations", str(path), "--bulk", stdout=out, stderr=err)

    assert "3 created" in out.getvalue() and "Imported." in out.getvalue()
    assert Organization.objects.filter(name="Gamma Capital").exists()
    # The bar says what it waits for once every row is read (tqdm's postfix, after the counts).
    assert "checking the names and building the indexes" in err.getvalue()
    with pytest.raises(CommandError, match="cannot --skip-invalid"):
        call_command("import", "organizations", str(path), "--bulk", "--skip-invalid", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="from a .csv file only"):
        call_command("import", "people", str(path), "--bulk", stdout=out, stderr=err)


@pytest.mark.django_db
def test_the_rows_are_checked_in_as_many_forked_processes_as_asked(users, checking, monkeypatch):
    started = []
    start = bulk_rows._Checker.__init__
    monkeypatch.setattr(bulk_rows._Checker, "__init__", lambda self, *a: started.append(a[2]) or start(self, *a))

    report = run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff)

    assert report.written
    assert started == {"here": [], "forked": [0], "two forked": [0, 1]}[checking]


@pytest.mark.django_db
def test_an_import_with_too_many_problems_stops_and_says_where(users, monkeypatch, db_rows):
    monkeypatch.setattr(bulk, "MAX_PROBLEMS", 3)
    rows = [[f"Org {n}", "company" if n % 2 else "spaceship"] for n in range(40)]
    before = db_rows()

    report = run_bulk(csv_bytes([["name", "kind"], *rows]), actor=users.campus_staff)

    assert db_rows() == before
    assert [p.line for p in report.problems] == [2, 4, 6]  # the file's lines of Org 0, Org 2, Org 4
    assert report.stopped_at == 5
    # and the checking processes, still reading when the import stopped, are gone (the fixture's check)


@pytest.mark.django_db
def test_a_broken_line_deep_in_the_file_is_refused_with_its_number(users, db_rows):
    lines = [b"name,kind\n"] + [f"Org {n},company\n".encode() for n in range(30)]
    lines[23] = b"Org \xff,company\n"  # in a batch of the second process, when there are two
    before = db_rows()

    report = run_bulk(b"".join(lines), actor=users.campus_staff)

    assert report.refused and db_rows() == before
    assert "byte 0xFF on line 24 cannot be read" in report.problems[0].message


@pytest.mark.django_db
def test_the_checking_process_never_queries(users, checking, monkeypatch, caplog, db_rows):
    if checking == "here":
        pytest.skip("only a forked checking process is kept from the database")
    # Without the references read beforehand, the first field code would be looked up in the child.
    monkeypatch.setattr(bulk_rows.RowChecks, "load_references", lambda self: None)
    before = db_rows()

    with caplog.at_level(logging.ERROR, logger="biocampus.exchange.bulk"):
        report = run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff)

    assert report.refused and db_rows() == before
    assert report.problems[0].message == (
        "The rows could not be checked: a process checking them failed (the log has the details). Nothing was written."
    )
    assert "must not query the database" in caplog.text  # the child's traceback, in the log


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("death", "expected"),
    [
        (lambda: os._exit(9), "the process checking them ended with exit code 9. Nothing was written."),
        (
            lambda: os.kill(os.getpid(), signal.SIGKILL),  # as the kernel's out-of-memory killer does
            "the process checking them was stopped by signal 9 (the system may have run short of memory)",
        ),
    ],
)
def test_a_checking_process_that_dies_stops_the_import_with_a_message(
    users, checking, monkeypatch, db_rows, death, expected
):
    if checking == "here":
        pytest.skip("a forked checking process only")
    monkeypatch.setattr(bulk_rows.RowChecks, "__call__", lambda self, row: death())
    before = db_rows()

    report = run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff)

    assert report.refused and db_rows() == before
    assert expected in report.problems[0].message


@pytest.mark.django_db
def test_history_rows_hold_what_the_organisation_was_created_with(users):
    run_bulk(csv_bytes([HEADINGS, *ROWS]), actor=users.campus_staff)

    for organization in Organization.objects.filter(name__in=[row[0] for row in ROWS]):
        entry = organization.history.get()
        kept = [f.attname for f in entry._meta.concrete_fields if not f.attname.startswith("history_")]
        assert len(kept) > 15
        for attname in kept:
            assert getattr(entry, attname) == getattr(organization, attname), attname
        assert (entry.history_type, entry.history_user) == ("+", users.campus_staff)
        for identifier in organization.identifiers.all():
            (identifier_entry,) = identifier.history.all()
            assert (identifier_entry.scheme, identifier_entry.value, identifier_entry.public_id) == (
                identifier.scheme,
                identifier.value,
                identifier.public_id,
            )
            assert identifier_entry.history_user == users.campus_staff


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return dict(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="indexes are set aside on SQLite only")
@pytest.mark.parametrize("bad_row", [False, True])
def test_indexes_set_aside_by_a_large_import_are_all_back_after_it(users, monkeypatch, bad_row):
    monkeypatch.setattr(bulk, "REINDEX_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "REINDEX_MIN_SHARE", 0)
    set_aside = []
    restore = bulk.BulkImport.restore_indexes
    monkeypatch.setattr(
        bulk.BulkImport, "restore_indexes", lambda self: set_aside.extend(self.set_aside) or restore(self)
    )
    before = _indexes()
    rows = [*ROWS, ["Delta", "", "", "spaceship", *[""] * 7]] if bad_row else ROWS

    report = run_bulk(csv_bytes([HEADINGS, *rows]), actor=users.campus_staff)

    assert report.written is not bad_row
    assert _indexes() == before
    if not bad_row:  # set aside, and built again
        assert any("org_kind_country_idx" in sql for sql in set_aside)
        assert not any("org_name_idx" in sql for sql in set_aside)  # read by the import itself
