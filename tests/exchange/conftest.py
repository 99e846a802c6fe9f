"""Fixtures of the import/export tests: file builders, an import helper, the demo campus.

`demo_campus` loads the demo once per module inside a transaction rolled back after the module, like the
page tests do; each test still runs in its own savepoint.
"""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction

from biocampus.exchange.importer import ImportOptions, import_bytes
from biocampus.exchange.kinds import kind_named


def csv_bytes(rows: list[list], *, bom: bool = False, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_bytes(items) -> bytes:
    return json.dumps(items, ensure_ascii=False, indent=2).encode("utf-8")


@pytest.fixture
def run_import(db):
    """`run_import("organizations", data, "orgs.csv", actor=..., dry_run=True)` -> Report."""

    def run(kind: str, data: bytes, file_name: str, *, actor=None, **options):
        return import_bytes(kind_named(kind), data, file_name, actor=actor, options=ImportOptions(**options))

    return run


@pytest.fixture(scope="module")
def demo_campus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_campus, db):
    from biocampus.accounts.models import User
    from biocampus.campuses.models import Campus
    from biocampus.directory.models import Organization

    return SimpleNamespace(
        user=lambda name: User.objects.get(username=name),
        org=lambda name: Organization.objects.get(name=name),
        campus=lambda slug="icampus-wuxi": Campus.objects.get(slug=slug),
    )
