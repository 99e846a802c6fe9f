"""Reading a bulk import's rows: the CSV as a stream, and each row's own checks, in a second process when the
file is large.

A row's own checks are everything that needs neither another row nor the database: the kind's column codecs
(`kind.parse_row`, the normal import's rules and messages), the model fields' validators, the aliases'
cleaning and the folded search text. They are two thirds of a bulk import's Python time, so above
`PARALLEL_MIN_ROWS` rows a forked process reads and checks the file while this one writes (the other third
and the database's own work): on two cores the import then takes about the longer of the two, not their sum.
With `CHECKERS` above one, as many processes read the file and take turns checking its batches (for
machines with more cores: on two, the importing process needs the second core).

The checking process never queries: the references a row may hold (fields of the taxonomy, a steward campus)
are loaded before it starts, and a query in it fails loudly (`_no_queries`). Checks that need other rows or
the database (names, public ids, identifiers, parents) stay in the writing process (`bulk.BulkImport`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from biocampus.directory.models import Organization
from biocampus.directory.services import clean_aliases, organization_search_text

from . import formats
from .columns import CellError, is_blank
from .formats import FileRefused, Row
from .kinds import ImportContext, Kind

PARALLEL_MIN_ROWS = 20_000
BATCH_ROWS = 1_000  # rows a batch from the checking process: small enough to keep both processes busy
BATCHES_AHEAD = 32  # how far a checking process may run ahead of the writes (bounds its memory)
CHECKERS = 1  # checking processes; each reads the whole file and checks every CHECKERS-th batch
_END = "end"


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, refusing the first one that is not UTF-8 with its line number."""
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(formats._BOM)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise formats.not_utf8(raw[error.start], number) from error


class CsvStream:
    """A CSV file read row by row, with the normal reader's checks (formats._read_csv): content sniffing,
    encoding, headings, the delimiter of the first line, blank rows skipped, too many cells a row problem."""

    def __init__(self, stream: IO[bytes], file_name: str):
        head = stream.read(65536)
        stream.seek(0)
        found = formats._sniff(head)
        if found != "csv":
            raise FileRefused(
                _("“%(name)s” is called .%(expected)s but its content is %(found)s. Save it again as .%(expected)s.")
                % {"name": Path(file_name).name, "expected": "csv", "found": formats._DESCRIPTIONS[found]}
            )
        first_line = head.removeprefix(formats._BOM).split(b"\n", 1)[0].decode("utf-8", "replace")
        delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
        self._reader = csv.reader(_decoded_lines(stream), delimiter=delimiter)
        self._next_line = 1
        self.table = None
        try:
            for record in self._reader:
                line, self._next_line = self._next_line, self._reader.line_num + 1
                self.table = formats._headings(record, file_name, "csv", line)
                break
        except csv.Error as error:
            raise FileRefused(_("The CSV cannot be read: %(error)s.") % {"error": error}, line=1) from error
        if self.table is None:
            raise FileRefused(_("The file is empty."))

    def __iter__(self) -> Iterator[Row]:
        headings = self.table.headings
        reader = self._reader
        unquote = formats._unquote_formula
        try:
            for record in reader:
                line, self._next_line = self._next_line, reader.line_num + 1
                if not "".join(record).strip():
                    continue
                cells = dict(zip(headings, map(unquote, record), strict=False))
                problem = ""
                if len(record) > len(headings) and any(cell.strip() for cell in record[len(headings) :]):
                    problem = _("This row has %(cells)s cells but there are only %(headings)s column headings.") % {
                        "cells": len(record),
                        "headings": len(headings),
                    }
                yield Row(line, cells, problem)
        except csv.Error as error:
            raise FileRefused(
                _("The CSV cannot be read: %(error)s.") % {"error": error}, line=self._next_line
            ) from error


@dataclass(slots=True)
class CheckedRow:
    """One row after its own checks. `problems` lists (column, message); `values` (what the writing process
    checks against the directory and other rows) is None when the row could not be read far enough to have a
    name, and `table_row` is empty when it has problems."""

    line: int
    problems: list[tuple[str, str]]
    values: dict[str, Any] | None = None  # what the writing process checks: name, aliases, public_id
    table_row: tuple = ()  # the organisation's row as the table takes it, id and parent to fill in
    field_ids: list[int] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, value), unique
    parent_text: str = ""

    def to_wire(self) -> tuple:
        """The row as a plain tuple, which pickle reads back in C: unpickling the dataclasses themselves took
        9 of the writing process's seconds at a million rows."""
        return (
            self.line,
            self.problems,
            self.values,
            self.table_row,
            self.field_ids,
            self.identifiers,
            self.parent_text,
        )


