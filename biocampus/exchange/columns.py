"""The columns of the import and export files, and the value types (codecs) their cells hold.

A codec turns a cell as read (text from CSV, a number or a date from XLSX, any JSON value) into the value a
service takes, with a message a person can act on when it cannot; and turns a stored value back into a
cell. The same codec reads and writes, so an export re-imports unchanged.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_countries import countries

from biocampus.core.text import clean_text, fold

from . import cells

if TYPE_CHECKING:
    from .references import ExportLabels, Resolver


class CellError(Exception):
    """A cell that cannot be read; the message says what is expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParseContext:
    """What reading one row needs: the reference resolver and the row's values read so far."""

    resolver: Resolver
    row: dict[str, Any] = field(default_factory=dict)
    default_campus: Any = None


def is_blank(raw: Any) -> bool:
    if raw.__class__ is str:  # a CSV's every cell: one test, not three (a million-row import reads 10M cells)
        return not raw.strip()
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _as_text(raw: Any) -> str:
    if raw.__class__ is str:
        return raw
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return raw.isoformat()
    if isinstance(raw, (list, dict)):
        raise CellError(_("Expected text here, not a list or an object."))
    return str(raw)


class Codec:
    """A cell value type. `empty` is what a blank cell means."""

    empty: Any = ""
    describe: str = ""

    def parse(self, raw: Any, ctx: ParseContext) -> Any:
        if is_blank(raw):
            return self.empty
        return self.parse_value(raw, ctx)

    def parse_value(self, raw: Any, ctx: ParseContext) -> Any:
        raise NotImplementedError

    def to_text(self, value: Any, labels: ExportLabels) -> str:
        return "" if value is None else str(value)

    def to_json(self, value: Any, labels: ExportLabels) -> Any:
        return self.to_text(value, labels)

    def to_xlsx(self, value: Any, labels: ExportLabels) -> Any:
        return self.to_text(value, labels)

    def canonical(self, value: Any) -> Any:
        """A comparable form: two values with the same canonical form are the same for an import."""
        return value


class Text(Codec):
    describe = "text"

    def __init__(self, max_length: int | None = None):
        self.max_length = max_length

    def parse_value(self, raw, ctx):
        text = _as_text(raw)
        if text.isprintable():
            # No control character (NUL included) in it: what clean_text leaves is the NFC form, trimmed; the
            # check is one C call, not a category lookup per character (a million-row import reads 10M cells).
            text = unicodedata.normalize("NFC", text).strip()
        else:
            try:
                text = clean_text(text)
            except ValidationError as error:
                raise CellError(" ".join(error.messages)) from error
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("This text has %(n)s characters; at most %(max)s fit.") % {"n": len(text), "max": self.max_length}
            )
        return text

    def canonical(self, value):
        return value or ""


class Choice(Codec):
    def __init__(self, choices: type[models.TextChoices], noun: str):
        self.choices = choices
        self.noun = noun
        self._lookup = {}
        for value, label in choices.choices:
            self._lookup[fold(value)] = value
            self._lookup[fold(str(label))] = value
            self._lookup[fold(value.replace("_", " "))] = value

    @property
    def describe(self) -> str:
        return "one of: " + ", ".join(self.choices.values)

    def parse_value(self, raw, ctx):
        text = _as_text(raw)
        value = self._lookup.get(text)  # a value as the export writes it needs no folding
        if value is None:
            value = self._lookup.get(fold(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not a %(noun)s; use one of: %(values)s.")
                % {"value": text, "noun": self.noun, "values": ", ".join(self.choices.values)}
            )
        return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"-?\d+")


class Date(Codec):
    empty = None
    describe = "date, YYYY-MM-DD"

    def parse_value(self, raw, ctx):
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = _as_text(raw).strip()
        if _ISO_DATE.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2020-11-06.") % {"value": text})

    def to_text(self, value, labels):
        return value.isoformat() if value else ""

    def to_json(self, value, labels):
        return value.isoformat() if value else None

    def to_xlsx(self, value, labels):
        return value if value else ""


_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class Number(Codec):
    """A decimal amount or value: 1000000, 1,000,000.50 or a spreadsheet number."""

    empty = None
    describe = "number, e.g. 1000000 or 1000000.50"

    def parse_value(self, raw, ctx):
        if isinstance(raw, bool):
            raise CellError(_("Expected a number here, not yes/no."))
        text = _as_text(raw).strip().replace(" ", "")
        if _GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise CellError(
                _("“%(value)s” is not a number: write it like 1000000 or 1000000.50.") % {"value": _as_text(raw)}
            )
        return value

    def to_text(self, value, labels):
        return "" if value is None else str(value)

    def to_json(self, value, labels):
        return None if value is None else str(value)

    def canonical(self, value):
        return None if value is None else value.normalize()


