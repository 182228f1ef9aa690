"""An evaluator exports the report's statistics table: every printed figure, in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook

from surveyapp.extensions import db
from surveyapp.models import Area, Campaign
from surveyapp.survey.services import Submission, submit_response
from tests.scoring.conftest import load

# Seed facts §2: per question (A count, A 占比, A 分数, B count, B 占比, B 分数, total), as printed.
REPORT = {
    1: (34, 82.93, 8.29, 7, 17.07, 1.54, 9.83),
    2: (33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    3: (33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    4: (33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    5: (32, 78.05, 7.80, 9, 21.95, 1.98, 9.78),
    6: (31, 75.61, 7.56, 10, 24.39, 2.20, 9.76),
    7: (33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    8: (34, 82.93, 8.29, 7, 17.07, 1.54, 9.83),
    9: (33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    10: (32, 78.05, 7.80, 9, 21.95, 1.98, 9.78),
}
TOTALS = (328, 80.00, 80.00, 82, 20.00, 18.00, 98.00)


def test_json_report_gives_every_printed_figure(runner: FlaskCliRunner, report_campaign: Campaign) -> None:
    result = runner.invoke(args=["report", report_campaign.slug, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["respondents"], data["score"], data["satisfaction_rate"]) == (41, 98.0, 100.0)
    assert (data["questionnaire"], data["version"]) == ("kunming-2022-pension-satisfaction", 1)
    assert data["scheme"]["key"] == "questionnaire" and data["scheme"]["weights"]["B"] == 0.9
    for question in data["questions"]:
        a, b, c, d, e = question["options"]
        printed = REPORT[question["number"]]
        assert (a["code"], a["count"], a["percent"], a["points"]) == ("A", *printed[0:3])
        assert (b["code"], b["count"], b["percent"], b["points"]) == ("B", *printed[3:6])
        assert [(o["count"], o["percent"], o["points"]) for o in (c, d, e)] == [(0, 0.0, 0.0)] * 3
        assert question["score"] == printed[6]
        assert question["text"].startswith("您")
    a, b, *_ = data["totals"]["options"]
    assert (a["count"], a["percent"], a["points"], b["count"], b["percent"], b["points"]) == TOTALS[:6]
    assert data["totals"]["score"] == 98.0
    # The rounded question totals add up to 97.98; the score is rounded once from 4018 / 41 = 98.
    assert round(sum(q["score"] for q in data["questions"]), 2) == 97.98
    assert data["intervals"]["score"]["respondents"] == 41
    assert data["intervals"]["score"]["population"] == 23186
    assert data["breakdowns"]["channel"] == [
        {"group": "paper", "respondents": 41, "score": 98.0, "satisfaction_rate": 100.0}
    ]


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_is_laid_out_like_the_report(
    runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path
) -> None:
    target = tmp_path / "table.csv"
    result = runner.invoke(args=["report", report_campaign.slug, "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(target.read_bytes().decode("utf-8"))
    header = rows.index(
        [
            "问卷题目及选项",
            "项目",
            "A（非常满意）",
            "B（满意）",
            "C（一般）",
            "D（不满意）",
            "E（很不满意）",
            "合计人数",
        ]
    )
    body = rows[header + 1 :]
    assert body[0] == ["1.您对该项目2022年工作的总体评价是：", "人数", "34", "7", "0", "0", "0", "41"]
    assert body[1] == ["", "占比", "82.93%", "17.07%", "0.00%", "0.00%", "0.00%", "100.00%"]
    assert body[2] == ["", "分数", "8.29", "1.54", "0.00", "0.00", "0.00", "9.83"]
    assert body[5 * 3 + 2][2:] == ["7.56", "2.20", "0.00", "0.00", "0.00", "9.76"]  # question 6
    assert body[30] == ["合计", "人数", "328", "82", "0", "0", "0", "410"]
    assert body[31][2:4] == ["80.00%", "20.00%"]
    assert body[32] == ["", "分数", "80.00", "18.00", "0.00", "0.00", "0.00", "98.00"]
    assert body[33][0] == "最终得分" and body[33][-1] == "98.00"
    provenance = {row[0]: row[1:] for row in rows[:header] if row}
    assert provenance["权重方案"][1].startswith("questionnaire")
    assert provenance["问卷"][1] == "kunming-2022-pension-satisfaction 第1版"


def test_xlsx_has_the_table_the_responses_and_provenance(
    runner: FlaskCliRunner, report_campaign: Campaign, tmp_path: Path
) -> None:
    target = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", report_campaign.slug, "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == ["问卷统计表", "答卷", "说明"]
    table = list(book["问卷统计表"].iter_rows(values_only=True))
    assert table[3] == ("1.您对该项目2022年工作的总体评价是：", "人数", 34, 7, 0, 0, 0, 41)
    assert table[4][2:4] == (0.8293, 0.1707)
    assert table[5][2:] == (8.29, 1.54, 0, 0, 0, 9.83)
    assert book["问卷统计表"]["C5"].number_format == "0.00%"
    assert table[-2][0:2] == (None, "分数") and table[-2][-1] == 98.0
    assert table[-1][0:3] == ("最终得分", "权重", 98.0)
    responses = list(book["答卷"].iter_rows(values_only=True))
    assert responses[0][:6] == ("序号", "提交时间", "渠道", "方式", "地区代码", "地区")
    assert len(responses) == 42
    # Respondent 0 is in the A group of every question; no submission ids leave the server.
    assert (
        responses[1][6:] == ("A",) * 10 and responses[1][2] == "纸质录入"
    )  # the channel by name, not its code
    assert all("report-" not in str(cell) for row in responses for cell in row)
    about = {row[0]: row[1:] for row in book["说明"].iter_rows(values_only=True)}
    assert about["权重方案"][0] == "问卷自带权重"
    assert about["有效问卷"][0] == 41


def test_exports_neutralise_formulas(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign, tmp_path: Path
) -> None:
    with app.app_context():
        stored = load(campaign)
        stored.name = '=HYPERLINK("http://evil.example","x")'
        area = Area(code="-1+1", name="@SUM(1)", level="county")
        db.session.add(area)
        db.session.flush()
        submit_response(stored, Submission("s1", dict.fromkeys(range(1, 11), "A"), "paper", area_id=area.id))
        db.session.commit()
    csv_out = runner.invoke(args=["report", campaign.slug, "--format", "csv"]).output
    assert "'=HYPERLINK" in csv_out
    responses = runner.invoke(args=["report", campaign.slug, "--format", "csv", "--responses"]).output
    assert _csv_rows(responses)[1][4:6] == ["'-1+1", "'@SUM(1)"]
    target = tmp_path / "x.xlsx"
    runner.invoke(args=["report", campaign.slug, "--format", "xlsx", "-o", str(target)])
    book = load_workbook(target)
    # In XLSX, formula-like text is a string cell: never evaluated, read exactly as written.
    assert book["说明"]["B1"].value == '=HYPERLINK("http://evil.example","x")'
    assert book["说明"]["B1"].data_type == "s"
    assert book["答卷"]["E2"].value == "-1+1" and book["答卷"]["F2"].value == "@SUM(1)"
    assert book["答卷"]["E2"].data_type == book["答卷"]["F2"].data_type == "s"
