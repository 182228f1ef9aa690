"""Streamed CSV and XLSX, so large exports never build in memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from surveyapp.exports.cells import safe_cell, written_cell, xlsx_cell

UTF8_BOM = "\ufeff"
BOLD = Font(bold=True)


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


class XlsxBook:
    """A write-only workbook: rows go to disk as they come, memory stays flat."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, widths: Sequence[float] = ()) -> Any:
        """A new sheet; column widths in characters."""
        sheet = self.book.create_sheet(title=title[:31])
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        return sheet

    def header(self, sheet: Any, values: Sequence[Any]) -> None:
        """A bold heading row."""
        cells = []
        for value in values:
            cell = written_cell(sheet, value)
            cell.font = BOLD
            cells.append(cell)
        sheet.append(cells)

    @staticmethod
    def row(sheet: Any, values: Sequence[Any], number_format: str | None = None) -> None:
        """A row of safe cells; ``number_format`` (e.g. ``0.00``) applies to numbers."""
        if number_format is None:
            sheet.append([xlsx_cell(sheet, v) for v in values])
            return
        cells = []
        for value in values:
            cell = written_cell(sheet, value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)

    def save(self, target: str | IO[bytes]) -> None:
        """Write the workbook to a path or a binary file."""
        self.book.save(target)

    def to_spooled_file(self) -> IO[bytes]:
        """The workbook in a temporary file (on disk once large), rewound for streaming."""
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to the caller
        self.book.save(spool)
        spool.seek(0)
        return spool
