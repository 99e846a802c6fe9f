"""What every kind of import does the same way: read a row, find the record it stands for, compare, write.

A kind declares its columns, its natural key and its create/update services; this class does the rest:

- a row with a `public_id` stands for that record (created with that id if it does not exist yet);
  otherwise the natural key finds it (an organisation's name, a residency's organisation and campus...);
- a row equal to what is stored is left alone (no write, no history); a changed row goes through the
  update service with only the changed fields, so history records a real before -> after;
- a new row goes through the create service with the import's provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from biocampus.core.choices import ProvenanceMethod
from biocampus.core.models import Provenance
from biocampus.core.services import provenance_create

from ..columns import CellError, Column, ListOf, ParseContext, PublicId, Records, is_blank
from ..formats import Row, Table
from ..references import ExportLabels, Resolver, readable
from ..report import Duplicate, Outcome, Problem

IMPORTED_REASON = "imported from %(file)s"


class RowProblems(Exception):
    """A row that cannot be written, with what is wrong in which column."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class ImportContext:
    """One import: who runs it, from which file, with which decisions."""

    actor: Any
    file_name: str
    resolver: Resolver
    default_campus: Any = None
    create_new: bool = False  # create rows that are probably existing organisations anyway
    decisions: dict[int, str] = field(default_factory=dict)  # line -> "new" or an organisation's public id
    restore: bool = False  # import-all: keep the provenance the export recorded
    _provenance: Provenance | None = None
    _restored: dict[tuple, Provenance] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return IMPORTED_REASON % {"file": self.file_name}

    def provenance_for(self, values: dict) -> Provenance:
        """Imported records share one Provenance(method=import) naming the file, made at the first create."""
        given = values.get("provenance")
        if self.restore and given:
            return self._restore_provenance(given)
        if self._provenance is None:
            self._provenance = provenance_create(
                actor=self.actor, method=ProvenanceMethod.IMPORT, file_name=self.file_name[-255:]
            )
        return self._provenance

    def checkpoint(self) -> tuple:
        """What a row may change in the context, to be put back if the row is rolled back."""
        return self._provenance, dict(self._restored)

    def roll_back_to(self, checkpoint: tuple) -> None:
        """After a row's savepoint was rolled back: forget what it created (the provenance may be gone with it)
        and the records it loaded (a refused update leaves its values on the instance)."""
        self._provenance, self._restored = checkpoint
        self.resolver.forget_loaded_records()

    def child_provenance(self, parent) -> Provenance:
        """Rows added under a record (obligations, participations): the import's provenance, or on a restore
        the parent's, as the services give children when they create them together."""
        return parent.provenance if self.restore else self.provenance_for({})

    def _restore_provenance(self, given: dict) -> Provenance:
        key = tuple(given.get(k, "") for k in ("method", "file", "note", "excerpt", "document"))
        if key not in self._restored:
            document = None
            if given.get("document"):
                from biocampus.intelligence.models import SourceDocument

                document = SourceDocument.objects.filter(sha256=given["document"]).first()
                if document is None:
                    raise RowProblems([("provenance", _("The source document it cites is not in this database."))])
            existing = Provenance.objects.filter(
                method=key[0], file_name=key[1], note=key[2], excerpt=key[3], document=document
            ).order_by("id")
            self._restored[key] = existing.first() or provenance_create(
                method=key[0], file_name=key[1], note=key[2], excerpt=key[3], document=document
            )
        return self._restored[key]


@dataclass
class RowResult:
    outcome: Outcome
    record: Any = None
    duplicate: Duplicate | None = None
    note: str = ""


