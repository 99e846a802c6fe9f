"""The report as an A4 PDF (reportlab platypus), in English or Chinese.

Chinese text needs a CJK font: reportlab's built-in CID font STSong-Light (no font file to ship). It is
used for every paragraph of a Chinese report, and for the Chinese-name cells of an English one. Every text
from the database goes through xml escaping before it becomes Paragraph markup.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .content import Chart, ReportContent
from .content import Table as ContentTable

CJK_FONT = "STSong-Light"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
PALETTE = [colors.HexColor(c) for c in ("#1f6f8b", "#99a8b2", "#e6a23c", "#67c23a", "#f56c6c", "#909399")]


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _styles(chinese: bool) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    font = CJK_FONT if chinese else "Helvetica"
    bold = CJK_FONT if chinese else "Helvetica-Bold"
    styles = {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=24, leading=30),
        "subtitle": ParagraphStyle("subtitle", parent=base["Normal"], fontName=font, fontSize=13, leading=18),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15, leading=20),
        "body": ParagraphStyle("body", parent=base["Normal"], fontName=font, fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontName=font, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base["Normal"], fontName=bold, fontSize=8, leading=10),
        "cjk": ParagraphStyle("cjk", parent=base["Normal"], fontName=CJK_FONT, fontSize=8, leading=10),
    }
    styles["cjk_subtitle"] = ParagraphStyle("cjk_subtitle", parent=styles["subtitle"], fontName=CJK_FONT)
    return styles


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return str(value)


def _para(value, styles, style="cell") -> Paragraph:
    text = _text(value)
    # A CJK name in an English report still needs the CJK font.
    if style in ("cell", "subtitle") and _CJK.search(text) and styles[style].fontName != CJK_FONT:
        style = "cjk" if style == "cell" else "cjk_subtitle"
    return Paragraph(escape(text), styles[style])


def _table(rows: list[list], widths, styles, *, header=True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef1")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f6f8b")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _record_table(table: ContentTable, styles, width: float) -> list:
    flowables = [Paragraph(escape(table.title), styles["h1"])]
    if not table.rows:
        return [*flowables, Paragraph(escape(table.empty), styles["body"])]
    rows = [[Paragraph(escape(h), styles["head"]) for h in table.headings]]
    rows += [[_para(cell, styles) for cell in row] for row in table.rows]
    weights = table.weights or (1,) * len(table.headings)
    return [*flowables, _table(rows, [width * weight / sum(weights) for weight in weights], styles)]


def _chart(chart: Chart, width: float, font: str) -> Drawing:
    height = 60 * mm
    drawing = Drawing(width, height + 10 * mm)
    drawing.add(String(0, height + 4 * mm, chart.title, fontName=font, fontSize=11))
    if not chart.buckets:
        return drawing
    labels = [label for label, _value in chart.buckets]
    values = [value for _label, value in chart.buckets]
    if chart.kind == "pie":
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10 * mm, 5 * mm, 50 * mm, 50 * mm
        pie.data = values
        pie.labels = [f"{label} ({value:.0f})" for label, value in chart.buckets]
        pie.simpleLabels = 1
        for index in range(len(values)):
            pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
            pie.slices[index].fontName = font
        drawing.add(pie)
        return drawing
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 12 * mm, width - 20 * mm, height - 14 * mm
    bars.data = [values]
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.labels.fontName = "Helvetica"
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(max(values), 1) * 1.15
    bars.valueAxis.valueStep = max(1, round(max(max(values), 1) / 5))
    bars.bars[0].fillColor = PALETTE[0]
    drawing.add(bars)
    return drawing


def render_pdf(content: ReportContent) -> bytes:
    """The report's PDF bytes."""
    _register_fonts()
    chinese = content.language.startswith("zh")
    styles = _styles(chinese)
    labels = content.labels
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{content.campus_name} – {content.title}",
        author="BioCampus",
    )
    width = document.width
    font = CJK_FONT if chinese else "Helvetica"

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(doc.leftMargin, 10 * mm, f"{content.campus_name} · {content.year}")
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm, f"{labels['page']} {doc.page}")
        canvas.restoreState()

    story: list = [
        Spacer(1, 50 * mm),
        _para(content.campus_name, styles, "title"),
    ]
    if content.campus_name_zh:
        story.append(
            Paragraph(escape(content.campus_name_zh), ParagraphStyle("zh", parent=styles["title"], fontName=CJK_FONT))
        )
    story += [
        Spacer(1, 10 * mm),
        Paragraph(escape(content.title), styles["h1"]),
        Paragraph(escape(content.subtitle), styles["subtitle"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{labels['year']}: {content.year}"), styles["body"]),
        Paragraph(escape(f"{labels['generated']}: {content.generated_on.isoformat()}"), styles["body"]),
        PageBreak(),
        Paragraph(escape(labels["kpis"]), styles["h1"]),
    ]
    if content.kpis:
        rows = [[Paragraph(escape(labels[key]), styles["head"]) for key in ("indicator", "value", "description")]]
        rows += [
            [_para(kpi.label, styles), _para(kpi.value, styles), _para(kpi.description, styles)] for kpi in content.kpis
        ]
        story.append(_table(rows, [width * 0.3, width * 0.18, width * 0.52], styles))
    else:
        story.append(Paragraph(escape(labels["kpis_missing"]), styles["body"]))
    story += [Spacer(1, 8 * mm), Paragraph(escape(labels["charts"]), styles["h1"])]
    for chart in content.charts:
        story += [_chart(chart, width, font), Spacer(1, 4 * mm)]
    for table in content.tables:
        story += [PageBreak(), *_record_table(table, styles, width)]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
