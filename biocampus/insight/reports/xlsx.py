"""The report as a workbook: one sheet of key figures, one per list; dates as dates, text always text."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .content import ReportContent, Table

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F6F8B")

# Fixed sheet names (the same in every language), so that spreadsheets built on them keep working.
SHEETS = ("KPIs", "Residents signed", "Agreements", "Milestones")


def _write_sheet(sheet, headings: list[str], rows: list[list]) -> None:
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(str(heading)) for heading in headings]
    for index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=index, column=column)
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cell.value = value
            else:
                # Text stays text: a name starting with "=", "+", "-" or "@" is never a formula.
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"
            widths[column - 1] = max(widths[column - 1], min(len(str(value or "")), 60))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, width + 2)
    sheet.freeze_panes = "A2"


def render_xlsx(content: ReportContent) -> bytes:
    """The report's XLSX bytes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEETS[0]
    labels = content.labels
    _write_sheet(
        sheet,
        [labels["indicator"], labels["value"], labels["unit"], labels["description"]],
        [[kpi.label, kpi.figure, kpi.unit, kpi.description] for kpi in content.kpis],
    )
    tables: list[Table] = content.tables
    for name, table in zip(SHEETS[1:], tables, strict=True):
        _write_sheet(workbook.create_sheet(name), table.headings, table.rows)
    workbook.properties.title = f"{content.campus_name} – {content.title}"
    workbook.properties.creator = "BioCampus"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
