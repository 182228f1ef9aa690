"""An XLSForm download of a stored questionnaire reads back as the same questionnaire."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import QuestionnaireVersion
from surveyapp.questionnaires.describe import version_as_dict
from surveyapp.questionnaires.services import find_version, store_questionnaire
from surveyapp.questionnaires.xlsform import read_xlsform
from surveyapp.questionnaires.xlsform_export import xlsform_bytes


@pytest.mark.parametrize("key", ["kunming-2022-pension-satisfaction", "kunming-2022-pension-survey"])
def test_round_trip(app: Flask, questionnaire: QuestionnaireVersion, key: str) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        original = find_version(key)
        assert original is not None
        spec = read_xlsform(xlsform_bytes(original), f"{key}.xlsx")
        assert spec.key == key
        copy, created = store_questionnaire(replace(spec, version=2), "copy.xlsx")
        db.session.flush()
        assert created
        before, after = version_as_dict(original), version_as_dict(copy)
        assert after["items"] == before["items"]
        assert after["introduction"] == before["introduction"]
        assert (
            after["title"][after["default_language"][:2]] == before["title"][before["default_language"][:2]]
        )
        assert after["default_language"] == before["default_language"]
        assert after["form_version"] == (before["form_version"] or "1")


def test_select_one_questions_on_two_weighted_lists_are_both_scored_and_round_trip(
    app: Flask, questionnaire: QuestionnaireVersion
) -> None:
    from surveyapp.questionnaires.defaults import describe_scoring
    from tests.questionnaires.workbooks import workbook_bytes

    sheets = {
        "survey": [
            ["type", "name", "label", "points"],
            ["select_one sat", "service", "您对经办服务是否满意？", 30],
            ["select_one sat", "payment", "您对补贴发放是否满意？", 30],
            ["select_one agree", "burden", "补贴减轻了家庭负担。", 40],
            ["select_one sex", "sex", "性别", None],
            ["select_multiple help", "help", "您得到过哪些帮助？", None],
        ],
        "choices": [
            ["list_name", "name", "label", "weight"],
            ["sat", "A", "非常满意", 1],
            ["sat", "B", "满意", 0.8],
            ["sat", "C", "不满意", 0.4],
            ["sat", "D", "非常不满意", 0],
            ["agree", "1", "不同意", 0],  # worst first: satisfied follows the weight
            ["agree", "2", "一般", 0.5],
            ["agree", "3", "同意", 1],
            ["sex", "m", "男", None],
            ["sex", "f", "女", None],
            ["help", "visit", "上门服务", 1],
            ["help", "phone", "电话咨询", 0.5],
        ],
        "settings": [["form_id", "version", "form_title"], ["two_lists", "1", "两种量表"]],
    }
    with app.test_request_context(headers={"Accept-Language": "en"}):
        spec = read_xlsform(workbook_bytes(sheets), "two_lists.xlsx")
        kinds = [(q.name, q.type, q.list_name) for q in spec.questions if q.number is not None]
        assert kinds == [
            ("service", "scale", "scale"),
            ("payment", "scale", "scale"),
            ("burden", "scale", "agree"),
            ("sex", "select_one", "sex"),  # no weights, not a scale: asked, not scored
            ("help", "select_multiple", "help"),  # weights, but several answers: not scored
        ]
        stored, _ = store_questionnaire(spec, "two_lists.xlsx")
        db.session.flush()
        assert stored.scored_lists == ["scale", "agree"]
        lists = {name: stored.choice_list(name) for name in ("scale", "agree", "sex", "help")}
        remarks = describe_scoring(stored.scale, stored.questions, lists, stored.scale_list)
        assert remarks[0].startswith("Scored: questions 1, 2 on the scale A 非常满意 100 %")
        assert remarks[1].startswith("Scored: questions 3 on the scale 1 不同意 0 %")
        assert remarks[1].endswith("satisfied: 3.") and remarks[2] == "Not scored: questions 4, 5."
        assert remarks[3].startswith("The weights of questions 5 are not used")
        again = read_xlsform(xlsform_bytes(stored), "two_lists.xlsx")
        copy, _ = store_questionnaire(replace(again, version=2), "copy.xlsx")
        db.session.flush()
        assert version_as_dict(copy)["items"] == version_as_dict(stored)["items"]
