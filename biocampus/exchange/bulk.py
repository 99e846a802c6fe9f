"""Importing a large CSV of new organisations in bulk: a million rows in about a minute, with the guarantees
of the normal import.

The normal importer writes row by row through the services (about 70 rows a second: `full_clean`, one history
row and one event per organisation). This path reads the file as a stream (checking each row's cells in
a second process above 20,000 rows: `bulk_rows`), writes chunks of rows with `executemany` (COPY on
PostgreSQL), and keeps what matters of the services:

- every row is read by the same column codecs as the normal import (`kind.parse_row`: the same rules and the
  same messages), and checked by the model fields' own validators (a website is a URL, a founding year lies
  between 1600 and 2100) and the service's alias cleaning and default steward;
- the whole file is one transaction: on any bad row nothing is written, and the report lists the first
  problems (at most `MAX_PROBLEMS`) with their line numbers;
- every organisation gets its history entry ("created", with its fields and attributed to the importing user),
  its identifiers (with theirs), its folded `search_text`, and the one Provenance(method=import) of the file;
- duplicates: the bulk path creates organisations, it never updates one. A row whose name is already an
  organisation's name or alias (in the directory, or on an earlier line), whose public id is taken, or whose
  identifier another organisation has, is refused with the line it collides with; import such rows with the
  normal import, which updates. Probable (fuzzy) duplicates are not looked for: at this size the normal
  importer's one-by-one search would take hours; the Probable duplicates page finds them afterwards.
- `parent` may name an organisation already in the directory or on an earlier line (exact name or public id);
  `match` (a per-row decision) belongs to the normal import and is refused here.

Not done per row: domain events (`organization.created` for each of a million rows would flood the webhooks).
"""

from __future__ import annotations

import bisect
import functools
import io
import itertools
import json
import logging
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from biocampus.accounts.permissions import ADD, require
from biocampus.core.choices import ProvenanceMethod
from biocampus.core.services import provenance_create
from biocampus.directory.models import Organization, OrganizationIdentifier
from biocampus.directory.services import default_steward

from . import formats
from .bulk_rows import CheckedRow, CheckingStopped, CsvStream, RowChecks, checked_batches, own_copy
from .columns import CellError
from .formats import FileRefused, Row, Table
from .kinds import ImportContext, Kind
from .references import Resolver, split_public_id
from .report import Outcome, Problem, Report

CHUNK_ROWS = 10_000
# A SQLite import of at least this many rows, and of as many rows as the directory has, builds its scattered
# indexes once at the end instead of row by row (`BulkImport._set_aside_indexes`).
REINDEX_MIN_ROWS = 50_000
REINDEX_MIN_SHARE = 1.0  # the file's rows for each organisation in the directory
KEPT_INDEXES = frozenset({"org_name_idx"})
APPENDED_COLUMNS = frozenset(
    {"id", "history_id", "history_date", "history_user_id", "provenance_id", "steward_id", "parent_id"}
)
MAX_PROBLEMS = 100
# The stage after the last row (see Progress), named for whoever shows it, in their language.
FINISHING = "finishing"
STAGE_LABELS = {FINISHING: gettext_lazy("checking the names and building the indexes")}
SQLITE_CACHE_KIB = 65536  # 64 MB of page cache for this connection while the import runs

# progress(done, total) after each chunk of rows; progress(done, total, stage) once the rows are read and
# the import still works on them as a whole (a million rows: about 10 s of names checked and indexes built),
# so that a bar standing full says what it waits for (stage: a key of STAGE_LABELS).
Progress = Callable[..., None]
logger = logging.getLogger(__name__)


def threshold() -> int:
    """Above this many rows an organisations CSV goes the bulk way by itself (the normal import's own limit)."""
    default = int(getattr(settings, "BIOCAMPUS_IMPORT_MAX_ROWS", formats.DEFAULT_MAX_ROWS))
    return int(getattr(settings, "BIOCAMPUS_BULK_IMPORT_ROWS", default))


def applies(kind: Kind, file_name: str) -> bool:
    """Whether the bulk path can take this file at all: organisations, as CSV."""
    return kind.name == "organizations" and Path(file_name).suffix.lower() == ".csv"


def count_lines(stream: IO[bytes]) -> int:
    """Lines of a file after the headings: the rows, give or take multi-line cells (for the progress bar)."""
    start = stream.tell()
    lines, last = 0, b"\n"
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
        last = block[-1:]
    stream.seek(start)
    return max(0, lines + (last != b"\n") - 1)


