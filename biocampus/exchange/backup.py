"""import-all: restoring a folder written by export-all, in one transaction (all of it, or nothing).

Kinds refer to each other in a circle (an organisation's stewarding campus is a campus, a campus is an
organisation; sister campuses refer to campuses further down the file), so some files are read twice:
first without the columns that point forward, then whole. The second pass changes only what the first
left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from . import formats
from .exporter import EXPORT_FORMAT_VERSION, FULL_EXPORT_KINDS, MANIFEST
from .importer import ImportOptions, import_table
from .kinds import KINDS
from .references import Resolver
from .report import Report

# (kind, columns left out of this pass)
PASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fields", ()),
    ("organizations", ("steward",)),
    ("campuses", ("sister_campuses",)),
    ("campuses", ()),
    ("organizations", ()),
    ("people", ()),
    ("events", ()),
    ("residencies", ()),
    ("agreements", ()),
    ("programmes", ()),
    ("targets", ()),
    ("milestones", ()),
    ("funding_rounds", ()),
)
assert {name for name, _skip in PASSES} == set(FULL_EXPORT_KINDS)


class ExportFolderRefused(Exception):
    pass


def _without(table: formats.Table, columns: tuple[str, ...]) -> formats.Table:
    if not columns:
        return table
    rows = [formats.Row(r.line, {k: v for k, v in r.cells.items() if k not in columns}, r.problem) for r in table.rows]
    headings = [h for h in table.headings if h not in columns]
    return formats.Table(table.file_name, table.format, headings, rows, table.written_headings)


def import_all(
    directory: str | Path,
    *,
    actor=None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Report]:
    """Import every file of an export folder; the reports of the passes run. Nothing is kept unless all pass."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not directory.is_dir():
        raise ExportFolderRefused(_("There is no folder at %(path)s.") % {"path": directory})
    if manifest_path.exists():
        version = json.loads(manifest_path.read_text(encoding="utf-8")).get("version")
        if version != EXPORT_FORMAT_VERSION:
            raise ExportFolderRefused(
                _("%(path)s was written by export format %(found)s; this BioCampus reads format %(version)s.")
                % {"path": manifest_path, "found": version, "version": EXPORT_FORMAT_VERSION}
            )
    present = [name for name in FULL_EXPORT_KINDS if (directory / f"{name}.json").exists()]
    if not present:
        raise ExportFolderRefused(
            _("%(path)s holds none of the files export-all writes (organizations.json, …).") % {"path": directory}
        )
    tables: dict[str, formats.Table] = {}
    reports: list[Report] = []
    resolver = Resolver(actor)
    with transaction.atomic():
        for name, left_out in PASSES:
            if name not in present:
                continue
            if name not in tables:
                try:
                    tables[name] = formats.read_path(directory / f"{name}.json", limited=False)
                except formats.FileRefused as refusal:
                    report = Report(file_name=f"{name}.json", kind=name)
                    report.refuse(refusal.message)
                    reports.append(report)
                    break
            report = import_table(
                KINDS[name],
                _without(tables[name], left_out),
                actor=actor,
                options=ImportOptions(restore=True, create_new=True),
                resolver=resolver,
                progress=(lambda done, total, stage=None, name=name: progress(name, done, total)) if progress else None,
            )
            reports.append(report)
            if not report.ok:
                break
        if not all(report.ok for report in reports):
            transaction.set_rollback(True)
    return reports