class Integer(Codec):
    empty = None
    describe = "whole number"

    def parse_value(self, raw, ctx):
        text = _as_text(raw).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)

    def to_json(self, value, labels):
        return value

    def to_xlsx(self, value, labels):
        return "" if value is None else value


class Boolean(Codec):
    empty = False
    describe = "yes or no"
    _TRUE = {"yes", "y", "true", "1", "x", "是"}
    _FALSE = {"no", "n", "false", "0", "否"}

    def parse_value(self, raw, ctx):
        if isinstance(raw, bool):
            return raw
        text = fold(_as_text(raw))
        if text in self._TRUE:
            return True
        if text in self._FALSE:
            return False
        raise CellError(_("“%(value)s” is not yes or no.") % {"value": _as_text(raw)})

    def to_text(self, value, labels):
        return "yes" if value else ""

    def to_json(self, value, labels):
        return bool(value)


@functools.cache
def _country_codes() -> frozenset[str]:
    """The codes django-countries knows (`code in countries` looks up the active language's names each time:
    2 µs a row)."""
    return frozenset(countries.countries)


class Country(Codec):
    describe = "ISO 3166 code, e.g. CN, GB, US"

    def parse_value(self, raw, ctx):
        text = _as_text(raw).strip()
        if text.upper() in _country_codes():
            return text.upper()
        code = countries.by_name(text)
        if code:
            return code
        raise CellError(
            _("“%(value)s” is not a country: use a two-letter ISO 3166 code such as CN, GB or US.") % {"value": text}
        )

    def canonical(self, value):
        return str(value or "")


class PublicId(Codec):
    empty = None
    describe = "public id (a UUID, as exported)"

    def parse_value(self, raw, ctx):
        try:
            return uuid.UUID(_as_text(raw).strip())
        except ValueError as error:
            raise CellError(
                _("“%(value)s” is not a public id (a UUID such as 3f2a9c1e-…, as in an export).")
                % {"value": _as_text(raw)}
            ) from error

    def canonical(self, value):
        return str(value) if value else None


class Reference(Codec):
    """A reference to another record, resolved by the resolver and labelled by the export labels."""

    empty = None

    def __init__(self, model_label: str, describe: str):
        self.model_label = model_label
        self.describe = describe

    def parse_value(self, raw, ctx):
        return ctx.resolver.resolve(self.model_label, _as_text(raw).strip(), ctx)

    def to_text(self, value, labels):
        return labels.label(value) if value is not None else ""

    def to_json(self, value, labels):
        return labels.label(value) if value is not None else None

    def canonical(self, value):
        return value.pk if value is not None else None


class ListOf(Codec):
    """Several values in one cell, separated by `|` (a JSON array in JSON files)."""

    def __init__(self, item: Codec):
        self.item = item
        self.describe = f"list of {item.describe}, separated by |"

    @property
    def empty(self):
        return []

    def parse_value(self, raw, ctx):
        items = raw if isinstance(raw, list) else cells.split_list(_as_text(raw))
        values = []
        for number, item in enumerate(items, start=1):
            if is_blank(item):
                continue
            try:
                values.append(self.item.parse_value(item, ctx))
            except CellError as error:
                raise CellError(_("item %(n)s: %(message)s") % {"n": number, "message": error.message}) from error
        return values

    def to_text(self, value, labels):
        return cells.join_list([self.item.to_text(item, labels) for item in value or []])

    def to_json(self, value, labels):
        return [self.item.to_json(item, labels) for item in value or []]

    def canonical(self, value):
        return tuple(sorted((self.item.canonical(item) for item in value or []), key=repr))


@dataclass(frozen=True)
class Attribute:
    """One part of a nested item: `role` of a party, `lead` of an investor."""

    key: str
    codec: Codec
    field: str = ""
    default: Any = None  # what a blank part means, when not the codec's empty value

    @property
    def name(self) -> str:
        return self.field or self.key


