"""Reading an import file into a header and rows of text, whatever Excel saved it as."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

#: Tried in this order: UTF-8 (with or without BOM), then GB18030 as Chinese Excel saves CSV.
ENCODINGS = ("utf-8-sig", "gb18030")


class ImportFileError(ValueError):
    """The file cannot be read at all (as opposed to a bad row)."""


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
    raise ImportFileError("the file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX")


def _cell(value: Any) -> Any:
    """Text trimmed, empty text as None; dates and numbers as they are."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet(table: list[list[Any]]) -> Sheet:
    if not table or not any(v is not None and str(v).strip() for v in table[0]):
        raise ImportFileError("the file has no header row (q1, q2, ...)")
    header = [str(v).strip().lower() if v is not None else "" for v in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = [_cell(v) for v in values]
        if all(v is None for v in cells):
            continue  # blank lines at the end of a spreadsheet
        if len(cells) > len(header) and any(v is not None for v in cells[len(header) :]):
            raise ImportFileError(f"row {number} has more cells than the header has columns")
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
        raise ImportFileError(f"the file is not a readable XLSX workbook ({error})") from error
    try:
        sheet = book.worksheets[0]
        return _sheet([list(row) for row in sheet.iter_rows(values_only=True)])
    finally:
        book.close()


def read_file(path: Path) -> Sheet:
    """Read a .csv or .xlsx file."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return read_csv(data)
    raise ImportFileError("the file must end in .csv or .xlsx")


def is_date(value: Any) -> bool:
    """Whether a cell already holds a date or time (XLSX cells do)."""
    return isinstance(value, datetime | date)
