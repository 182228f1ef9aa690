"""``questionnaire show KEY --json`` and ``questionnaire load`` of an XLSForm workbook."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from surveyapp.models import QuestionnaireVersion
from tests.questionnaires.workbooks import report_sheets, workbook_bytes


def test_show_json_lists_groups_notes_questions_and_choices(
    runner: FlaskCliRunner, questionnaire: QuestionnaireVersion
) -> None:
    result = runner.invoke(args=["questionnaire", "show", "kunming-2022-pension-survey", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "kunming-2022-pension-survey" and data["version"] == 1
    assert data["form_version"] == "2022-12-01" and data["default_language"] == "zh-CN"
    assert data["languages"] == ["zh", "en"]
    kinds = [item["kind"] for item in data["items"]]
    assert kinds[:3] == ["group", "note", "question"]
    follow_up = next(q for q in data["questions"] if q["name"] == "q1_reasons")
    assert follow_up["relevant"] == "${q1} = 'D' or ${q1} = 'E'" and follow_up["type"] == "select_multiple"
    rated = next(q for q in data["questions"] if q["name"] == "q1")
    assert rated["number"] == 7 and rated["scored"] and rated["texts"]["en"].startswith("Your overall")
    dont_know = rated["choices"][-1]
    assert dont_know == {
        "code": "X",
        "texts": {"zh": "不了解", "en": "Don't know"},
        "weight": 0.0,
        "counted": False,
        "satisfied": False,
    }
    assert [c["code"] for c in rated["choices"] if c["satisfied"]] == ["A", "B"]


def test_load_an_xlsform_workbook_from_the_command_line(
    runner: FlaskCliRunner, app: Flask, tmp_path: Path
) -> None:
    sheets = report_sheets(version="202212011530")
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    result = runner.invoke(args=["questionnaire", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "kunming-2022-pension-xls version 1: loaded" in result.output
    shown = json.loads(
        runner.invoke(args=["questionnaire", "show", "kunming-2022-pension-xls", "--json"]).output
    )
    assert shown["form_version"] == "202212011530"
    assert len(shown["questions"]) == 10
