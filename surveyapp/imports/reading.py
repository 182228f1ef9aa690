"""The one spreadsheet reader: an uploaded or given CSV or XLSX file as a header and rows.

Responses, rosters, the cross-check lists and the funds sheet are all read here, so a CSV that
Chinese Excel saved (GB18030) is read the same way everywhere.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from surveyapp.domain import DomainError

#: Tried in this order: UTF-8 (with or without BOM), then GB18030 as Chinese Excel saves CSV.
ENCODINGS = ("utf-8-sig", "gb18030")


class ImportFileError(DomainError):
    """The file cannot be read at all (as opposed to a bad row); the message is translated."""


@dataclass(frozen=True)
class Sheet:
    """The header (lower-cased, trimmed) and the data rows, each with its row number in the file."""

    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_l("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX."))


def _cell(value: Any) -> Any:
    """Text trimmed, empty text as None; dates and numbers as they are."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet(table: list[list[Any]]) -> Sheet:
    if not table or not any(v is not None and str(v).strip() for v in table[0]):
        raise ImportFileError(_l("The file has no heading row."))
    header = [str(v).strip().lower() if v is not None else "" for v in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = [_cell(v) for v in values]
        if all(v is None for v in cells):
            continue  # blank lines at the end of a spreadsheet
        if len(cells) > len(header) and any(v is not None for v in cells[len(header) :]):
            raise ImportFileError(
                _l("Row %(row)s has more cells than the heading row has columns.", row=number)
            )
        rows.append((number, {name: v for name, v in zip(header, cells, strict=False) if name}))
    return Sheet(header, rows)


def read_csv(data: bytes) -> Sheet:
    """A CSV file in UTF-8 (BOM or not) or GB18030."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","  # tab-separated text
    return _sheet([list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)])


def read_xlsx(data: bytes) -> Sheet:
    """The first sheet of an XLSX workbook, read without loading styles."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_l("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = book.worksheets[0]
        return _sheet([list(row) for row in sheet.iter_rows(values_only=True)])
    finally:
        book.close()


def read_upload(filename: str, data: bytes) -> Sheet:
    """Read a file's content by its name: ``.xlsx``, or ``.csv`` (``.txt``: tab-separated text)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return read_csv(data)
    raise ImportFileError(_l("Send a .csv or .xlsx file."))


def read_file(path: Path) -> Sheet:
    """Read a .csv or .xlsx file."""
    return read_upload(path.name, path.read_bytes())


def is_date(value: Any) -> bool:
    """Whether a cell already holds a date or time (XLSX cells do)."""
    return isinstance(value, datetime | date)