def wants_bulk(kind: Kind, file_name: str, stream: IO[bytes], bulk: bool | None) -> bool:
    """`bulk` True or False is the user's choice; None: automatic, above `threshold()` rows."""
    if bulk is not None:
        return bulk
    return applies(kind, file_name) and count_lines(stream) > threshold()


# --- writing ---------------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class TableWriter:
    """Rows of one table as tuples, written with executemany (COPY on PostgreSQL)."""

    def __init__(self, table: str, columns: list[str]):
        self.table = table
        self.columns = columns
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the models, values are params
            _quote(table), ", ".join(_quote(c) for c in columns), ", ".join(["%s"] * len(columns))
        )

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy_sql = "COPY {} ({}) FROM STDIN".format(
                    _quote(self.table), ", ".join(_quote(c) for c in self.columns)
                )
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)


def _reserve_ids(model, count: int, *, next_id: list[int]) -> list[int] | range:
    """Primary keys for `count` rows of `model`. SQLite: the import holds the write lock (its provenance row
    is written first), so nobody else takes keys meanwhile; PostgreSQL: from the table's sequence."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not next_id:
            cursor.execute(f"SELECT COALESCE(MAX({_quote(pk)}), 0) + 1 FROM {_quote(table)}")  # noqa: S608
            next_id.append(cursor.fetchone()[0])
        first = next_id[0]
        next_id[0] += count
        return range(first, first + count)


def _history_copy_sql(model, history_model) -> str:
    """INSERT … SELECT of the "+" (created) history rows of `model`'s rows with ids between two parameters;
    parameters: the history id offset, the history date, the user; then the first and last id."""
    columns = [_quote(f.column) for f in history_model._meta.concrete_fields if not f.attname.startswith("history_")]
    history = ["history_id", "history_date", "history_change_reason", "history_type", "history_user_id"]
    target, source = _quote(history_model._meta.db_table), _quote(model._meta.db_table)
    columns, history = ", ".join(columns), ", ".join(_quote(c) for c in history)
    return (
        f"INSERT INTO {target} ({columns}, {history}) "  # noqa: S608 - the models' own tables and columns
        f"SELECT {columns}, id + %s, %s, NULL, '+', %s FROM {source} WHERE id BETWEEN %s AND %s"
    )


def _history_model_of(model, m2m_name: str = ""):
    history = model.history.model
    if not m2m_name:
        return history
    return next(
        rel.related_model
        for rel in history._meta.related_objects
        if rel.related_model.__name__ == f"{history.__name__}_{m2m_name}"
    )


@dataclass
class BulkState:
    """What the import remembers across chunks: bounded by the aliases and identifiers of the file, never by
    its rows (names are checked in the database, see `_name_collisions`)."""

    aliases: dict[str, int] = field(default_factory=dict)  # alias -> line (0: an organisation in the directory)
    # The new organisations' ids, in the order written (increasing), and their lines: 16 bytes a row as arrays.
    ids: array = field(default_factory=lambda: array("q"))
    lines: array = field(default_factory=lambda: array("q"))


class BulkImport:
    def __init__(self, kind: Kind, *, actor, file_name: str, dry_run: bool):
        self.kind = kind
        self.actor = actor
        self.file_name = file_name
        self.dry_run = dry_run
        self.resolver = Resolver(actor)
        self.ctx = ImportContext(actor=actor, file_name=file_name, resolver=self.resolver)
        self.problems: list[Problem] = []
        self.state = BulkState()
        self._next_ids: dict[str, list[int]] = {}

    def import_rows(
        self, rows: Iterable[Row], *, expected_rows: int, progress: Progress | None, reopen: Callable
    ) -> tuple[int, bool]:
        """Check and write every row, in chunks; then what needs them all. Returns the rows read and whether the
        import stopped early (at MAX_PROBLEMS problems)."""
        done, stopped = 0, False
        chunk: list[CheckedRow] = []
        check = RowChecks(self.kind, self.ctx, table_row=self.organization_rows.template)
        reading = checked_batches(rows, check, expected_rows=expected_rows, reopen=reopen)
        with closing(reading) as batches:  # closing stops the checking process if the loop stops early
            for checked in itertools.chain.from_iterable(batches):
                done += 1
                accepted = self.accept(checked)
                if accepted is not None:
                    # Valid rows are written even after a bad one (the transaction is rolled back in the end):
                    # the rows after it are checked against them too, and the report lists every problem.
                    chunk.append(accepted)
                stopped = len(self.problems) >= MAX_PROBLEMS
                if len(chunk) >= CHUNK_ROWS or stopped:
                    self.write(chunk)
                    chunk = []
                    if progress is not None:
                        progress(done, max(expected_rows, done))
                if stopped:
                    return done, stopped
        self.write(chunk)
        if progress is not None:
            progress(done, max(expected_rows, done), FINISHING)
        self.name_collisions()
        if not self.problems and not self.dry_run:
            self.restore_indexes()
            self.restore_search_trigger()
        return done, stopped

    # -- taking a checked row

    def accept(self, row: CheckedRow) -> CheckedRow | None:
        """The row, if it is fine with its own checks and against the names of the directory and of the earlier
        lines; else None, its problems recorded."""
        if row.values is None:
            return self._refuse(row.line, row.problems)
        problems = row.problems + self._name_problems(row.values)
        if problems:
            return self._refuse(row.line, problems)
        for alias in row.values["aliases"]:
            self.state.aliases.setdefault(alias, row.line)
        return row

    def _name_problems(self, attributes: dict) -> list[tuple[str, str]]:
        line = self.state.aliases.get(attributes["name"])
        if line is None:
            return []
        if line == 0:
            message = _("“%(name)s” is another name of an organisation in the directory.")
        else:
            message = _("“%(name)s” is another name of the organisation on line %(line)s.")
        message %= {"name": attributes["name"], "line": line}
        return [("name", message + " " + _(UPDATE_HINT))]

    def _refuse(self, line: int, problems: Iterable[tuple[str, str]]) -> None:
        self.problems += [Problem(line, column, message) for column, message in problems]
        return None

    # -- writing a chunk

    def start(self, *, expected_rows: int = 0) -> None:
        require(self.actor, ADD, Organization)
        # The provenance row is the first write: on SQLite it takes the write lock before ids are reserved.
        self.provenance = provenance_create(
            actor=self.actor, method=ProvenanceMethod.IMPORT, file_name=self.file_name[-255:]
        )
        self.now = timezone.now()
        self.user_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        self.default_steward = default_steward(self.actor)
        for aliases in Organization.objects.exclude(aliases=[]).values_list("aliases", flat=True).iterator():
            for alias in aliases or ():
                self.state.aliases.setdefault(alias, 0)
        self._writers()
        self._pause_search_trigger()
        self._set_aside_indexes(expected_rows)

    def _writers(self) -> None:
        history = _history_model_of(Organization)
        self.org_fields = list(Organization._meta.concrete_fields)
        self.history_fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
        self.org_writer = TableWriter(Organization._meta.db_table, [f.column for f in self.org_fields])
        self.history_writer = TableWriter(
            history._meta.db_table, [f.column for f in self.history_fields] + ["history_id"]
        )
        through = Organization.fields.through
        self.link_writer = TableWriter(through._meta.db_table, ["id", "organization_id", "field_id"])
        m2m_history = _history_model_of(Organization, "fields")
        self.link_history_writer = TableWriter(
            m2m_history._meta.db_table, ["id", "organization_id", "field_id", "history_id"]
        )
        identifier_history = _history_model_of(OrganizationIdentifier)
        self.identifier_fields = list(OrganizationIdentifier._meta.concrete_fields)
        self.identifier_writer = TableWriter(
            OrganizationIdentifier._meta.db_table, [f.column for f in self.identifier_fields]
        )
        self.identifier_history_fields = [
            f for f in identifier_history._meta.concrete_fields if f.attname != "history_id"
        ]
        self.identifier_history_writer = TableWriter(
            identifier_history._meta.db_table, [f.column for f in self.identifier_history_fields] + ["history_id"]
        )
        self.history_tables = (history, m2m_history, identifier_history)
        # SQLite: the import reserves contiguous ids, so the history is copied from the rows just written in SQL
        # (a row's history id is its id plus an offset): at a million rows, the history of the organisations,
        # their fields and identifiers in 4 s instead of 17 s of binding every value again. PostgreSQL takes ids from sequences (not contiguous) and COPYs the tuples.
        self.history_in_sql = connection.vendor == "sqlite"
        self.org_history_sql = _history_copy_sql(Organization, history)
        self.identifier_history_sql = _history_copy_sql(OrganizationIdentifier, identifier_history)
        link_history, links = _quote(m2m_history._meta.db_table), _quote(through._meta.db_table)
        self.link_history_sql = (
            f"INSERT INTO {link_history} (id, organization_id, field_id, history_id) "  # noqa: S608 - our tables
            f"SELECT id, organization_id, field_id, organization_id + %s FROM {links} WHERE id BETWEEN %s AND %s"
        )
        prep = _Prep()
        self.prep = prep
        self.now_db = prep.datetime(self.now)
        history_constants = {
            "history_date": self.now_db,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": self.user_id,
        }
        self.organization_rows = OrganizationRows(
            org_fields=self.org_fields,
            history_fields=self.history_fields,
            prep=prep,
            constants={"created_at": self.now_db, "updated_at": self.now_db, "provenance_id": self.provenance.pk},
            history_constants=history_constants,
            default_steward_id=self.default_steward.pk if self.default_steward else None,
        )

    def _ids(self, model, count: int):
        return _reserve_ids(model, count, next_id=self._next_ids.setdefault(model._meta.db_table, []))

    def write(self, rows: list[CheckedRow]) -> None:
        """Write a chunk of valid rows: organisations, their history, fields, identifiers (and theirs)."""
        if not rows:
            return
        rows = self._resolve_parents(rows)
        if rows is None:
            return
        refused = self._check_keys(rows)
        rows = [row for row in rows if row.line not in refused]
        if not rows:
            return
        ids = self._ids(Organization, len(rows))
        history_ids = self._ids(self.history_tables[0], len(rows))
        shape = self.organization_rows
        org_tuples, links, identifiers = [], [], []
        for row, pk, history_id in zip(rows, ids, history_ids, strict=True):
            org_tuples.append(shape.complete(row.table_row, pk, row.values.get("parent_id")))
            links += [(pk, history_id, field_id) for field_id in row.field_ids]
            identifiers += [(pk, scheme, value) for scheme, value in row.identifiers]
            self.state.ids.append(pk)
            self.state.lines.append(row.line)
        self.org_writer.write(org_tuples)
        self._index_for_search(ids)
        if self.history_in_sql:
            self._copy_history(self.org_history_sql, ids, history_ids)
        else:
            self.history_writer.write([shape.history(*pair) for pair in zip(org_tuples, history_ids, strict=True)])
        self._write_links(links, history_offset=history_ids[0] - ids[0])
        self._write_identifiers(identifiers)

    def _copy_history(self, sql: str, ids: range, history_ids: range) -> None:
        """SQLite: the history rows of the rows `ids` just written, with `history_ids` (both contiguous)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, [history_ids[0] - ids[0], self.now_db, self.user_id, ids[0], ids[-1]])

    def _write_links(self, links: list[tuple[int, int, int]], *, history_offset: int) -> None:
        link_ids = self._ids(Organization.fields.through, len(links))
        self.link_writer.write([(lid, org, fid) for lid, (org, _h, fid) in zip(link_ids, links, strict=True)])
        if not links:
            return
        if self.history_in_sql:  # a link's history row belongs to its organisation's: the same offset
            with connection.cursor() as cursor:
                cursor.execute(self.link_history_sql, [history_offset, link_ids[0], link_ids[-1]])
            return
        self.link_history_writer.write(
            [(lid, org, fid, hid) for lid, (org, hid, fid) in zip(link_ids, links, strict=True)]
        )

    def _write_identifiers(self, identifiers: list[tuple[int, str, str]]) -> None:
        ids = self._ids(OrganizationIdentifier, len(identifiers))
        history_ids = self._ids(self.history_tables[2], len(identifiers))
        rows, history_rows = [], []
        for pk, history_id, (organization_id, scheme, value) in zip(ids, history_ids, identifiers, strict=True):
            record = {
                "id": pk,
                "public_id": self.prep.uuid(uuid.uuid4()),
                "created_at": self.now_db,
                "updated_at": self.now_db,
                "provenance_id": self.provenance.pk,
                "organization_id": organization_id,
                "scheme": scheme,
                "value": value,
                "history_date": self.now_db,
                "history_change_reason": None,
                "history_type": "+",
                "history_user_id": self.user_id,
            }
            rows.append(tuple(record[f.attname] for f in self.identifier_fields))
            if not self.history_in_sql:
                history_rows.append(tuple(record[f.attname] for f in self.identifier_history_fields) + (history_id,))
        self.identifier_writer.write(rows)
        if not rows:
            return
        if self.history_in_sql:
            self._copy_history(self.identifier_history_sql, ids, history_ids)
        else:
            self.identifier_history_writer.write(history_rows)

    # -- what needs the database: public ids, identifiers, parents, names

    def _check_keys(self, rows: list[CheckedRow]) -> set[int]:
        """Public ids and identifiers are unique: against the directory (and earlier chunks, already written)
        and within the chunk. Both have unique indexes, so these lookups are cheap."""
        seen_ids: dict[str, int] = {}
        seen_identifiers: dict[tuple[str, str], int] = {}
        already = len(self.problems)
        for row in rows:
            public_id = row.values.get("public_id")
            if public_id:
                key = str(public_id)
                if key in seen_ids:
                    self._refuse(
                        row.line,
                        [("public_id", _("The same public id is on line %(line)s.") % {"line": seen_ids[key]})],
                    )
                seen_ids.setdefault(key, row.line)
            for pair in row.identifiers:
                if pair in seen_identifiers:
                    message = _("Line %(line)s has the same identifier.") % {"line": seen_identifiers[pair]}
                    self._refuse(row.line, [("identifiers", message)])
                seen_identifiers.setdefault(pair, row.line)
        if seen_ids:
            org = _quote(Organization._meta.db_table)
            sql = f"SELECT public_id, id FROM {org} WHERE public_id IN ({{}})"  # noqa: S608 - a model's table
            for public_id, pk in _select_in(sql, [self.prep.uuid(uuid.UUID(key)) for key in seen_ids]):
                key = str(public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(public_id))
                message = _("This public id is taken by %(where)s.") % {"where": self._where(pk)}
                self._refuse(seen_ids[key], [("public_id", message + " " + _(UPDATE_HINT))])
        if seen_identifiers:
            table = _quote(OrganizationIdentifier._meta.db_table)
            # Scheme first: the unique (scheme, value) index answers each lookup (`value IN` alone read the whole
            # table once a batch: 17 of a million-row import's seconds).
            sql = f"SELECT scheme, value, organization_id FROM {table} WHERE scheme = %s AND value IN ({{}})"  # noqa: S608
            values_by_scheme: dict[str, list[str]] = {}
            for scheme, value in seen_identifiers:
                values_by_scheme.setdefault(scheme, []).append(value)
            found = (
                hit for scheme, values in values_by_scheme.items() for hit in _select_in(sql, values, prefix=[scheme])
            )
            for scheme, value, organization_id in found:
                if (scheme, value) in seen_identifiers:
                    message = _("Another organisation already has this identifier (%(where)s).") % {
                        "where": self._where(organization_id)
                    }
                    self._refuse(seen_identifiers[(scheme, value)], [("identifiers", message)])
        return {problem.line for problem in self.problems[already:]}

    def _where(self, organization_id: int) -> str:
        line = self._line_of(organization_id)
        if line:
            return _("the organisation on line %(line)s") % {"line": line}
        name = Organization.objects.filter(pk=organization_id).values_list("name", flat=True).first()
        return _("“%(name)s” in the directory") % {"name": name}

    def _line_of(self, organization_id: int) -> int | None:
        ids = self.state.ids
        if ids and ids[0] <= organization_id and organization_id - ids[0] < len(ids):
            index = organization_id - ids[0]
            if ids[index] == organization_id:
                return self.state.lines[index]
        # PostgreSQL ids from a sequence shared with other writers need not be contiguous
        index = bisect.bisect_left(ids, organization_id)
        if index < len(ids) and ids[index] == organization_id:
            return self.state.lines[index]
        return None

    def _resolve_parents(self, rows: list[CheckedRow]) -> list[CheckedRow] | None:
        """`parent` names an organisation in the directory or on an earlier line: by public id or exact name."""
        wanted = [row for row in rows if row.parent_text]
        if not wanted:
            return rows
        names, public_ids = set(), set()
        for row in wanted:
            name, public_id = split_public_id(row.parent_text)
            if public_id:
                public_ids.add(public_id)
            else:
                names.add(name)
        found_by_id = dict(
            _in_batches(Organization.objects.values_list("public_id", "id"), "public_id__in", list(public_ids))
        )
        found_by_name: dict[str, list[int]] = {}
        for name, pk in _in_batches(Organization.objects.values_list("name", "id"), "name__in", list(names)):
            found_by_name.setdefault(name, []).append(pk)
        position = {}
        for index, row in enumerate(rows):
            position.setdefault(row.values["name"], index)
            if row.values.get("public_id"):
                position.setdefault(str(row.values["public_id"]), index)
        for index, row in enumerate(rows):
            if not row.parent_text:
                continue
            name, public_id = split_public_id(row.parent_text)
            key = str(public_id) if public_id else name
            earlier = position.get(key)
            if earlier is not None and earlier < index:
                row.values["parent_of_chunk"] = earlier
                continue
            candidates = [found_by_id[public_id]] if public_id in found_by_id else found_by_name.get(name, [])
            if len(candidates) == 1:
                row.values["parent_id"] = candidates[0]
                row.parent_text = ""  # resolved: not looked up again if the chunk is written in two rounds
            elif candidates:
                self._refuse(
                    row.line,
                    [
                        (
                            "parent",
                            _("Several organisations are called “%(name)s”: write “%(name)s [public id]” to say which.")
                            % {"name": name},
                        )
                    ],
                )
            else:
                message = _("No organisation called “%(name)s” in the directory or on an earlier line.") % {
                    "name": row.parent_text
                }
                self._refuse(row.line, [("parent", message)])
        rows = [
            row for row in rows if not row.parent_text or "parent_id" in row.values or "parent_of_chunk" in row.values
        ]
        # A parent on an earlier line of the same chunk: written first, then its units.
        later = [row for row in rows if "parent_of_chunk" in row.values]
        if not later:
            return rows
        first = [row for row in rows if "parent_of_chunk" not in row.values]
        written_before = len(self.state.ids)
        self.write(first)
        written = dict(zip(self.state.lines[written_before:], self.state.ids[written_before:], strict=True))
        in_first = {row.line for row in first}
        units = []
        for row in later:
            parent_row = rows[row.values.pop("parent_of_chunk")]
            if parent_row.line in written:
                row.values["parent_id"] = written[parent_row.line]
                row.parent_text = ""
            elif parent_row.line in in_first:
                continue  # the parent was refused (its problem is reported): nothing to hang the unit on
            else:  # a unit of a unit: resolved again in the next round
                row.parent_text = str(parent_row.values.get("public_id") or "") or parent_row.values["name"]
            units.append(row)
        self.write(units)
        return None

    def _pause_search_trigger(self) -> None:
        """SQLite: the directory's FTS5 index is kept by a trigger (directory/search.py) that indexes one row per
        INSERT, four times slower than the insert itself. Inside this transaction the trigger is dropped and the
        new rows are indexed in one statement a chunk (`_index_for_search`), then the trigger is put back as it
        was (`restore_search_trigger`); a rolled-back import rolls all three back. Other connections cannot write meanwhile (the
        import holds the write lock), so no row of theirs goes unindexed."""
        self.search_trigger = None
        if connection.vendor != "sqlite":
            return  # PostgreSQL's GIN trigram index is part of the table: COPY keeps it
        from biocampus.directory import search

        fts_table = getattr(search, "FTS_TABLE", None)
        if not fts_table:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{fts_table}_ai"]
            )
            found = cursor.fetchone()
            if found:
                self.search_trigger = (fts_table, found[0], found[1])
                cursor.execute(f"DROP TRIGGER {_quote(found[0])}")

    def _index_for_search(self, ids: range) -> None:
        """Index rows just written for directory search (SQLite, while the trigger is set aside): one statement a
        chunk, so that the writing process does it while the checking one reads the next rows."""
        if self.search_trigger is None:
            return
        fts_table = _quote(self.search_trigger[0])
        org = _quote(Organization._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {fts_table}(rowid, search_text) "  # noqa: S608 - our own tables
                f"SELECT id, search_text FROM {org} WHERE id BETWEEN %s AND %s",
                [ids[0], ids[-1]],
            )

    def restore_search_trigger(self) -> None:
        """Put the search trigger back, every new row being indexed."""
        if self.search_trigger is None:
            return
        with connection.cursor() as cursor:
            cursor.execute(self.search_trigger[2])
        self.search_trigger = None

    def _set_aside_indexes(self, expected_rows: int) -> None:
        """SQLite, a large import into a smaller directory: drop the indexes whose keys the new rows scatter over
        the whole B-tree (kind, country and name; lower(name); the Chinese name; the history's public ids) and
        build them again at the end (`restore_indexes`), one sort each. At a million rows with a 64 MB cache,
        keeping them row by row took 57 of the organisations' insert seconds against 14 without them and 10 to
        build them again. Kept: the unique indexes (they are the constraints), the (name, id) index the import
        reads itself (parents by name, `name_collisions`), and indexes of keys the import writes in increasing
        or constant order (ids, provenance, date, user), which it only appends to.
        Inside the import's transaction, so a rolled-back import has them back; readers keep their snapshot
        (WAL), which has them. Not on PostgreSQL: there DROP INDEX would lock the table for readers until the
        import commits."""
        self.set_aside: list[str] = []
        if connection.vendor != "sqlite" or expected_rows < REINDEX_MIN_ROWS:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(Organization._meta.db_table)}")  # noqa: S608
            if expected_rows < cursor.fetchone()[0] * REINDEX_MIN_SHARE:
                return  # rebuilding would sort the whole directory for a smaller import
            tables = [Organization._meta.db_table, self.history_tables[0]._meta.db_table]
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN (%s, %s) ORDER BY name",
                tables,
            )
            for name, sql in cursor.fetchall():
                if name in KEPT_INDEXES:
                    continue
                cursor.execute("SELECT name FROM pragma_index_info(%s)", [name])
                columns = [column for (column,) in cursor.fetchall()]  # an expression's column is NULL
                if columns and all(column in APPENDED_COLUMNS for column in columns):
                    continue
                cursor.execute(f"DROP INDEX {_quote(name)}")
                self.set_aside.append(sql)

    def restore_indexes(self, progress: Progress | None = None) -> None:
        """Build the indexes set aside at the start again (one step of the progress bar each)."""
        with connection.cursor() as cursor:
            for done, sql in enumerate(self.set_aside, start=1):
                cursor.execute(sql)
                if progress is not None:
                    progress(done, len(self.set_aside))
        self.set_aside = []

    def name_collisions(self) -> None:
        """Names are the natural key: a new organisation may not take a name already in the directory or on an
        earlier line. Checked once, in the database, when every row is written: remembering a million names in
        this process would take more memory than the import itself."""
        if not self.state.ids:
            return
        table = _quote(Organization._meta.db_table)
        first = self.state.ids[0] if connection.vendor != "postgresql" else min(self.state.ids)
        # One pass in name order (window functions, on both databases): a name shared by a new row and any
        # other row. An IN (... GROUP BY ...) form let PostgreSQL pick a nested loop over a fresh, unanalysed table.
        sql = (
            "SELECT name, id FROM ("  # noqa: S608 - a model's own table
            f"SELECT name, id, COUNT(*) OVER (PARTITION BY name) AS n, MAX(id) OVER (PARTITION BY name) AS last "
            f"FROM {table}) AS named WHERE n > 1 AND last >= %s ORDER BY name, id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [first])
            current, original = None, None
            for name, pk in cursor.fetchall():
                if name != current:
                    current, original = name, pk
                    continue
                line = self._line_of(pk)
                if line is None:
                    continue
                where = self._where(original)
                message = _("“%(name)s” is already the name of %(where)s.") % {"name": name, "where": where}
                self._refuse(line, [("name", message + " " + _(UPDATE_HINT))])
                if len(self.problems) >= MAX_PROBLEMS:
                    break


UPDATE_HINT = gettext_noop("The bulk import only creates organisations: import this row without --bulk to update one.")


def _select_in(sql: str, values: list, size: int = 500, prefix: list | None = None) -> Iterator[tuple]:
    """Rows of `sql` (with one `IN ({})`, after the parameters in `prefix`) for every value, asked in batches of
    `size` parameters."""
    prefix = prefix or []
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(sql.format(", ".join(["%s"] * len(batch))), prefix + batch)
            yield from cursor.fetchall()


def _in_batches(queryset, lookup: str, values: list, size: int = 500) -> Iterator[tuple]:
    for start in range(0, len(values), size):
        yield from queryset.filter(**{lookup: values[start : start + size]})


class _Prep:
    """Python values as the database driver takes them, converted once per type, not field by field."""

    def __init__(self):
        self.native_uuid = connection.features.has_native_uuid_field
        self._json = Organization._meta.get_field("aliases")

    def uuid(self, value: uuid.UUID):
        return value if self.native_uuid else value.hex

    def datetime(self, value):
        return Organization._meta.get_field("created_at").get_db_prep_save(value, connection)

    def json(self, value):
        if connection.vendor == "postgresql":
            return json.dumps(value, ensure_ascii=False)  # COPY takes the text form of jsonb
        return self._json.get_db_prep_save(value, connection)

    def value(self, model_field, value):
        if model_field.attname == "aliases":
            return self.json(value)
        if value is None or isinstance(value, (str, int)):
            return value
        return model_field.get_db_prep_save(value, connection)


class OrganizationRows:
    """An organisation as the table takes it: a tuple in the model's column order. The checking process builds
    it from a row's attributes (`template`, its id and parent left empty); the writing one fills those in
    (`complete`), and derives the history row from it where the history is not copied in SQL (`history`)."""

    COPIED = ("name", "name_zh", "kind", "country", "city", "website", "description", "founded_year", "steward_id")

    def __init__(self, *, org_fields, history_fields, prep, constants, history_constants, default_steward_id):
        self.prep = prep
        self.attnames = [f.attname for f in org_fields]
        self.defaults = {f.attname: prep.value(f, f.get_default()) for f in org_fields if f.attname != "id"}
        self.defaults.update(constants, id=None, parent_id=None, steward_id=default_steward_id)
        self.id_index = self.attnames.index("id")
        self.parent_index = self.attnames.index("parent_id")
        position = {attname: index for index, attname in enumerate(self.attnames)}
        self.history_sources = [(position.get(f.attname), history_constants.get(f.attname)) for f in history_fields]

    def template(self, attributes: dict[str, Any], search_text: str) -> tuple:
        record = dict(self.defaults)
        for attname in self.COPIED:
            if attributes.get(attname) is not None:
                record[attname] = attributes[attname]
        record["public_id"] = self.prep.uuid(attributes.get("public_id") or uuid.uuid4())
        if attributes["aliases"]:
            record["aliases"] = self.prep.json(attributes["aliases"])
        record["search_text"] = search_text
        return tuple(record[attname] for attname in self.attnames)

    def complete(self, template: tuple, pk: int, parent_id: int | None) -> tuple:
        row = list(template)
        row[self.id_index] = pk
        row[self.parent_index] = parent_id
        return tuple(row)

    def history(self, org_row: tuple, history_id: int) -> tuple:
        return (*(org_row[i] if i is not None else value for i, value in self.history_sources), history_id)


# --- the import ------------------------------------------------------------------------------------------


def import_stream(
    kind: Kind,
    stream: IO[bytes],
    file_name: str,
    *,
    actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Import a CSV of new organisations in one transaction; nothing is written unless every row is fine."""
    report = Report(file_name=file_name, kind=kind.name, dry_run=dry_run, bulk=True)
    started = time.monotonic()
    total = count_lines(stream)
    try:
        rows = CsvStream(stream, file_name)
    except FileRefused as refusal:
        return _refused(report, refusal)
    for message in kind.check_headings(Table(file_name, "csv", rows.table.headings, [], rows.table.written_headings)):
        report.refuse(message)
    if report.problems:
        return report
    bulk = BulkImport(kind, actor=actor, file_name=file_name, dry_run=dry_run)
    done, stopped = 0, False
    try:
        with _sqlite_tuning(), transaction.atomic():
            bulk.start(expected_rows=total)
            reopen = functools.partial(_reopen, stream, file_name)
            done, stopped = bulk.import_rows(rows, expected_rows=total, progress=progress, reopen=reopen)
            if progress is not None:
                progress(done, done)
            if bulk.problems or dry_run:
                transaction.set_rollback(True)
    except FileRefused as refusal:
        return _refused(report, refusal)
    except PermissionDenied as error:
        report.refuse(_("Not allowed: %(reason)s") % {"reason": error})
        return report
    except CellError as error:
        report.refuse(error.message)
        return report
    except CheckingStopped as stopped_checking:
        logger.error(
            "bulk import of %s: a checking process stopped: %s\n%s",
            file_name,
            stopped_checking,
            stopped_checking.details,
        )
        report.refuse(
            _("The rows could not be checked: %(reason)s. Nothing was written.") % {"reason": stopped_checking.reason}
        )
        return report
    report.rows = done
    bulk.problems.sort(key=lambda problem: problem.line or 0)
    report.problems = bulk.problems[:MAX_PROBLEMS]
    invalid_lines = {problem.line for problem in report.problems}
    report.counts[Outcome.INVALID] = len(invalid_lines)
    report.counts[Outcome.CREATED] = len(bulk.state.ids) if not bulk.problems else done - len(invalid_lines)
    if stopped:
        report.stopped_at = done
    report.written = not dry_run and not bulk.problems and bool(bulk.state.ids)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _reopen(stream: IO[bytes], file_name: str) -> CsvStream:
    return CsvStream(own_copy(stream), file_name)


def import_path(kind: Kind, path: str | Path, *, actor, dry_run: bool = False, progress: Progress | None = None):
    path = Path(path)
    if not path.is_file():
        report = Report(file_name=path.name, kind=kind.name, dry_run=dry_run, bulk=True)
        report.refuse(_("There is no file at %(path)s.") % {"path": path})
        return report
    with path.open("rb") as stream:
        return import_stream(kind, stream, path.name, actor=actor, dry_run=dry_run, progress=progress)


def import_bytes(kind: Kind, data: bytes, file_name: str, *, actor, dry_run: bool = False, progress=None) -> Report:
    return import_stream(kind, io.BytesIO(data), file_name, actor=actor, dry_run=dry_run, progress=progress)


def _refused(report: Report, refusal: FileRefused) -> Report:
    message = refusal.message
    if refusal.line:
        message += " " + _("(line %(line)s)") % {"line": refusal.line}
    report.refuse(message)
    return report


class _sqlite_tuning:
    """A bigger page cache and in-memory temporary tables for this connection while the import runs.
    Both are safe (no `synchronous=OFF`, no journal change: the user's database stays crash-safe)."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.previous = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                self.temp_store = not connection.in_atomic_block  # SQLite refuses to change it inside one
                if self.temp_store:
                    cursor.execute("PRAGMA temp_store = MEMORY")
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous)}")
                if self.temp_store:
                    cursor.execute("PRAGMA temp_store = DEFAULT")
        return False
