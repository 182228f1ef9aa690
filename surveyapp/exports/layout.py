"""Printed-report layout for write-only XLSX sheets: borders, merged cells, wrapping, A4 setup.

The report's tables (问卷统计表, the indicator table, the funds sheet) go into a published
report, so their sheets are laid out as the report prints them. Sheets stay write-only: rows go
to disk as they come, and every row's height is set before the row is written.

Text in these sheets is written as an explicit string cell (``t="inlineStr"``): a spreadsheet
never runs a string cell as a formula, so a published target such as ``= 100 %`` reads exactly
as the report prints it, with no neutralising apostrophe. Figures are numbers with a number
format, so a user can sum them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from surveyapp.exports.streams import XlsxBook

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
#: Points per printed line of 11-point text.
LINE_HEIGHT = 15.0
#: Number formats as the report prints figures.
PERCENT, POINTS, WHOLE = "0.00%", "0.00", "0"
A4 = 9
TITLE_FONT = Font(bold=True, size=14)


@dataclass(frozen=True)
class Spec:
    """One cell of a laid-out row: a value and how it looks."""

    value: Any = None
    number_format: str | None = None
    bold: bool = False
    heading: bool = False
    align: Alignment | None = None
    boxed: bool = True


def text_width(text: str) -> int:
    """Display width in spreadsheet characters: a Chinese character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    usable = max(width - 1.5, 1.0)
    return max(1, sum(math.ceil(text_width(part) / usable) or 1 for part in str(text).split("\n")))


class LaidOutSheet:
    """A write-only sheet that prints like a report table."""

    def __init__(self, book: XlsxBook, title: str, widths: Sequence[float], *, landscape: bool = False):
        self.sheet = book.sheet(title, widths)
        self.widths = list(widths)
        self.next_row = 1
        setup = self.sheet.page_setup
        setup.paperSize = A4
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.sheet.print_options.horizontalCentered = True
        margins = self.sheet.page_margins
        margins.left = margins.right = 0.5
        margins.top = margins.bottom = 0.6

    def cell(self, spec: Spec) -> WriteOnlyCell:
        """A styled cell; text becomes a string cell, never a formula."""
        cell = WriteOnlyCell(self.sheet, value=spec.value)
        if isinstance(spec.value, str):
            cell.data_type = "s"
        number = isinstance(spec.value, int | float) and not isinstance(spec.value, bool)
        if spec.number_format and number:
            cell.number_format = spec.number_format
        cell.alignment = spec.align or (RIGHT if number else LEFT)
        if spec.bold or spec.heading:
            cell.font = Font(bold=True)
        if spec.heading:
            cell.fill = HEADING_FILL
            cell.alignment = spec.align or CENTRE
        if spec.boxed:
            cell.border = BOX
        return cell

    def append(self, specs: Sequence[Spec], height: float | None = None) -> int:
        """Write one row (its height first, as write-only sheets need); returns its number."""
        number = self.next_row
        if height is not None:
            self.sheet.row_dimensions[number].height = height
        self.sheet.append([self.cell(spec) for spec in specs])
        self.next_row += 1
        return number

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a block (1-based rows and columns); write-only sheets record merges for the end."""
        if (first_row, first_col) != (last_row, last_col):
            start = f"{get_column_letter(first_col)}{first_row}"
            self.sheet.merged_cells.add(f"{start}:{get_column_letter(last_col)}{last_row}")

    def title(self, text: str, columns: int) -> int:
        """A bold, centred title across the table, unboxed, as the report heads its tables."""
        height = LINE_HEIGHT * lines_needed(text, sum(self.widths[:columns]) * 0.8) + 6
        self.sheet.row_dimensions[self.next_row].height = height
        first = self.cell(Spec(text, align=CENTRE, boxed=False))
        first.font = TITLE_FONT
        self.sheet.append([first])
        self.merge(self.next_row, 1, self.next_row, columns)
        self.next_row += 1
        return self.next_row - 1

    def repeat_rows(self, first: int, last: int) -> None:
        """Print rows ``first``..``last`` (the heading) at the top of every printed page."""
        self.sheet.print_title_rows = f"{first}:{last}"

    def height_for(self, text: str, column: int, rows: int = 1) -> float | None:
        """Row height that shows ``text`` in full in ``column`` across ``rows`` rows, or None."""
        lines = lines_needed(text, self.widths[column - 1])
        needed = lines * LINE_HEIGHT + 4
        return None if needed <= LINE_HEIGHT * rows else math.ceil(needed / rows)