class Kind:
    """One kind of record that files can carry: its columns, how a row finds its record, how it is written."""

    name: str = ""
    model: type[models.Model]
    title: str = ""
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()  # column names of the natural key
    campus_scoped: bool = False
    create_service: Callable
    update_service: Callable | None = None
    record_argument: str = ""
    extras: frozenset[str] = frozenset()  # columns written by save_extras, not passed to the services
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    # --- columns

    def column(self, name: str) -> Column:
        return self.columns_by_name()[name]

    def columns_by_name(self) -> dict[str, Column]:
        """The columns by name (made once per kind: a bulk import looks one up for each value)."""
        if "_by_name" not in self.__dict__:
            self._by_name = {column.name: column for column in self.columns}
        return self._by_name

    @property
    def exported_columns(self) -> list[Column]:
        return [column for column in self.columns if column.exported]

    @property
    def headings(self) -> list[str]:
        return [column.name for column in self.exported_columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def check_headings(self, table: Table) -> list[str]:
        """What is wrong with the file's columns: unknown ones (a typo would silently drop data), missing ones."""
        known = self.columns_by_name()
        problems = []
        for heading in table.headings:
            if heading not in known:
                written = table.written_headings.get(heading, heading)
                problems.append(
                    _("Unknown column “%(column)s”. The columns of %(kind)s are: %(columns)s.")
                    % {"column": written, "kind": self.name, "columns": ", ".join(known)}
                )
        for name in self.required:
            if name not in table.headings:
                problems.append(
                    _("The column “%(column)s” is missing; %(kind)s files need: %(required)s.")
                    % {"column": name, "kind": self.name, "required": ", ".join(self.required)}
                )
        return problems

    # --- reading a row

    def order_rows(self, rows: list[Row]) -> list[Row]:
        """The order rows are written in; file order unless a row refers to a later one."""
        return rows

    def parse_row(self, row: Row, ctx: ImportContext) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The row's values by column name (only columns the file has), and its problems."""
        parse_ctx = ParseContext(resolver=ctx.resolver, default_campus=ctx.default_campus)
        problems = []
        for column in self.columns:
            if column.name not in row.cells and not (column.name == "campus" and self.campus_scoped):
                continue
            raw = row.cells.get(column.name)
            if column.directive and column.name == "provenance" and not ctx.restore:
                continue
            try:
                value = column.codec.parse(raw, parse_ctx)
            except CellError as error:
                problems.append((column.name, error.message))
                parse_ctx.row[column.name] = None
                continue
            if column.name == "campus" and self.campus_scoped and value is None:
                value = ctx.default_campus
                if value is None:
                    problems.append(("campus", _("No campus: fill in the campus column, or choose a campus.")))
            if column.required and (is_blank(raw) or value in (None, "", [])):
                problems.append((column.name, _("%(column)s is required.") % {"column": column.name}))
            parse_ctx.row[column.name] = value
        return parse_ctx.row, problems

    # --- finding the record

    def queryset(self, ctx: ImportContext) -> models.QuerySet:
        return readable(self.model._default_manager.all(), ctx.actor)

    def find(self, values: dict, ctx: ImportContext):
        public_id = values.get("public_id")
        if public_id:
            return self.queryset(ctx).filter(public_id=public_id).first()
        return self.find_by_key(values, ctx)

    def find_by_key(self, values: dict, ctx: ImportContext):
        lookup = {}
        for name in self.key:
            column = self.column(name)
            lookup[column.attribute] = values.get(name, column.codec.empty)
        found = list(self.queryset(ctx).filter(**lookup)[:2])
        if len(found) > 1:
            described = ", ".join(f"{name}" for name in self.key)
            raise RowProblems(
                [
                    (
                        "",
                        _("Several records have the same %(key)s: add a public_id column to say which.")
                        % {"key": described},
                    )
                ]
            )
        return found[0] if found else None

    # --- comparing

    def current(self, record, column: Column) -> Any:
        return column.value_of(record)

    def changes(self, record, values: dict) -> dict[str, Any]:
        """The columns whose value differs from the stored one (only columns the file has)."""
        changed = {}
        for name, value in values.items():
            column = self.column(name)
            if column.directive or isinstance(column.codec, PublicId):
                continue
            if self._blank_keeps_stored_value(column, value):
                continue
            current = self.current(record, column)
            if column.additive:
                have = set(_canonical_items(column, current))
                if any(item not in have for item in _canonical_items(column, value)):
                    changed[name] = value
            elif column.codec.canonical(current) != column.codec.canonical(value):
                changed[name] = value
        return changed

    def _blank_keeps_stored_value(self, column: Column, value) -> bool:
        """A blank cell clears an optional value, but a column that always has one (a status, a baseline)
        keeps what is stored: a blank there means "not given", and the default applies to new records."""
        if isinstance(value, list) or value != column.codec.empty:
            return False
        try:
            model_field = self.model._meta.get_field(column.attribute)
        except FieldDoesNotExist:
            return False
        return model_field.concrete and not model_field.null and model_field.has_default()

    # --- writing

    def write(self, values: dict, line: int, ctx: ImportContext) -> RowResult:
        record = self.find(values, ctx)
        if record is None:
            return RowResult(Outcome.CREATED, self.create(values, ctx))
        changes = self.changes(record, values)
        if not changes:
            return RowResult(Outcome.UNCHANGED, record)
        return RowResult(Outcome.UPDATED, self.update(record, changes, ctx))

    def service_arguments(self, values: dict, *, creating: bool) -> dict[str, Any]:
        arguments = {}
        for name, value in values.items():
            column = self.column(name)
            if column.directive or name in self.extras:
                continue
            if isinstance(column.codec, PublicId):
                if creating and value:
                    arguments["public_id"] = value
                continue
            if creating and not isinstance(value, list) and value == column.codec.empty:
                continue  # a blank cell leaves the model's default
            arguments[column.attribute] = value
        return arguments

    def create(self, values: dict, ctx: ImportContext):
        arguments = self.service_arguments(values, creating=True)
        record = self.create_service(actor=ctx.actor, provenance=ctx.provenance_for(values), **arguments)
        self.save_extras(record, {k: v for k, v in values.items() if k in self.extras}, ctx, created=True)
        return record

    def update(self, record, changes: dict, ctx: ImportContext):
        arguments = self.service_arguments(changes, creating=False)
        if arguments:
            record = self.update_service(
                actor=ctx.actor, reason=ctx.reason, **{self.record_argument: record}, **arguments
            )
        self.save_extras(record, {k: v for k, v in changes.items() if k in self.extras}, ctx, created=False)
        return record

    def save_extras(self, record, values: dict, ctx: ImportContext, *, created: bool) -> None:
        """Write the columns no create/update service takes (identifiers, obligations...)."""

    def remember(self, record, ctx: ImportContext) -> None:
        ctx.resolver.remember(record)

    # --- exporting

    def export_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        queryset = queryset.select_related("provenance__document", *self.select_related)
        return queryset.prefetch_related(*self.prefetch_related)

    def sort_key(self, record) -> tuple:
        """The order of a full export: stable across databases (Python sorts, not the database's collation)."""
        return (str(record.public_id),)

    def export_row(self, record, labels: ExportLabels, fmt: str) -> dict[str, Any]:
        row = {}
        for column in self.exported_columns:
            value = column.value_of(record)
            if fmt == "json":
                row[column.name] = column.codec.to_json(value, labels)
            elif fmt == "xlsx":
                row[column.name] = column.codec.to_xlsx(value, labels)
            else:
                row[column.name] = column.codec.to_text(value, labels)
        return row


def _canonical_items(column: Column, value) -> Iterable:
    if isinstance(column.codec, Records):
        return [column.codec.canonical_item(item) for item in value or []]
    if isinstance(column.codec, ListOf):
        return [column.codec.item.canonical(item) for item in value or []]
    return [column.codec.canonical(value)]


def problems_of(error: ValidationError, kind: Kind) -> list[tuple[str, str]]:
    """A service's ValidationError as (column, message) pairs; model fields map onto their columns."""
    by_attribute = {column.attribute: column.name for column in kind.columns}
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    problems = []
    for field_name, errors in error.message_dict.items():
        column = "" if field_name == NON_FIELD_ERRORS else by_attribute.get(field_name, "")
        prefix = "" if column or field_name == NON_FIELD_ERRORS else f"{field_name}: "
        problems += [(column, prefix + message) for message in errors]
    return problems


def as_problems(line: int, problems: list[tuple[str, str]]) -> list[Problem]:
    return [Problem(line, column, message) for column, message in problems]
