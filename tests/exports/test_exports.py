"""Exports are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from surveyapp.exports.cells import safe_cell
from surveyapp.exports.streams import XlsxBook, csv_chunks


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 871", "'+86 871"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("非常满意", "非常满意"),
        ("a=b", "a=b"),
        (-2, -2),
        (9.83, 9.83),
        (None, None),
    ],
)
def test_formulas_are_neutralised_numbers_kept(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_has_bom_and_stays_inert() -> None:
    text = "".join(csv_chunks([["code", "label"], ["A", '=HYPERLINK("x")'], ["B", 2]], batch=1))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["code", "label"], ["A", '\'=HYPERLINK("x")'], ["B", "2"]]


def test_xlsx_cells_are_inert(tmp_path: Path) -> None:
    book = XlsxBook()
    sheet = book.sheet("表")
    book.header(sheet, ["题号", "=danger"])
    book.row(sheet, [1, "@evil"], number_format="0.00")
    path = tmp_path / "x.xlsx"
    book.save(str(path))
    values = list(load_workbook(path).active.iter_rows(values_only=True))
    assert values == [("题号", "'=danger"), (1, "'@evil")]
