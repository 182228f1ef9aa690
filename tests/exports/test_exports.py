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
        ("-2", "-2"),  # read as the number -2 by a spreadsheet: nothing is evaluated
        ("-3.5%", "-3.5%"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("\n=cmd", "'\n=cmd"),
        ("＝1+1", "'＝1+1"),  # full-width signs, which spreadsheets in Chinese locales evaluate too
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("= 100%", "'= 100%"),
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
    book.row(sheet, [2, "＝1+1", "\n=cmd", "= 100%", 98.0])
    path = tmp_path / "x.xlsx"
    book.save(str(path))
    rows = list(load_workbook(path).active.iter_rows(max_col=5))
    # Formula-like text is a string cell: never evaluated, shown exactly as written.
    assert [[cell.value for cell in row] for row in rows] == [
        ["题号", "=danger", None, None, None],
        [1, "@evil", None, None, None],
        [2, "＝1+1", "\n=cmd", "= 100%", 98.0],
    ]
    assert all(cell.data_type != "f" for row in rows for cell in row)
    assert rows[2][4].value == 98
    assert [cell.data_type for cell in rows[2]] == ["n", "s", "s", "s", "n"]


def test_streamed_and_laid_out_sheets_share_one_workbook(tmp_path: Path) -> None:
    from surveyapp.exports.layout import LaidOutSheet, Spec

    book = XlsxBook()
    table = LaidOutSheet(book, "统计表", [20, 10, 10])
    first = table.append([Spec("1.题目"), Spec("人数"), Spec(3)])
    table.append([Spec(""), Spec("占比"), Spec(0.5, number_format="0.00%")])
    table.merge(first, 1, first + 1, 1)  # given after both rows, as the statistics sheet does
    rows = book.sheet("答卷")
    for number in range(1, 2001):
        book.row(rows, [number, f"r{number}", "=x"])
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    workbook = load_workbook(path)
    laid_out, streamed = workbook["统计表"], workbook["答卷"]
    assert [str(r) for r in laid_out.merged_cells.ranges] == ["A1:A2"]
    assert [[c.value for c in row] for row in laid_out.iter_rows()] == [
        ["1.题目", "人数", 3],
        [None, "占比", 0.5],
    ]
    assert laid_out["C2"].number_format == "0.00%" and laid_out["A1"].border.left.style == "thin"
    values = [[c.value for c in row] for row in streamed.iter_rows()]
    assert len(values) == 2000 and values[0] == [1, "r1", "=x"] and values[-1] == [2000, "r2000", "=x"]
    assert streamed["C1"].data_type == "s"


def test_streamed_rows_take_lazy_texts_and_leave_nan_empty(tmp_path: Path) -> None:
    from flask_babel import lazy_gettext

    book = XlsxBook()
    sheet = book.sheet("答卷")
    book.row(sheet, [1, lazy_gettext("Channel"), float("nan"), "=x"])
    path = tmp_path / "lazy.xlsx"
    book.save(path)
    row = next(load_workbook(path).active.iter_rows(values_only=True))
    assert row == (1, "Channel", None, "=x")
