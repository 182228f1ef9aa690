"""The evaluator's XLSX prints like the report's 问卷统计表: read back cell for cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from surveyapp.models import Campaign

OPTIONS = ["A（非常满意）", "B（满意）", "C（一般）", "D（不满意）", "E（很不满意）"]


@pytest.fixture
def table(runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path) -> Worksheet:
    target = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", report_campaign.slug, "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return load_workbook(target)["问卷统计表"]


def test_heading_is_merged_over_two_rows(table: Worksheet) -> None:
    merged = {str(r) for r in table.merged_cells.ranges}
    assert {"A1:H1", "A2:A3", "B2:B3", "C2:G2", "H2:H3"} <= merged
    assert table["A1"].value.endswith("满意度调查问卷统计表")
    assert [table.cell(2, c).value for c in (1, 2, 3, 8)] == ["问卷题目及选项", "项目", "选项", "合计人数"]
    assert [table.cell(3, c).value for c in range(3, 8)] == OPTIONS
    assert table["C3"].font.b and table["C3"].alignment.horizontal == "center"


def test_each_question_has_three_rows_its_text_merged_and_wrapped(table: Worksheet) -> None:
    merged = {str(r) for r in table.merged_cells.ranges}
    # Ten questions of three rows from row 4, then the totals (rows 34-36) and the score (37).
    assert {f"A{4 + 3 * q}:A{6 + 3 * q}" for q in range(11)} <= merged
    question2 = table["A7"].value
    assert question2.startswith("2.您认为该项目在做好昆明市城乡残疾人社会养老保险补助经费")
    assert question2.endswith("真实性审核方面做得如何：")
    assert table["A7"].alignment.wrap_text
    # 55 Chinese characters and "2." need four lines of 16 characters in a 34-wide column.
    assert int(table.column_dimensions["A"].width) == 34  # Excel stores 34 characters as 34.71 (padding)
    assert sum(table.row_dimensions[r].height for r in (7, 8, 9)) >= 4 * 15
    assert [table.cell(r, 2).value for r in (7, 8, 9)] == ["人数", "占比", "分数"]


def test_figures_are_numbers_in_the_report_formats(table: Worksheet) -> None:
    # Question 6 (rows 19-21): 31 / 75.61% / 7.56 and 10 / 24.39% / 2.20, total 9.76.
    assert [table.cell(19, c).value for c in range(3, 9)] == [31, 10, 0, 0, 0, 41]
    assert table["C20"].value == pytest.approx(0.7561) and table["C20"].number_format == "0.00%"
    assert table["D21"].value == pytest.approx(2.20) and table["D21"].number_format == "0.00"
    assert table["H21"].value == pytest.approx(9.76) and table["H21"].font.b
    assert table["H20"].value == 1 and table["H20"].number_format == "0.00%"
    assert table["C19"].number_format == "0"


def test_totals_and_final_score(table: Worksheet) -> None:
    assert [table.cell(34, c).value for c in range(1, 9)] == ["合计", "人数", 328, 82, 0, 0, 0, 410]
    assert table["C35"].value == pytest.approx(0.80) and table["C35"].number_format == "0.00%"
    assert table["D36"].value == pytest.approx(18.0) and table["H36"].value == pytest.approx(98.0)
    assert [table.cell(37, c).value for c in (1, 2, 3)] == ["最终得分", "权重", 98.0]
    assert table["C37"].number_format == "0.00"
    assert "C37:H37" in {str(r) for r in table.merged_cells.ranges}
    assert table.max_row == 37


def test_every_table_cell_has_a_border(table: Worksheet) -> None:
    for row in table.iter_rows(min_row=2, max_row=37, max_col=8):
        for cell in row:
            if not isinstance(cell, MergedCell):
                sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
                assert all(side.style == "thin" for side in sides), cell.coordinate
    for merged in table.merged_cells.ranges:
        if merged.min_row > 1:  # the title stands above the table, unboxed
            assert table.cell(merged.max_row, merged.max_col).border.bottom.style == "thin"
            assert table.cell(merged.max_row, merged.max_col).border.right.style == "thin"
    assert table["A1"].border.left.style is None


def test_prints_on_a4_one_page_wide_with_the_heading_on_every_page(table: Worksheet) -> None:
    assert table.page_setup.paperSize == 9
    assert table.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth may be left out: 1 page wide is its default in the file format
    assert (table.page_setup.fitToWidth or 1, table.page_setup.fitToHeight) == (1, 0)
    assert table.print_title_rows == "$2:$3"
