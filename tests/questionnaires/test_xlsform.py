"""An XLSForm workbook (ODK / KoboToolbox) becomes a questionnaire; mistakes name sheet, row and column."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from surveyapp.questionnaires.spec import QuestionnaireFileError, QuestionnaireSpec
from surveyapp.questionnaires.xlsform import read_xlsform
from tests.questionnaires.workbooks import report_sheets, workbook_bytes


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _read(sheets: dict[str, list[list[Any]]]) -> QuestionnaireSpec:
    return read_xlsform(workbook_bytes(sheets), "form.xlsx")


def _problems(sheets: dict[str, list[list[Any]]]) -> list[str]:
    with pytest.raises(QuestionnaireFileError) as raised:
        _read(sheets)
    return [f"{place}: {message}" for place, message in raised.value.problems]


def test_the_reports_questionnaire_as_xlsform(english: None) -> None:
    spec = _read(report_sheets())
    assert spec.key == "kunming-2022-pension-xls"  # form_id with _ written as -
    assert spec.title == "昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷"
    assert spec.language == "zh-CN"  # from the label::Chinese (zh) column
    assert spec.introduction is not None and spec.introduction.startswith("您好！")
    assert len(spec.questions) == 10
    assert spec.questions[0].text == "您对该项目2022年工作的总体评价是："
    assert all(q.points == Decimal(10) and q.required for q in spec.questions)  # 100 points / 10 questions
    assert [(o.code, o.label, o.weight) for o in spec.scale] == [
        ("A", "非常满意", Decimal(1)),
        ("B", "满意", Decimal("0.9")),  # the report's 90 %
        ("C", "一般", Decimal("0.6")),
        ("D", "不满意", Decimal("0.3")),
        ("E", "很不满意", Decimal(0)),
    ]


def test_weights_as_percentages_and_xlsforms_optional_default(english: None) -> None:
    sheets = report_sheets()
    sheets["choices"][2][3] = "90%"
    sheets["survey"] = [[c for c in row[:3]] for row in sheets["survey"]]  # no "required" column
    spec = _read(sheets)
    assert spec.scale[1].weight == Decimal("0.9")
    assert not any(q.required for q in spec.questions)  # XLSForm: not required unless said so


def test_each_mistake_names_sheet_row_and_column(english: None) -> None:
    sheets = report_sheets()
    sheets["choices"][2][3] = 1.5  # option B, row 3
    sheets["survey"][5][0] = "geopoint"  # question 3, row 6
    sheets["survey"][6][0] = "select_one other_list"  # question 4, row 7
    sheets["survey"][7][0] = "begin repeat"  # row 8
    assert _problems(sheets) == [
        "sheet “survey”, row 6, column “type”: the question type “geopoint” cannot be asked here "
        "(supported: date, decimal, integer, note, range, select_multiple, select_one, text)",
        "sheet “survey”, row 7, column “type”: there is no choice list “other_list” in the choices sheet",
        "sheet “survey”, row 8, column “type”: repeats cannot be asked here: ask each question once",
        "sheet “choices”, row 3, column “weight”: weights are between 0 and 1, e.g. 0.9 or 90% (found “1.5”)",
    ]


def test_missing_label_once_per_row_and_missing_weights_get_the_default(english: None) -> None:
    sheets = report_sheets()
    sheets["survey"][3][2] = None  # question 1 without its text
    assert _problems(sheets) == [
        "sheet “survey”, row 4, column “label::Chinese (zh)”: the question has no label"
    ]
    sheets = report_sheets()
    for row in sheets["choices"][1:]:
        row[3] = None  # no weights at all: the scale reads as satisfaction, best first
    spec = _read(sheets)
    assert [o.weight for o in spec.scale] == [
        Decimal(1),
        Decimal("0.9"),
        Decimal("0.6"),
        Decimal("0.3"),
        Decimal(0),
    ]


def test_common_checks_are_placed_in_the_workbook_too(english: None) -> None:
    sheets = report_sheets()
    sheets["choices"][2][1] = "A"  # two options coded A
    assert _problems(sheets) == ["sheet “choices”, row 3, column “name”: duplicate option code “A”"]


def test_missing_sheet_and_not_a_workbook(english: None) -> None:
    sheets = report_sheets()
    del sheets["choices"]
    assert _problems(sheets) == ["sheet “choices”: the workbook has no sheet named “choices”"]
    with pytest.raises(QuestionnaireFileError) as raised:
        read_xlsform(b"id: not a workbook\n", "form.xlsx")
    assert raised.value.problems == [("", "this is not an Excel workbook (.xlsx or .xls)")]


def test_mistakes_in_chinese_by_default(app: Flask) -> None:
    sheets = report_sheets()
    sheets["choices"][2][3] = "很多"
    with app.test_request_context(), pytest.raises(QuestionnaireFileError) as raised:
        _read(sheets)
    assert raised.value.problems == [("工作表“choices”第 3 行“weight”列", "“很多”不是数字")]