class RowChecks:
    """A row's own checks, as the bulk import makes them (see the module's docstring)."""

    def __init__(self, kind: Kind, ctx: ImportContext, *, table_row: Callable[[dict, str], tuple]):
        self.kind = kind
        self.ctx = ctx
        self.table_row = table_row
        self._columns = kind.columns_by_name()
        self._validated = [Organization._meta.get_field(name) for name in ("website", "founded_year")]

    def load_references(self) -> None:
        """Read every table a row may refer to now, so that checking rows never queries."""
        self.ctx.resolver.load("directory.field", "campuses.campus")

    def __call__(self, row: Row) -> CheckedRow:
        if row.problem:
            return CheckedRow(row.line, [("", row.problem)])
        cells = row.cells
        if not is_blank(cells.get("match")):
            message = _("The bulk import only creates organisations; decide on matches in a normal import.")
            return CheckedRow(row.line, [("match", message)])
        parent_text = cells.pop("parent", None)
        values, problems = self.kind.parse_row(row, self.ctx)
        if problems:
            return CheckedRow(row.line, problems)
        attributes = {}
        for name, value in values.items():
            column = self._columns[name]
            if column.directive or name in ("fields", "identifiers", "parent"):
                continue
            if name == "public_id":
                attributes["public_id"] = value
            elif name == "steward":
                if value is not None:
                    attributes["steward_id"] = value.pk  # an id crosses processes, a Campus would be pickled
            elif not (not isinstance(value, list) and value == column.codec.empty):
                attributes[column.attribute] = value
        try:
            attributes["aliases"] = clean_aliases(
                attributes.get("aliases", []), name=attributes["name"], name_zh=attributes.get("name_zh", "")
            )
        except ValidationError as error:
            return CheckedRow(row.line, [("aliases", message) for message in error.messages])
        for model_field in self._validated:
            if model_field.attname in attributes:
                try:
                    model_field.run_validators(attributes[model_field.attname])
                except ValidationError as error:
                    problems += [(model_field.attname, message) for message in error.messages]
        identifiers = list(dict.fromkeys((item["scheme"], item["value"]) for item in values.get("identifiers", [])))
        search_text = organization_search_text(
            _Names(
                attributes["name"], attributes.get("name_zh", ""), attributes["aliases"], attributes.get("city", "")
            ),
            identifiers=[value for _scheme, value in sorted(identifiers)],
        )
        checked = {"name": attributes["name"], "aliases": attributes["aliases"]}
        if attributes.get("public_id"):
            checked["public_id"] = attributes["public_id"]
        return CheckedRow(
            row.line,
            problems,
            checked,
            () if problems else self.table_row(attributes, search_text),
            list(dict.fromkeys(f.pk for f in values.get("fields", []))),
            identifiers,
            (parent_text or "").strip(),
        )


@dataclass(slots=True)
class _Names:
    """What `organization_search_text` reads of an organisation."""

    name: str
    name_zh: str
    aliases: list[str]
    city: str


# --- checking in a second process --------------------------------------------------------------------------


