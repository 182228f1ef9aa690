"""An evaluator scores the report's table and checks its funds sheet from the command line."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook

from surveyapp.models import Campaign
from tests.indicators.conftest import REPORT_TEMPLATE, add_response, store_report_responses

# The report's summary table (seed facts §3): 项目 / 权重分 / 得分 / 扣分 / 得分率.
REPORT_SUMMARY = [
    ("A项目决策", 20.00, 20.00, 0.00, 1.0000),
    ("B项目管理", 20.00, 18.20, 1.80, 0.9100),
    ("C项目绩效", 60.00, 57.00, 3.00, 0.9500),
    ("合计", 100.00, 95.20, 4.80, 0.9520),
]
FUNDS_CSV = str(files("analysis.indicators.tables") / "kunming-2022-funds.csv")


def test_list_shows_both_templates_and_stored_tables(runner: FlaskCliRunner, report_table: str) -> None:
    result = runner.invoke(args=["indicators", "list"])
    assert result.exit_code == 0, result.output
    assert f"template\t{REPORT_TEMPLATE}\t" in result.output
    assert "template\tnational-framework\t" in result.output
    assert f"table\t{report_table}\t" in result.output and "\t95.20\t优" in result.output


def test_score_json_reproduces_the_report(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["indicators", "score", REPORT_TEMPLATE, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 95.2 and data["grade"] == "优"
    levels = [(x["name"], x["points"], x["score"], x["deducted"]) for x in data["levels"]]
    assert levels == [
        ("项目决策", 20.0, 20.0, 0.0),
        ("项目管理", 20.0, 18.2, 1.8),
        ("项目绩效", 60.0, 57.0, 3.0),
    ]
    # 3 first-level, 8 second-level, 19 third-level, 30 fourth-level rows.
    second = [c for level in data["levels"] for c in level["children"]]
    third = [c for node in second for c in node["children"]]
    fourth = [c for node in third for c in node["children"]]
    assert (len(second), len(third), len(fourth)) == (8, 19, 30)


def test_score_xlsx_opens_with_the_report_summary(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "table.xlsx"
    result = runner.invoke(args=["indicators", "score", REPORT_TEMPLATE, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    # Row 1 is the table's title; the grade follows the 合计 row.
    summary = [tuple(row) for row in book["汇总"].iter_rows(min_row=2, max_row=6, values_only=True)]
    assert summary[0] == ("项目", "权重分", "得分", "扣分", "得分率")
    assert [(r[0], r[1], r[2], r[3], round(r[4], 4)) for r in summary[1:]] == REPORT_SUMMARY
    assert book["汇总"]["E3"].number_format == "0.00%"
    full = list(book["指标体系"].iter_rows(min_row=2, values_only=True))
    assert full[0][:4] == ("一级指标", "二级指标", "三级指标", "四级指标")
    assert len(full) == 1 + 30
    people = next(row for row in full if row[4] == "C.1.1.1")
    assert people[3] == "补助人数" and people[7] == "≥ 20000 人" and people[8] == "23186 人"


def test_score_a_file_path_and_refuse_bad_input(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: t\nlevels: []\n", encoding="utf-8")
    result = runner.invoke(args=["indicators", "score", str(broken)])
    assert result.exit_code != 0 and "levels: expected a non-empty list" in result.output
    result = runner.invoke(args=["indicators", "score", "no-such-table"])
    assert result.exit_code != 0 and "no-such-table" in result.output
    result = runner.invoke(args=["indicators", "score", REPORT_TEMPLATE, "--format", "xlsx"])
    assert result.exit_code != 0 and "-o FILE" in result.output
    assert "Traceback" not in result.output


def test_score_with_campaign_feeds_the_satisfaction_row(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign
) -> None:
    store_report_responses(app, campaign)
    # One more respondent answering B (满意, 90%) everywhere: (328 + 0.9 x (82 + 10)) / 42 x 10
    # = 410.8 / 42 x 10 = 97.8095..., printed 97.81.
    add_response(app, campaign, "late-1", "B")
    result = runner.invoke(args=["indicators", "score", REPORT_TEMPLATE, "--campaign", campaign.slug])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    leaf = data["levels"][2]["children"][2]["children"][0]["children"][0]
    assert leaf["id"] == "C.3.1.1" and leaf["actual"] == 97.81 and leaf["example"] is False
    assert leaf["source"]["campaign"] == campaign.slug and leaf["source"]["respondents"] == 42
    # 97.81 against ≥ 80%: still full marks, so the total stays 95.20.
    assert leaf["score"] == 10.0 and data["total"] == 95.2


def test_score_with_campaign_needs_a_target_on_the_national_framework(
    app: Flask, runner: FlaskCliRunner, campaign: Campaign
) -> None:
    store_report_responses(app, campaign)
    result = runner.invoke(args=["indicators", "score", "national-framework", "--campaign", campaign.slug])
    assert result.exit_code != 0 and "set a target" in result.output


def test_funds_command_flags_the_report_mismatches(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["indicators", "funds", FUNDS_CSV, "--target", "20000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["funds"] == "317.395" and data["people"] == 23186
    assert data["completion_rate"] == "115.93"  # 23186 / 20000 = 1.1593
    by_county = {f["county"]: f for f in data["findings"]}
    # 石林县: 1000 people x 200 元 x 5/10 = 100000 元 = 10 万元 against 32 万元 paid.
    assert by_county["石林县"]["expected"] == "10" and by_county["石林县"]["difference"] == "22"
    # 东川区: 3519 x 200 x 7/10 = 492660 元 = 49.266 万元 against 75.5.
    assert by_county["东川区"]["expected"] == "49.266"
    # The printed 合计 (317.395, 23186) matches its rows: no total finding.
    assert not [f for f in data["findings"] if f["kind"].startswith("printed_total")]


def test_funds_command_reports_bad_rows_by_row_and_column(runner: FlaskCliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "funds.csv"
    sheet.write_text(
        "county,funds,people,city_share,county_share\n石林县,32,1000,5,5\n晋宁区,13.075元,1860,5,6\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["indicators", "funds", str(sheet)])
    assert result.exit_code != 0
    assert "Row 3, column funds: 13.075元 is not a number." in result.output
    assert "Row 3, cost share" in result.output


def test_funds_command_reads_a_gb18030_csv(runner: FlaskCliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "funds.csv"
    sheet.write_bytes("县区,市级资金,人数,市级比例,县级比例\n石林县,32,1000,5,5\n".encode("gb18030"))
    result = runner.invoke(args=["indicators", "funds", str(sheet), "--json"])
    assert result.exit_code == 0, result.output
    # 1000 people x 200 元 x 5/10 = 10 万元 against 32 paid: one finding, 22 万元 over.
    data = json.loads(result.output)
    assert data["funds"] == "32" and data["people"] == 1000
    assert [(f["county"], f["difference"]) for f in data["findings"]] == [("石林县", "22")]
