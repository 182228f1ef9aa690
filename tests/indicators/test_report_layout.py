"""The indicator table's workbook and Word summary print like the report: read back cell for cell."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.indicators.conftest import REPORT_TEMPLATE
from tests.indicators.test_funds_pages import FUNDS_CSV, _import, _settings
from tests.indicators.test_pages import _edit

# Seed facts §3, as the report prints the summary.
SUMMARY = [
    ("A项目决策", 20.0, 20.0, 0.0, 1.0),
    ("B项目管理", 20.0, 18.2, 1.8, 0.91),
    ("C项目绩效", 60.0, 57.0, 3.0, 0.95),
    ("合计", 100.0, 95.2, 4.8, 0.952),
]


def _book(client: FlaskClient, key: str) -> Workbook:
    response = client.get(f"/indicators/{key}/export.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_summary_sheet_is_the_reports_table(evaluator: FlaskClient, report_table: str) -> None:
    sheet = _book(evaluator, report_table)["汇总"]
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == ["项目", "权重分", "得分", "扣分", "得分率"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3, max_row=6)]
    assert [r[0] for r in rows] == [s[0] for s in SUMMARY]
    for row, printed in zip(rows, SUMMARY, strict=True):
        assert row[1:] == pytest.approx(printed[1:])
    assert sheet["C6"].number_format == "0.00" and sheet["E6"].number_format == "0.00%"
    assert sheet["A6"].font.b and sheet["C6"].font.b
    assert (sheet["A7"].value, sheet["B7"].value) == ("评价等级", "优")
    assert sheet["E4"].border.bottom.style == "thin"
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.paperSize == 9


def test_full_sheet_merges_levels_and_names_types_and_rules(
    evaluator: FlaskClient, report_table: str
) -> None:
    sheet = _book(evaluator, report_table)["指标体系"]
    headings = [c.value for c in sheet[2]]
    assert headings[:4] == ["一级指标", "二级指标", "三级指标", "四级指标"]
    column = {name: index + 1 for index, name in enumerate(headings)}
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 30  # the 30 fourth-level indicators
    merged = [r for r in sheet.merged_cells.ranges if r.min_col == 1 and r.min_row > 2]
    assert len(merged) == 3  # A 项目决策, B 项目管理, C 项目绩效 each merged down their rows
    assert sum(r.max_row - r.min_row + 1 for r in merged) == 30
    subsidised = next(r for r in rows if r[column["编号"] - 1] == "C.1.1.1")
    assert subsidised[column["四级指标"] - 1] == "补助人数"
    assert subsidised[column["指标值"] - 1] == "≥ 20000 人"
    assert subsidised[column["指标类型"] - 1] == "数量"
    assert subsidised[column["评分规则"] - 1] not in ("target", "proportional", "inverse", "banded", "manual")
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_published_target_reads_as_printed_without_apostrophe(
    evaluator: FlaskClient, report_table: str
) -> None:
    sheet = _book(evaluator, report_table)["指标体系"]
    headings = [c.value for c in sheet[2]]
    target = headings.index("指标值") + 1
    cells = [sheet.cell(r, target) for r in range(3, sheet.max_row + 1)]
    equal = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert equal, "the report's table has targets such as '= 100 %'"
    assert all(c.data_type == "s" and not c.value.startswith("'") for c in equal)


def test_typed_formula_stays_text(evaluator: FlaskClient, report_table: str) -> None:
    formula = '=HYPERLINK("http://example.invalid","x")'
    assert _edit(evaluator, report_table, "B.1.3.3", manual_score="1", reason=formula)[0] == 303
    book = _book(evaluator, report_table)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_funds_sheet_has_totals_and_completion_rate(evaluator: FlaskClient, report_table: str) -> None:
    assert _import(evaluator, report_table, "funds.csv", FUNDS_CSV.read_bytes())[0] == 303
    assert _settings(evaluator, report_table, standard="200", people_target="20000") == 303
    book = _book(evaluator, report_table)
    assert book.sheetnames == ["指标体系", "汇总", "使用情况表", "说明"]
    sheet = book["使用情况表"]
    assert [c.value for c in sheet[2]] == ["县(市、区)", "下拨资金（万元）", "补助人数", "市县承担比例"]
    first = [c.value for c in sheet[3]]
    assert first == ["宜良县", 32.5, 2809, "5:5"]
    total = [c.value for c in sheet[12]]
    assert total[:3] == ["合计", pytest.approx(317.395), 23186]
    completion = sheet[13]
    assert completion[0].value == "任务完成率"
    assert completion[1].value == pytest.approx(1.1593) and completion[1].number_format == "0.00%"


def test_word_summary_holds_the_report_table(evaluator: FlaskClient, report_table: str) -> None:
    response = evaluator.get(f"/indicators/{report_table}/export.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["项目", "权重分", "得分", "扣分", "得分率"]
    assert rows[2] == ["B项目管理", "20.00", "18.20", "1.80", "91.00%"]
    assert rows[4] == ["合计", "100.00", "95.20", "4.80", "95.20%"]
    assert any("优" in p.text and "95.20" in p.text for p in document.paragraphs)


def test_command_line_writes_the_word_summary(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    result = runner.invoke(args=["indicators", "score", REPORT_TEMPLATE, "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [[cell.text for cell in row.cells] for row in Document(str(out)).tables[0].rows]
    assert rows[1] == ["A项目决策", "20.00", "20.00", "0.00", "100.00%"]


def _boxed(sheet: Worksheet, first_row: int) -> None:
    for row in sheet.iter_rows(min_row=first_row, max_row=sheet.max_row):
        for cell in row:
            if not isinstance(cell, MergedCell) and cell.value is not None:
                sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
                assert all(side.style == "thin" for side in sides), (sheet.title, cell.coordinate)


def _fits_a4_one_page_wide(sheet: Worksheet, heading: str) -> None:
    assert sheet.page_setup.paperSize == 9, sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    # fitToWidth may be left out: 1 page wide is its default in the file format
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
    assert sheet.print_title_rows == heading, sheet.title


def test_full_sheet_is_boxed_wrapped_and_prints_its_heading_on_every_page(
    evaluator: FlaskClient, report_table: str
) -> None:
    sheet = _book(evaluator, report_table)["指标体系"]
    assert "A1" in {str(r).split(":")[0] for r in sheet.merged_cells.ranges}  # the title across
    assert sheet["A1"].border.left.style is None
    assert all(cell.font.b and cell.alignment.horizontal == "center" for cell in sheet[2])
    _boxed(sheet, 2)
    headings = [c.value for c in sheet[2]]
    for name in ("四级指标", "指标值"):
        column = headings.index(name) + 1
        assert all(sheet.cell(r, column).alignment.wrap_text for r in range(3, sheet.max_row + 1)), name
    _fits_a4_one_page_wide(sheet, "$2:$2")


def test_funds_sheet_is_boxed_in_number_formats_and_prints_like_the_report(
    evaluator: FlaskClient, report_table: str
) -> None:
    assert _import(evaluator, report_table, "funds.csv", FUNDS_CSV.read_bytes())[0] == 303
    assert _settings(evaluator, report_table, standard="200", people_target="20000") == 303
    book = _book(evaluator, report_table)
    sheet = book["使用情况表"]
    assert sheet["B3"].data_type == "n" and sheet["C3"].data_type == "n"
    assert sheet["C12"].number_format == "0"
    assert sheet["A12"].font.b
    _boxed(sheet, 2)
    _fits_a4_one_page_wide(sheet, "$2:$2")
    _fits_a4_one_page_wide(book["汇总"], "$2:$2")
