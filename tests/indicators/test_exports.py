"""An evaluator downloads the table: XLSX that opens cleanly and stays inert, and JSON."""

from __future__ import annotations

import io
import json

from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.indicators.test_pages import _edit


def test_xlsx_download_opens_with_full_table_and_summary(evaluator: FlaskClient, report_table: str) -> None:
    response = evaluator.get(f"/indicators/{report_table}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["指标体系", "汇总", "说明"]
    full = list(book["指标体系"].iter_rows(min_row=2, values_only=True))
    headings = full[0]
    for name in (
        "一级指标",
        "四级指标",
        "权重分",
        "指标值",
        "实际完成值",
        "得分",
        "扣分",
        "得分率",
        "扣分原因",
    ):
        assert name in headings
    manual = dict(zip(headings, next(r for r in full if r[4] == "B.1.3.3"), strict=True))
    # 0.8 of 2 points: 1.2 deducted, rate 40%.
    assert (manual["得分"], manual["扣分"], round(manual["得分率"], 4)) == (0.8, 1.2, 0.4)
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[-2][:4] == ("合计", 100.0, 95.2, 4.8) and summary[-1][:2] == ("评价等级", "优")


def test_exports_neutralise_formulas_typed_as_reasons(evaluator: FlaskClient, report_table: str) -> None:
    formula = '=HYPERLINK("http://example.invalid","x")'
    assert (
        _edit(evaluator, report_table, "B.1.3.3", manual_score="1", reason=formula, evidence="@SUM(A1)")[0]
        == 303
    )
    book = load_workbook(io.BytesIO(evaluator.get(f"/indicators/{report_table}/export.xlsx").data))
    full = list(book["指标体系"].iter_rows(min_row=2, values_only=True))
    headings = full[0]
    row = dict(zip(headings, next(r for r in full if r[4] == "B.1.3.3"), strict=True))
    # Laid-out sheets write text as string cells: shown as typed, never run as a formula.
    assert row["扣分原因"] == formula and row["评价依据"] == "@SUM(A1)"
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in cells)
    data = json.loads(evaluator.get(f"/indicators/{report_table}/export.json").get_data(as_text=True))
    assert data["key"] == report_table and data["total"] == 95.4  # 95.20 + (1 - 0.8)
    assert [row["item"] for row in data["summary"]] == ["A项目决策", "B项目管理", "C项目绩效", "合计"]


def test_published_targets_read_as_printed_without_an_apostrophe(
    evaluator: FlaskClient, report_table: str
) -> None:
    """The report prints targets such as "= 100%" and "≥ 80%": the workbook shows them so."""
    book = load_workbook(io.BytesIO(evaluator.get(f"/indicators/{report_table}/export.xlsx").data))
    sheet = book["指标体系"]
    # Row 1 is the table's title, as the report prints it; row 2 the headings.
    headings = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    column = headings.index("指标值")
    targets = [row[column] for row in sheet.iter_rows(min_row=3) if row[column].value is not None]
    shown = {cell.value for cell in targets}
    assert {"= 100 %", "≥ 80 %"} <= shown  # as the analysis formats the report's targets
    assert not any(str(value).startswith("'") for value in shown)
    assert all(cell.data_type == "s" for cell in targets)
