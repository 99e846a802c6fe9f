"""Reading CSV, XLSX and JSON files into rows, and writing rows back out.

Reading checks what can be checked before any row is looked at, in this order: the size (against
settings.BIOCAMPUS_MAX_UPLOAD_BYTES, before a byte is parsed), that the content is what the extension
says, the encoding (UTF-8, with or without BOM), and the shape (headings, at most
BIOCAMPUS_IMPORT_MAX_ROWS rows). Each refusal is a `FileRefused` whose message tells the person what to do.

Every row keeps the number a person sees for it: the line of a CSV file, the row of the worksheet, the
line where a JSON object starts.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
DEFAULT_MAX_ROWS = 100_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
_BOM = b"\xef\xbb\xbf"
# A cell starting with one of these is a formula to a spreadsheet; CSV exports quote it with "'".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Row:
    line: int  # the number a person sees: CSV line, worksheet row, JSON line
    cells: dict[str, Any]  # normalised heading -> value as read (str from CSV, native from XLSX/JSON)
    problem: str = ""  # set when the row itself is malformed (too many cells, not an object)


@dataclass
class Table:
    file_name: str
    format: str
    headings: list[str]  # normalised, in file order
    rows: list[Row] = field(default_factory=list)
    written_headings: dict[str, str] = field(default_factory=dict)  # normalised -> as written in the file


def normalise_heading(heading: Any) -> str:
    """ " Name ZH" and "name-zh" are the column name_zh."""
    text = str(heading if heading is not None else "").replace("\ufeff", "").strip().casefold()
    return "_".join(text.replace("-", " ").split())


def max_bytes() -> int:
    return int(getattr(settings, "BIOCAMPUS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size, 1) / 1024:.0f} KB"


def check_size(size: int) -> None:
    """Refuse a file over the limit before reading it."""
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files and import them one by one.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )


def format_of(file_name: str) -> str:
    extension = Path(file_name).suffix.lower().lstrip(".")
    if extension in FORMATS:
        return extension
    if extension == "xls":
        raise FileRefused(_("Excel 97-2003 files (.xls) cannot be read: save the workbook as .xlsx."))
    raise FileRefused(
        _("“%(name)s” is not a file type BioCampus imports: use .csv (UTF-8), .xlsx or .json.")
        % {"name": Path(file_name).name}
    )


def read_path(path: str | Path, *, limited: bool = True) -> Table:
    """Read a file from disk, refusing one over the size limit before reading it.

    `limited=False` (import-all restoring a whole export) lifts the size and row limits."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused(_("There is no file at %(path)s.") % {"path": path})
    if limited:
        check_size(path.stat().st_size)
    return read_bytes(path.read_bytes(), path.name, limited=limited)


