"""Printed-report layout for XLSX sheets: borders, merged cells, wrapping, A4 setup.

The report's tables (问卷统计表, the indicator table, the funds sheet) go into a published
report, so their sheets are laid out as the report prints them. A laid-out sheet is small: it is
kept in memory until the workbook is saved (``streamed=False``), so a merge may be given after the
rows it spans; only the long sheets of individual responses are streamed.

Text in these sheets is written as a string cell: a spreadsheet never runs a string cell as a
formula, so a published target such as ``= 100 %`` reads exactly as the report prints it, with no
neutralising apostrophe. Figures are numbers with a number format, so a user can sum them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from surveyapp.exports.streams import XlsxBook, cell_value

CENTRE = "center"
LEFT = "left"
RIGHT = "right"
HEADING_FILL = "#F2F2F2"
#: Points per printed line of 11-point text.
LINE_HEIGHT = 15.0
#: Number formats as the report prints figures.
PERCENT, POINTS, WHOLE = "0.00%", "0.00", "0"
A4 = 9
TITLE_SIZE = 14


@dataclass(frozen=True)
class Spec:
    """One cell of a laid-out row: a value and how it looks."""

    value: Any = None
    number_format: str | None = None
    bold: bool = False
    heading: bool = False
    align: str | None = None
    boxed: bool = True


def text_width(text: str) -> int:
    """Display width in spreadsheet characters: a Chinese character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    usable = max(width - 1.5, 1.0)
    return max(1, sum(math.ceil(text_width(part) / usable) or 1 for part in str(text).split("\n")))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class LaidOutSheet:
    """A sheet that prints like a report table: A4, one page wide, centred, boxed cells."""

    def __init__(self, book: XlsxBook, title: str, widths: Sequence[float], *, landscape: bool = False):
        self.book = book
        self.sheet = book.sheet(title, widths, streamed=False)
        self.widths = list(widths)
        self.next_row = 1
        self._written: dict[tuple[int, int], tuple[Spec, int | None]] = {}
        worksheet = self.sheet.worksheet
        worksheet.set_paper(A4)
        if landscape:
            worksheet.set_landscape()
        else:
            worksheet.set_portrait()
        worksheet.fit_to_pages(1, 0)
        worksheet.center_horizontally()
        worksheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)

    def _format(self, spec: Spec, size: int | None = None) -> Any:
        value = cell_value(spec.value)
        number = _is_number(value)
        properties: dict[str, Any] = {
            "align": spec.align or (CENTRE if spec.heading else RIGHT if number else LEFT),
            "valign": "vcenter",
        }
        if not number or spec.align:
            properties["text_wrap"] = True
        if spec.number_format and number:
            properties["num_format"] = spec.number_format
        if spec.bold or spec.heading or size:
            properties["bold"] = True
        if size:
            properties["font_size"] = size
        if spec.heading:
            properties["bg_color"] = HEADING_FILL
            properties["pattern"] = 1
        if spec.boxed:
            properties["border"] = 1
        return self.book.style(**properties)

    def _write(self, specs: Sequence[Spec], height: float | None, size: int | None = None) -> int:
        number = self.next_row
        if height is not None:
            self.sheet.worksheet.set_row(number - 1, height)
        for column, spec in enumerate(specs):
            self.sheet.worksheet.write(number - 1, column, cell_value(spec.value), self._format(spec, size))
            self._written[(number, column + 1)] = (spec, size)
        self.next_row += 1
        return number

    def append(self, specs: Sequence[Spec], height: float | None = None) -> int:
        """Write one row; returns its 1-based number."""
        return self._write(specs, height)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a block (1-based rows and columns): the first cell's value and look fill it."""
        if (first_row, first_col) == (last_row, last_col):
            return
        spec, size = self._written.get((first_row, first_col), (Spec(), None))
        self.sheet.worksheet.merge_range(
            first_row - 1,
            first_col - 1,
            last_row - 1,
            last_col - 1,
            cell_value(spec.value),
            self._format(spec, size),
        )

    def title(self, text: str, columns: int) -> int:
        """A bold, centred title across the table, unboxed, as the report heads its tables."""
        height = LINE_HEIGHT * lines_needed(text, sum(self.widths[:columns]) * 0.8) + 6
        number = self._write([Spec(text, align=CENTRE, boxed=False)], height, TITLE_SIZE)
        self.merge(number, 1, number, columns)
        return number

    def repeat_rows(self, first: int, last: int) -> None:
        """Print rows ``first``..``last`` (the heading) at the top of every printed page."""
        self.sheet.worksheet.repeat_rows(first - 1, last - 1)

    def height_for(self, text: str, column: int, rows: int = 1) -> float | None:
        """Row height that shows ``text`` in full in ``column`` across ``rows`` rows, or None."""
        lines = lines_needed(text, self.widths[column - 1])
        needed = lines * LINE_HEIGHT + 4
        return None if needed <= LINE_HEIGHT * rows else math.ceil(needed / rows)