class CheckingStopped(Exception):
    """A checking process failed or died: the import cannot go on (and writes nothing)."""

    def __init__(self, reason: str, *, details: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.details = details  # the child's traceback, for the log


def can_fork() -> bool:
    """Whether checking may go to forked processes: a system with fork, a second core, and no other thread in
    this one (a fork copies only the calling thread: a lock another thread held, the import system's or
    logging's, would stay held in the child forever). The import command and a worker qualify; a threaded web
    server running an import inline checks its rows itself."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


def checked_batches(
    rows: Iterable[Row], check: RowChecks, *, expected_rows: int, reopen: Callable[[], Iterable[Row]]
) -> Iterator[list[CheckedRow]]:
    """The file's rows checked, in batches in file order: here, or in forked processes for a large file, each
    reading the file for itself from the start (`reopen`)."""
    if expected_rows < PARALLEL_MIN_ROWS or not can_fork():
        yield from _checked_in_turn(rows, check, number=0, count=1)
        return
    check.load_references()
    checkers: list[_Checker] = []
    try:
        for number in range(CHECKERS):
            checkers.append(_Checker(reopen, check, number, CHECKERS))
        for checker in checkers:  # every process forked before the first thread starts (see `can_fork`)
            checker.listen()
        for turn in itertools.count():
            message = checkers[turn % CHECKERS].next_message()
            if isinstance(message, list):
                yield [CheckedRow(*row) for row in message]
            elif message[0] == _END:
                return
            elif message[0] == "refused":
                raise FileRefused(message[1], line=message[2])
            elif message[0] == "cell":
                raise CellError(message[1])
            else:
                raise CheckingStopped(_("a process checking them failed (the log has the details)"), details=message[1])
    finally:
        for checker in checkers:
            checker.stop()


class _Checker:
    """One forked process checking every `count`-th batch of rows (from `number`), and the thread that takes its
    batches off the pipe as they come (while this process writes), so that it is never held up by a full pipe;
    the queue bounds how far it runs ahead. Unpickling stays in the caller, out of the thread."""

    def __init__(self, reopen: Callable[[], Iterable[Row]], check: RowChecks, number: int, count: int):
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_check_in_child, args=(reopen, check, sending, number, count), daemon=True
        )
        self.process.start()
        sending.close()  # the child's end: with it closed here, the pipe reports the child's exit as end of file
        self.received: queue.Queue[bytes | None] = queue.Queue(maxsize=BATCHES_AHEAD)
        self.thread = threading.Thread(target=self._receive, name=f"bulk-checker-{number}", daemon=True)

    def listen(self) -> None:
        self.thread.start()

    def _receive(self) -> None:
        try:
            while True:
                self.received.put(self.receiving.recv_bytes())
        except (EOFError, OSError):
            self.received.put(None)

    def next_message(self):
        data = self.received.get()
        if data is None:
            self.process.join()
            code = self.process.exitcode
            if code is not None and code < 0:
                reason = _(
                    "the process checking them was stopped by signal %(signal)s (the system may have run short of "
                    "memory)"
                ) % {"signal": -code}
            else:
                reason = _("the process checking them ended with exit code %(code)s") % {"code": code}
            raise CheckingStopped(reason)
        return pickle.loads(data)  # noqa: S301 - from our own child process

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()  # the file is read (its end is not waited for), or the import stopped early
        self.process.join()
        # The receiving thread ends at the pipe's end of file (the process is gone), once it can put what it
        # holds: take what is queued until it has ended.
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.received.get(timeout=0.1)
        self.receiving.close()


def own_copy(stream: IO[bytes]) -> IO[bytes]:
    """The stream as a forked process reads it, from its start and apart from the others: a file through
    `os.pread` on its descriptor (forked processes share the descriptor's offset, so reading would take lines
    from each other), an in-memory stream as it is (each process has its own copy)."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        stream.seek(0)
        return stream
    return io.BufferedReader(_PositionedFile(descriptor), buffer_size=1 << 20)


class _PositionedFile(io.RawIOBase):
    """A file descriptor read with pread at a position of its own."""

    def __init__(self, descriptor: int):
        self.descriptor = descriptor
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        start = {io.SEEK_SET: 0, io.SEEK_CUR: self.position}.get(whence)
        if start is None:
            start = os.fstat(self.descriptor).st_size
        self.position = start + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        data = os.pread(self.descriptor, len(buffer), self.position)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def _no_queries(execute, sql, params, many, context):
    raise RuntimeError("The bulk import's checking process must not query the database: " + sql[:200])


def _checked_in_turn(rows: Iterable[Row], check: RowChecks, *, number: int, count: int) -> Iterator[list[CheckedRow]]:
    """Every row read; those of every `count`-th batch of BATCH_ROWS (from `number`) checked, batch by batch."""
    batch = []
    for index, row in enumerate(rows):
        if (index // BATCH_ROWS) % count == number:
            batch.append(check(row))
            if index % BATCH_ROWS == BATCH_ROWS - 1:
                yield batch
                batch = []
    if batch:
        yield batch


def _check_in_child(reopen: Callable[[], Iterable[Row]], check: RowChecks, sending, number: int, count: int) -> None:
    """A forked process: read every row, check those of its batches (every `count`-th, from `number`) and send
    them; then an end, or what stopped it. It never uses the database connection it inherited (a query
    raises), and it ends with os._exit (multiprocessing's own), so that connection is not closed from here."""
    connection.execute_wrappers.append(_no_queries)
    try:
        for batch in _checked_in_turn(reopen(), check, number=number, count=count):
            sending.send([row.to_wire() for row in batch])
        sending.send((_END,))
    except FileRefused as refusal:
        sending.send(("refused", refusal.message, refusal.line))
    except CellError as error:
        sending.send(("cell", error.message))
    except BaseException:  # noqa: BLE001 - whatever it is, the writing process must hear of it
        sending.send(("crash", traceback.format_exc()))
    sending.close()
