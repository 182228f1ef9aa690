"""Streamed CSV and XLSX, so large exports never build in memory.

XLSX is written with XlsxWriter. A streamed sheet (the individual responses) is in its
constant-memory mode: each row goes to a temporary file as soon as the next row starts, so a
workbook of 100,000 responses takes no more memory than one of ten; its rows are written top to
bottom. A small laid-out sheet (the statistics table, with cells merged across rows) is kept in
memory until the workbook is saved.
Text is always written as a string cell, never as a formula or a link (see
:mod:`surveyapp.exports.cells`).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from surveyapp.exports.cells import safe_cell

UTF8_BOM = "\ufeff"
#: Date cells as the report writes dates and times.
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: XlsxWriter's options: strings are strings, never formulas, links or numbers.
BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": DATE_FORMAT,
}
_NUMBERS = (int, float, Decimal)
_KEPT = (bool, int, float, Decimal, datetime, date)


def csv_chunks(rows: Iterable[Sequence[Any]], *, bom: bool = True, batch: int = 1000) -> Iterator[str]:
    """CSV text in chunks of ``batch`` rows; UTF-8 with a BOM so Excel on Chinese Windows reads it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(UTF8_BOM)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def cell_value(value: Any) -> Any:
    """A value as an XLSX cell takes it: numbers, dates and booleans kept, anything else as text.

    NaN and infinite numbers (a figure nobody answered) are left empty: no spreadsheet error
    value appears in a published table.
    """
    if value is None or isinstance(value, _KEPT):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return None
        return value
    return str(value)


class XlsxSheet:
    """One sheet of an :class:`XlsxBook`, written row after row."""

    def __init__(self, book: XlsxBook, worksheet: Any) -> None:
        self.book = book
        self.worksheet = worksheet
        self.next_row = 0  #: the 0-based index of the next row to write

    def append(self, values: Sequence[Any], cell_format: Any = None) -> int:
        """Write one row of plain values; returns its 0-based index."""
        index = self.next_row
        try:  # the common case: plain values, which XlsxWriter writes as they are
            self.worksheet.write_row(index, 0, values, cell_format)
        except TypeError:  # a lazy text, a NaN: made plain, the row written again in place
            self.worksheet.write_row(index, 0, [cell_value(v) for v in values], cell_format)
        self.next_row += 1
        return index


class XlsxBook:
    """A workbook written to a temporary file as its rows come; memory stays flat."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the book
        self.book = xlsxwriter.Workbook(self._file, BOOK_OPTIONS)
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self._closed = False

    def style(self, **properties: Any) -> Any:
        """A cell format with these XlsxWriter properties, made once per workbook."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]

    def sheet(self, title: str, widths: Sequence[float] = (), *, streamed: bool = True) -> XlsxSheet:
        """A new sheet; column widths in characters.

        A streamed sheet is written to disk row by row; one that is not (``streamed=False``) is
        kept in memory, so its cells may be written in any order and merged across rows.
        """
        if streamed:
            worksheet = self.book.add_worksheet(title[:31])
        else:
            # XlsxWriter sets the mode per workbook and copies it to each sheet as the sheet is
            # added; a sheet added with it off keeps its cells in memory and has no row file for
            # the workbook to close. tests/exports/test_exports.py checks both kinds in one book.
            self.book.constant_memory = False
            try:
                worksheet = self.book.add_worksheet(title[:31])
            finally:
                self.book.constant_memory = True
            worksheet.row_data_fh_closed = True
        for index, width in enumerate(widths):
            worksheet.set_column(index, index, width)
        return XlsxSheet(self, worksheet)

    def header(self, sheet: XlsxSheet, values: Sequence[Any]) -> None:
        """A bold heading row."""
        sheet.append(values, self.style(bold=True))

    def row(self, sheet: XlsxSheet, values: Sequence[Any], number_format: str | None = None) -> None:
        """A row of cells; ``number_format`` (e.g. ``0.00``) applies to its numbers."""
        if number_format is None:
            sheet.append(values)
            return
        index, numbers = sheet.next_row, self.style(num_format=number_format)
        for column, value in enumerate(values):
            value = cell_value(value)
            is_number = isinstance(value, _NUMBERS) and not isinstance(value, bool)
            sheet.worksheet.write(index, column, value, numbers if is_number else None)
        sheet.next_row += 1

    def _finish(self) -> IO[bytes]:
        if not self._closed:
            self.book.close()
            self._closed = True
        self._file.seek(0)
        return self._file

    def save(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write the workbook to a path or a binary file."""
        with self._finish() as source:
            if isinstance(target, str | os.PathLike):
                with open(target, "wb") as handle:
                    shutil.copyfileobj(source, handle)
            else:
                shutil.copyfileobj(source, target)

    def to_spooled_file(self) -> IO[bytes]:
        """The workbook as a rewound binary file, for streaming to a download (the caller closes it)."""
        return self._finish()