class Records(Codec):
    """Small records in one cell: `AstraZeneca; role=lead | Teddy Lab Services` (objects in JSON)."""

    def __init__(self, main: Attribute, *attributes: Attribute):
        self.main = main
        self.attributes = attributes
        parts = "".join(f"; {a.key}=…" for a in attributes)
        self.describe = f"list of `{main.key}{parts}`, separated by |"

    @property
    def empty(self):
        return []

    @property
    def all(self) -> tuple[Attribute, ...]:
        return (self.main, *self.attributes)

    def parse_value(self, raw, ctx):
        items = raw if isinstance(raw, list) else cells.split_items(_as_text(raw))
        values = []
        for number, item in enumerate(items, start=1):
            try:
                values.append(self._parse_item(item, ctx))
            except CellError as error:
                raise CellError(_("item %(n)s: %(message)s") % {"n": number, "message": error.message}) from error
        return values

    def _parse_item(self, item: Any, ctx: ParseContext) -> dict[str, Any]:
        if isinstance(item, dict):
            given = {str(key).strip().lower(): value for key, value in item.items()}
        elif isinstance(item, str):
            try:
                main, pairs = cells.split_record(item)
            except ValueError as error:
                raise CellError(
                    _("“%(part)s” should be key=value (keys: %(keys)s).")
                    % {"part": error.args[0], "keys": ", ".join(a.key for a in self.attributes)}
                ) from error
            given = {self.main.key: main, **dict(pairs)}
        else:
            given = {self.main.key: item}
        unknown = sorted(set(given) - {a.key for a in self.all})
        if unknown:
            raise CellError(
                _("unknown “%(key)s”; use %(keys)s.") % {"key": unknown[0], "keys": ", ".join(a.key for a in self.all)}
            )
        if is_blank(given.get(self.main.key)):
            raise CellError(_("%(key)s is missing.") % {"key": self.main.key})
        values = {}
        for attribute in self.all:
            raw = given.get(attribute.key)
            if attribute.default is not None and is_blank(raw):
                values[attribute.name] = attribute.default
                continue
            try:
                values[attribute.name] = attribute.codec.parse(raw, ctx)
            except CellError as error:
                raise CellError(f"{attribute.key}: {error.message}") from error
        return values

    def to_text(self, value, labels):
        items = []
        for item in value or []:
            main = self.main.codec.to_text(item[self.main.name], labels)
            pairs = [(a.key, a.codec.to_text(item[a.name], labels)) for a in self.attributes]
            items.append(cells.join_record(main, pairs))
        return " | ".join(items)

    def to_json(self, value, labels):
        return [{a.key: a.codec.to_json(item[a.name], labels) for a in self.all} for item in value or []]

    def canonical_item(self, item: dict) -> tuple:
        return tuple(a.codec.canonical(item.get(a.name, a.codec.empty)) for a in self.all)

    def canonical(self, value):
        return tuple(sorted((self.canonical_item(item) for item in value or []), key=repr))


@dataclass(frozen=True)
class Column:
    """One column of a kind's files.

    `field` is the keyword of the create/update services (and the model attribute read back for exports);
    `read` overrides how the stored value is read. `additive` columns add items and never remove them (no
    service removes identifiers or obligations), so a row lacking an item that is stored changes nothing.
    `directive` columns steer the import (match, provenance) and are not record data.
    """

    name: str
    codec: Codec
    help: str = ""
    field: str = ""
    required: bool = False
    read: Callable[[Any], Any] | None = None
    additive: bool = False
    directive: bool = False
    exported: bool = True

    @property
    def attribute(self) -> str:
        return self.field or self.name

    def value_of(self, record) -> Any:
        if self.read is not None:
            return self.read(record)
        value = getattr(record, self.attribute)
        if isinstance(self.codec, Country):
            return str(value or "")
        return value


class ProvenanceCell(Codec):
    """Where a record came from: `import; file=orgs.csv`, `demo; note=…` ({"method": …} in JSON).

    Exports carry it so that import-all restores it; an ordinary import ignores the column (what it writes
    is imported from its own file)."""

    empty = None
    describe = "method [; file, note, excerpt, document], as exported"
    _PARTS = ("file", "note", "excerpt", "document")

    def parse_value(self, raw, ctx):
        from biocampus.core.choices import ProvenanceMethod

        if isinstance(raw, dict):
            given = {str(k): _as_text(v) for k, v in raw.items() if v is not None}
        else:
            try:
                method, pairs = cells.split_record(_as_text(raw))
            except ValueError as error:
                raise CellError(_("“%(part)s” should be key=value.") % {"part": error.args[0]}) from error
            given = {"method": method, **dict(pairs)}
        if given.get("method") not in ProvenanceMethod.values:
            raise CellError(
                _("“%(value)s” is not a provenance method; use one of: %(values)s.")
                % {"value": given.get("method", ""), "values": ", ".join(ProvenanceMethod.values)}
            )
        return {"method": given["method"], **{part: given.get(part, "") for part in self._PARTS}}

    @staticmethod
    def _parts(provenance) -> dict[str, str]:
        return {
            "file": provenance.file_name,
            "note": provenance.note,
            "excerpt": provenance.excerpt,
            "document": provenance.document.sha256 if provenance.document_id else "",
        }

    def to_text(self, value, labels):
        if value is None:
            return ""
        return cells.join_record(value.method, list(self._parts(value).items()))

    def to_json(self, value, labels):
        if value is None:
            return None
        return {"method": value.method, **{k: v for k, v in self._parts(value).items() if v}}


PROVENANCE = Column(
    "provenance",
    ProvenanceCell(),
    help="Where the record came from, as exported. Ignored by an import (imported records name their file); "
    "import-all restores it.",
    directive=True,
    read=lambda record: record.provenance,
)
PUBLIC_ID = Column(
    "public_id",
    PublicId(),
    help="The record's public id, as exported. With it a row updates that record (or creates it with this id); "
    "without it the natural key finds the record.",
)
