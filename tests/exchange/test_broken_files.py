"""Broken files: each gives a report naming file, line, column and what is wrong, and writes nothing at all
(every table of every BioCampus app, history included, keeps its row count)."""

from __future__ import annotations

import pytest

from biocampus.directory.models import Organization
from tests.exchange.conftest import csv_bytes, json_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ORG = ["Brand New Therapeutics", "company", "CN"]

CASES = {
    "unknown column": (
        "organizations",
        "orgs.csv",
        csv_bytes([["nmae", "kind"], ["A", "company"]]),
        (None, "", "Unknown column “nmae”. The columns of organizations are: public_id, name,"),
    ),
    "missing column": (
        "organizations",
        "orgs.csv",
        csv_bytes([["name", "country"], ["A", "CN"]]),
        (None, "", "The column “kind” is missing; organizations files need: name, kind."),
    ),
    "bad date": (
        "residencies",
        "residencies.csv",
        csv_bytes(
            [["organization", "campus", "status", "signed_on"], ["Teddy Lab", "campus-a", "signed", "06/11/2020"]]
        ),
        (2, "signed_on", "“06/11/2020” is not a date: write it as YYYY-MM-DD, e.g. 2020-11-06."),
    ),
    "impossible date": (
        "milestones",
        "milestones.json",
        json_bytes(
            [
                {
                    "organization": "Teddy Lab",
                    "campus": "campus-a",
                    "kind": "other",
                    "title": "T",
                    "occurred_on": "2021-02-30",
                }
            ]
        ),  # fmt: skip
        (2, "occurred_on", "“2021-02-30” is not a date"),
    ),
    "bad encoding": (
        "organizations",
        "orgs.csv",
        "name,kind,city\nTeddy Lab,company,无锡\n".encode("gbk"),
        (None, "", "The file is not UTF-8 text (byte 0xCE on line 2 cannot be read)"),
    ),
    "NUL byte in text": (
        "organizations",
        "orgs.csv",
        csv_bytes([["name", "kind", "description"], GOOD_ORG[:2] + ["a\x00b"]]),
        (2, "description", "Text may not contain NUL bytes"),
    ),
    "NUL byte in an XLSX-like JSON": (
        "people",
        "people.json",
        json_bytes([{"name": "Ann\u0000"}]),
        (2, "name", "Text may not contain NUL bytes"),
    ),
    "control character": (
        "organizations",
        "orgs.csv",
        csv_bytes([["name", "kind"], ["Bell\x07 Co", "company"]]),
        (2, "name", "Text may not contain control characters."),
    ),
    "empty file": ("organizations", "orgs.csv", b"", (None, "", "The file is empty.")),
    "headings only": (
        "organizations",
        "orgs.xlsx",
        xlsx_bytes([["name", "kind"]]),
        (None, "", "The file has column headings but no rows."),
    ),
    "not what its extension says": (
        "organizations",
        "orgs.xlsx",
        csv_bytes([["name", "kind"], GOOD_ORG[:2]]),
        (None, "", "“orgs.xlsx” is called .xlsx but its content is text (CSV)"),
    ),
    "a bad row among good ones": (
        "organizations",
        "orgs.csv",
        csv_bytes([["name", "kind", "country"], GOOD_ORG, ["Bad Co", "not-a-kind", "XX"]]),
        (3, "kind", "“not-a-kind” is not a kind of organisation; use one of: company, pharma"),
    ),
    "unknown organisation": (
        "residencies",
        "residencies.csv",
        csv_bytes([["organization", "campus"], ["Teddy Labs", "campus-a"]]),
        (2, "organization", "No organisation called “Teddy Labs”. Did you mean “Teddy Lab”?"),
    ),
    "unknown campus": (
        "milestones",
        "milestones.csv",
        csv_bytes([["organization", "campus", "kind", "title"], ["Teddy Lab", "campus-z", "other", "T"]]),
        (2, "campus", "No campus “campus-z”; use a campus short name: campus-a, campus-b."),
    ),
    "a service rule": (
        "agreements",
        "agreements.csv",
        csv_bytes([["campus", "title", "type", "parties"], ["campus-a", "One-sided", "mou", "Teddy Lab"]]),
        (2, "parties", "An agreement needs at least two parties."),
    ),
    "a model constraint": (
        "milestones",
        "milestones.csv",
        csv_bytes(
            [["campus", "organization", "kind", "title", "value"], ["campus-a", "Teddy Lab", "other", "T", "12"]]
        ),
        (2, "", "A value needs a unit"),
    ),
    "a nested item": (
        "funding_rounds",
        "rounds.csv",
        csv_bytes(
            [
                ["campus", "recipient", "round_type", "investors"],
                ["campus-a", "Teddy Lab", "seed", "Pharma Partner; led=yes"],
            ]
        ),
        (2, "investors", "item 1: unknown “led”; use investor, lead, amount."),
    ),
    "too many cells": (
        "organizations",
        "orgs.csv",
        b"name,kind\nA,company,surplus\n",
        (2, "", "This row has 3 cells but there are only 2 column headings."),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_a_broken_file_is_reported_and_writes_nothing(case, dry_run, users, db_rows, run_import):
    kind, file_name, data, (line, column, message) = CASES[case]
    before = db_rows()

    report = run_import(kind, data, file_name, actor=users.campus_staff, dry_run=dry_run)

    assert not report.ok
    assert not report.written
    assert any(
        problem.line == line and problem.column == column and message in problem.message for problem in report.problems
    ), report.as_text()
    assert report.file_name == file_name
    assert db_rows() == before


def test_the_fifty_megabyte_file_is_refused_by_its_size(users, db_rows, run_import, settings):
    settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    row = b"Org,company,CN,Wuxi,a long enough description to fill the file quickly\n"
    data = b"name,kind,country,city,description\n" + row * (50 * 1024 * 1024 // len(row) + 1)
    before = db_rows()

    report = run_import("organizations", data, "big.csv", actor=users.campus_staff)

    assert report.refused and report.rows == 0
    assert "The file is 50.0 MB; the limit is 20.0 MB" in report.problems[0].message
    assert db_rows() == before


def test_every_problem_of_a_file_is_reported_at_once(users, run_import):
    data = csv_bytes(
        [["name", "kind", "country", "founded_year"], ["A", "nope", "XX", "1999"], ["\x00", "company", "", "soon"]]
    )

    report = run_import("organizations", data, "orgs.csv", actor=users.campus_staff)

    found = {(problem.line, problem.column) for problem in report.problems}
    assert found == {(2, "kind"), (2, "country"), (3, "name"), (3, "founded_year")}
    assert "orgs.csv:3 founded_year: “soon” is not a whole number." in report.as_text()


def test_html_is_stored_as_text_and_never_rendered(users, run_import, client):
    script = '<script>alert("x")</script><b>bold</b>'
    data = csv_bytes([["name", "kind", "description"], ["Scripted Bio", "company", script]])

    report = run_import("organizations", data, "orgs.csv", actor=users.campus_staff)

    assert report.ok, report.as_text()
    organization = Organization.objects.get(name="Scripted Bio")
    assert organization.description == script
    client.force_login(users.campus_staff)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_skip_invalid_writes_the_good_rows_only(users, run_import):
    data = csv_bytes([["name", "kind", "country"], GOOD_ORG, ["Bad Co", "not-a-kind", "XX"]])

    report = run_import("organizations", data, "orgs.csv", actor=users.campus_staff, skip_invalid=True)

    assert report.ok and report.written
    assert report.counts["created"] == 1 and report.counts["invalid"] == 1
    assert Organization.objects.filter(name="Brand New Therapeutics").exists()
    assert not Organization.objects.filter(name="Bad Co").exists()