def read_bytes(data: bytes, file_name: str, *, limited: bool = True) -> Table:
    if limited:
        check_size(len(data))
    expected = format_of(file_name)
    found = _sniff(data)
    if found != expected:
        raise FileRefused(
            _("“%(name)s” is called .%(expected)s but its content is %(found)s. Save it again as .%(expected)s.")
            % {"name": Path(file_name).name, "expected": expected, "found": _DESCRIPTIONS[found]}
        )
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}[expected]
    table = reader(data, file_name)
    limit = int(getattr(settings, "BIOCAMPUS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))
    if limited and len(table.rows) > limit:
        raise FileRefused(
            _("The file has %(rows)s rows; at most %(limit)s can be imported at once. Split it into smaller files.")
            % {"rows": f"{len(table.rows):,}", "limit": f"{limit:,}"}
        )
    return table


_DESCRIPTIONS = {
    "csv": "text (CSV)",
    "xlsx": "an Excel workbook",
    "json": "JSON",
    "xls": "an old Excel 97-2003 workbook",
    "zip": "a zip archive that is not an Excel workbook",
    "empty": "empty",
    "binary": "binary data",
}


def _sniff(data: bytes) -> str:
    if not data.strip(_BOM + b" \t\r\n"):
        raise FileRefused(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "xlsx" if "xl/workbook.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "binary"
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_("The file is UTF-16 text; save it as UTF-8 (in Excel: “CSV UTF-8”)."))
    text_start = data.removeprefix(_BOM).lstrip()[:1]
    return "json" if text_start in (b"[", b"{") else "csv"


def not_utf8(byte: int, line: int) -> FileRefused:
    """The refusal of a file that is not UTF-8, naming the first byte that cannot be read and its line."""
    return FileRefused(
        _(
            "The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s cannot be read). It may be in a "
            "legacy encoding such as GBK or Windows-1252: save it as UTF-8 (in Excel: “CSV UTF-8”)."
        )
        % {"byte": byte, "line": line},
        line=line,
    )


def _decode(data: bytes) -> str:
    try:
        return data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(data[error.start], data[: error.start].count(b"\n") + 1) from error


def _headings(raw: list[Any], file_name: str, fmt: str, line: int) -> Table:
    headings, written = [], {}
    for cell in raw:
        name = normalise_heading(cell)
        if name in written:
            raise FileRefused(_("The column “%(name)s” appears twice.") % {"name": written[name]}, line=line)
        headings.append(name)
        if name:
            written[name] = str(cell).strip()
    while headings and not headings[-1]:
        headings.pop()
    if not headings:
        raise FileRefused(_("The first row must hold the column headings, and it is empty."), line=line)
    if "" in headings:
        position = headings.index("") + 1
        raise FileRefused(_("Column %(n)s has no heading.") % {"n": position}, line=line)
    return Table(file_name=file_name, format=fmt, headings=headings, written_headings=written)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(data: bytes, file_name: str) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, start = None, 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if table is None:
                table = _headings(record, file_name, "csv", line)
                continue
            if all(_blank(cell) for cell in record):
                continue
            cells = dict(zip(table.headings, (_unquote_formula(cell) for cell in record), strict=False))
            problem = ""
            extra = [cell for cell in record[len(table.headings) :] if not _blank(cell)]
            if extra:
                problem = _("This row has %(cells)s cells but there are only %(headings)s column headings.") % {
                    "cells": len(record),
                    "headings": len(table.headings),
                }
            table.rows.append(Row(line, cells, problem))
    except csv.Error as error:
        raise FileRefused(_("The CSV cannot be read: %(error)s.") % {"error": error}, line=start) from error
    if table is None:
        raise FileRefused(_("The file is empty."))
    return table


def _unquote_formula(cell: str) -> str:
    """Undo the "'" that our CSV exports put before a cell a spreadsheet would take for a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in _FORMULA_STARTS and cell[1:2] else cell


def _read_xlsx(data: bytes, file_name: str) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused(_("The workbook cannot be opened: %(error)s.") % {"error": error}) from error
    try:
        if not workbook.worksheets:
            raise FileRefused(_("The workbook has no worksheet."))
        table = None
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if all(_blank(value) for value in values):
                continue
            if table is None:
                table = _headings(list(values), file_name, "xlsx", number)
                continue
            cells = dict(zip(table.headings, (_xlsx_value(value) for value in values), strict=False))
            extra = [value for value in values[len(table.headings) :] if not _blank(value)]
            problem = _("This row has cells beyond the last column heading.") if extra else ""
            table.rows.append(Row(number, cells, problem))
    finally:
        workbook.close()
    if table is None:
        raise FileRefused(_("The first worksheet is empty."))
    return table


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


def _read_json(data: bytes, file_name: str) -> Table:
    text = _decode(data)
    decoder = json.JSONDecoder()
    position = len(text) - len(text.lstrip())
    if text[position : position + 1] != "[":
        raise FileRefused(_('A JSON import file is an array of objects: [{"name": "…", …}, …].'), line=1)
    position += 1
    items: list[tuple[int, Any]] = []
    try:
        while True:
            position = _skip_space(text, position)
            if text[position : position + 1] == "]":
                break
            line = text.count("\n", 0, position) + 1
            value, position = decoder.raw_decode(text, position)
            items.append((line, value))
            position = _skip_space(text, position)
            separator = text[position : position + 1]
            if separator == ",":
                position += 1
            elif separator != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, position)
    except json.JSONDecodeError as error:
        raise FileRefused(
            _("The JSON cannot be read: %(error)s on line %(line)s.") % {"error": error.msg, "line": error.lineno},
            line=error.lineno,
        ) from error
    if text[position + 1 :].strip():
        line = text.count("\n", 0, position) + 1
        raise FileRefused(_("There is more after the closing ] of the array."), line=line)
    headings: dict[str, str] = {}
    for _line, value in items:
        if isinstance(value, dict):
            for key in value:
                headings.setdefault(normalise_heading(key), str(key))
    table = Table(file_name, "json", list(headings), written_headings=headings)
    for line, value in items:
        if isinstance(value, dict):
            table.rows.append(Row(line, {normalise_heading(key): cell for key, cell in value.items()}))
        else:
            table.rows.append(Row(line, {}, _("Each item of the array must be an object with named values.")))
    return table


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


# --- Writing -----------------------------------------------------------------------------------------


def write(fmt: str, headings: list[str], rows: list[dict[str, Any]]) -> bytes:
    """Rows are dicts of heading -> value: text for CSV, JSON-ready values for JSON, cell values for XLSX."""
    if fmt == "csv":
        return _write_csv(headings, rows)
    if fmt == "xlsx":
        return _write_xlsx(headings, rows)
    if fmt == "json":
        return write_json(rows)
    raise ValueError(f"unknown format {fmt!r}")


def write_json(rows: list[dict[str, Any]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_csv(headings: list[str], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_quote_formula(str(row.get(heading, ""))) for heading in headings])
    # The BOM makes Excel read the file as UTF-8; the importer accepts files with or without it.
    return _BOM + buffer.getvalue().encode("utf-8")


def _quote_formula(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _write_xlsx(headings: list[str], rows: list[dict[str, Any]]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for heading in headings:
            value = row.get(heading, "")
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
