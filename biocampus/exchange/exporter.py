"""Exporting records: a filtered list page as a file, and the whole database as a folder (export-all).

An export has exactly the import's columns (a file exported re-imports as it is, changing nothing).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from . import formats
from .kinds import KINDS, Kind
from .references import ExportLabels

# export-all writes these, one JSON file each; import-all reads them back (see backup.PASSES).
FULL_EXPORT_KINDS = (
    "fields",
    "organizations",
    "campuses",
    "people",
    "events",
    "residencies",
    "agreements",
    "programmes",
    "targets",
    "milestones",
    "funding_rounds",
)
MANIFEST = "manifest.json"
EXPORT_FORMAT_VERSION = 1


def export_records(kind: Kind, queryset: QuerySet, fmt: str, *, stable_order: bool = False) -> bytes:
    """The records of `queryset` as a file; in the queryset's order (the page's) unless `stable_order`."""
    records = kind.export_queryset(queryset)
    if stable_order:
        records = sorted(records, key=kind.sort_key)
    labels = ExportLabels()
    rows = [kind.export_row(record, labels, fmt) for record in records]
    return formats.write(fmt, kind.headings, rows)


def export_all(directory: str | Path) -> dict[str, int]:
    """Every record of the domain, one `<kind>.json` per kind, plus a manifest (the only file with a time).

    Rows are sorted in Python by natural key and public id, so two databases holding the same data give
    byte-identical files whatever their collation or primary keys."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    labels = ExportLabels()
    counts = {}
    for name in FULL_EXPORT_KINDS:
        kind = KINDS[name]
        records = sorted(kind.export_queryset(kind.model._default_manager.all()), key=kind.sort_key)
        rows = [kind.export_row(record, labels, "json") for record in records]
        (directory / f"{name}.json").write_bytes(formats.write_json(rows))
        counts[name] = len(rows)
    manifest = {
        "format": "biocampus-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "counts": counts,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts
