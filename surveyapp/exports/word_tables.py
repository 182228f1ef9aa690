"""Word (docx) building blocks: a document in the report's fonts, bordered tables that paste well.

Borders are written on the table itself (not only through a style), and heading rows are marked
to repeat on every page, so a table keeps its layout when copied into another report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO, Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell

#: The report's body font: 宋体 for Chinese, Times New Roman for digits and Latin letters.
EAST_ASIAN_FONT, LATIN_FONT = "宋体", "Times New Roman"
BODY_SIZE, TABLE_SIZE = Pt(12), Pt(9)
CENTRE, RIGHT, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT


def _fonts(run_properties: Any, size: Pt) -> None:
    fonts = run_properties.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    size_element = run_properties.get_or_add_sz()
    size_element.set(qn("w:val"), str(int(size.pt * 2)))


def new_document() -> DocumentObject:
    """An empty document whose normal text is in the report's fonts."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _fonts(normal.element.get_or_add_rPr(), BODY_SIZE)
    return document


def paragraph(document: DocumentObject, text: str, *, bold: bool = False, align: Any = None) -> None:
    """A paragraph of body text."""
    para = document.add_paragraph()
    run = para.add_run(text)
    run.bold = bold
    if align is not None:
        para.alignment = align


def heading(document: DocumentObject, text: str) -> None:
    """A section heading in bold body text (report headings carry no Word heading colour)."""
    para = document.add_paragraph()
    run = para.add_run(text)
    run.bold = True
    run.font.color.rgb = RGBColor(0, 0, 0)


def _borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    properties.append(borders)


def bordered_table(document: DocumentObject, rows: int, columns: int, widths: Sequence[float]) -> Table:
    """A table with single-line borders on every cell, centred, columns ``widths`` cm wide."""
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for index, width in enumerate(widths):
        for cell in table.columns[index].cells:
            cell.width = Cm(width)
    return table


def repeat_heading(table: Table, rows: int) -> None:
    """Mark the first ``rows`` rows to repeat at the top of every page; no row splits."""
    for row in table.rows[:rows]:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(header)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def fill(cell: _Cell, text: str, *, bold: bool = False, align: Any = CENTRE) -> None:
    """Put ``text`` in a table cell in the table's font size."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    para.alignment = align
    run = para.add_run(text)
    run.bold = bold
    run.font.size = TABLE_SIZE


def shade(cell: _Cell, colour: str) -> None:
    """A cell's background colour (``RRGGBB``)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def to_file(document: DocumentObject) -> IO[bytes]:
    """The document in memory, rewound, for a download."""
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
