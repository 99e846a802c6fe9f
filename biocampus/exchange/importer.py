"""Importing one file of one kind: every row is read, checked and written through the services in one
transaction, which is kept only if every row is fine (or the bad rows are skipped on purpose) and this is
not a dry run.

Checking by writing is deliberate: the services are the one place where the rules live (permissions,
constraints, lifecycles), so a dry run runs them and rolls back, and its report is exactly what the real
import will do. Each row runs in a savepoint, so a refused row leaves nothing behind and the next rows go on.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import bulk, formats
from .columns import CellError
from .kinds import ImportContext, Kind, RowProblems
from .kinds.base import problems_of
from .references import Resolver
from .report import Note, Outcome, Problem, Report

Progress = bulk.Progress


@dataclass
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False  # write the valid rows, skip the others
    create_new: bool = False  # create probable duplicates as new organisations
    default_campus: object = None  # for rows without a campus
    decisions: dict[int, str] = field(default_factory=dict)  # line -> "new" or a public id (the page's choices)
    restore: bool = False  # import-all: restore provenance, accept files without rows
    bulk: bool | None = None  # the bulk path (bulk.py): True, False, or None = above bulk.threshold() rows


def uses_bulk(kind: Kind, file_name: str, stream, options: ImportOptions) -> bool:
    """Whether this import goes the bulk way: asked for (--bulk), or automatic for an organisations CSV
    with more rows than the normal import takes; never for what only the normal import does (skipping
    invalid rows, decisions on duplicates, restoring an export)."""
    if options.bulk is False or options.skip_invalid or options.decisions or options.restore:
        return False
    if not bulk.applies(kind, file_name):
        return False
    return options.bulk or bulk.count_lines(stream) > bulk.threshold()


def import_path(kind: Kind, path: str | Path, *, actor, options: ImportOptions, progress: Progress | None = None):
    if Path(path).is_file():
        with Path(path).open("rb") as stream:
            if uses_bulk(kind, Path(path).name, stream, options):
                return bulk.import_stream(
                    kind, stream, Path(path).name, actor=actor, dry_run=options.dry_run, progress=progress
                )
    try:
        table = formats.read_path(path)
    except formats.FileRefused as refusal:
        return _refused(kind, Path(path).name, options, refusal)
    return import_table(kind, table, actor=actor, options=options, progress=progress)


def import_bytes(kind: Kind, data: bytes, file_name: str, *, actor, options: ImportOptions, progress=None) -> Report:
    stream = io.BytesIO(data)
    # Bytes come from the page's upload: its size limit stands whichever way the rows are written.
    if len(data) <= formats.max_bytes() and uses_bulk(kind, file_name, stream, options):
        return bulk.import_stream(kind, stream, file_name, actor=actor, dry_run=options.dry_run, progress=progress)
    try:
        table = formats.read_bytes(data, file_name)
    except formats.FileRefused as refusal:
        return _refused(kind, file_name, options, refusal)
    return import_table(kind, table, actor=actor, options=options, progress=progress)


def _refused(kind: Kind, file_name: str, options: ImportOptions, refusal: formats.FileRefused) -> Report:
    report = Report(file_name=file_name, kind=kind.name, dry_run=options.dry_run, skip_invalid=options.skip_invalid)
    report.refuse(refusal.message, refusal.line)
    report.problems[-1].line = None  # a refused file is the file's problem, whatever line it was found on
    if refusal.line:
        report.problems[-1].message += " " + _("(line %(line)s)") % {"line": refusal.line}
    return report


def import_table(
    kind: Kind,
    table: formats.Table,
    *,
    actor,
    options: ImportOptions,
    progress: Progress | None = None,
    resolver: Resolver | None = None,
) -> Report:
    report = Report(
        file_name=table.file_name,
        kind=kind.name,
        dry_run=options.dry_run,
        skip_invalid=options.skip_invalid,
        rows=len(table.rows),
    )
    for message in kind.check_headings(table):
        report.refuse(message)
    if not table.rows and not options.restore:
        report.refuse(_("The file has column headings but no rows."))
    if report.problems:
        return report
    ctx = ImportContext(
        actor=actor,
        file_name=table.file_name,
        resolver=resolver or Resolver(actor),
        default_campus=options.default_campus,
        create_new=options.create_new,
        decisions=options.decisions,
        restore=options.restore,
    )
    started = time.monotonic()
    rows = kind.order_rows(table.rows)
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            _import_row(kind, row, ctx, report)
            if progress is not None:
                progress(done, len(rows))
        keep = not options.dry_run and (report.blocked == 0 or options.skip_invalid)
        if not keep:
            transaction.set_rollback(True)
    report.written = keep and (report.counts[Outcome.CREATED] + report.counts[Outcome.UPDATED]) > 0
    report.problems.sort(key=lambda problem: problem.line or 0)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _import_row(kind: Kind, row: formats.Row, ctx: ImportContext, report: Report) -> None:
    if row.problem:
        problems = [("", row.problem)]
    else:
        values, problems = kind.parse_row(row, ctx)
    if not problems:
        checkpoint = ctx.checkpoint()
        try:
            with transaction.atomic():
                result = kind.write(values, row.line, ctx)
        except RowProblems as error:
            problems = error.problems
        except CellError as error:
            problems = [("", error.message)]
        except ValidationError as error:
            problems = problems_of(error, kind)
        except PermissionDenied as error:
            problems = [("", _("Not allowed: %(reason)s") % {"reason": error})]
        except IntegrityError as error:
            problems = [("", _("This row conflicts with a record already stored (%(error)s).") % {"error": error})]
        if problems:
            ctx.roll_back_to(checkpoint)
    if problems:
        report.count(Outcome.INVALID)
        report.problems += [Problem(row.line, column, message) for column, message in problems]
        return
    report.count(result.outcome)
    if result.duplicate is not None:
        report.duplicates.append(result.duplicate)
    if result.note:
        report.notes.append(Note(row.line, result.note))
    if result.outcome in (Outcome.CREATED, Outcome.UPDATED):
        kind.remember(result.record, ctx)
