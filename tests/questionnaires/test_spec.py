"""Questionnaire files: the bundled one is verbatim, mistakes are refused with their place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from surveyapp.questionnaires.reading import parse_questionnaire, read_questionnaire_file
from surveyapp.questionnaires.services import bundled_files
from surveyapp.questionnaires.spec import QuestionnaireFileError
from tests.seed_report import REPORT_QUESTION_TEXTS

BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires" / "kunming-2022-pension-satisfaction.yaml"


def minimal(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test-survey",
        "version": 1,
        "title": "测试问卷",
        "scale": [{"code": "A", "label": "满意", "weight": 1}, {"code": "B", "label": "不满意", "weight": 0}],
        "questions": [{"number": 1, "text": "第一题"}, {"number": 2, "text": "第二题"}],
    }
    data.update(changes)
    return data


def test_bundled_questionnaire_is_the_report_verbatim() -> None:
    spec = read_questionnaire_file(BUNDLED)
    assert spec.key == "kunming-2022-pension-satisfaction"
    assert spec.title == "昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷"
    assert [q.text for q in spec.questions] == REPORT_QUESTION_TEXTS
    assert [(o.code, o.label) for o in spec.scale] == [
        ("A", "非常满意"),
        ("B", "满意"),
        ("C", "一般"),
        ("D", "不满意"),
        ("E", "很不满意"),
    ]
    assert [o.weight for o in spec.scale[:2]] == [Decimal("1.0"), Decimal("0.9")]
    assert sum(q.points for q in spec.questions) == 100
    assert BUNDLED in bundled_files()


def test_points_default_to_an_even_share_of_100() -> None:
    spec = parse_questionnaire(minimal(), "x.yaml")
    assert [q.points for q in spec.questions] == [Decimal(50), Decimal(50)]


def test_uncounted_option_and_seven_point_scale() -> None:
    scale = [
        {"code": c, "label": c, "weight": w}
        for c, w in zip("ABCDEF", [1, 0.8, 0.6, 0.4, 0.2, 0], strict=True)
    ]
    scale.append({"code": "X", "label": "不了解", "weight": 0, "counted": False})
    spec = parse_questionnaire(minimal(scale=scale), "x.yaml")
    assert len(spec.scale) == 7
    assert spec.scale[-1].counted is False


@pytest.mark.parametrize(
    ("changes", "place", "problem"),
    [
        ({"id": "Bad Id"}, "id", "not a valid id"),
        ({"version": 0}, "version", "whole number from 1"),
        ({"title": None}, "", "missing key “title”"),
        ({"scale": [{"code": "A", "label": "好", "weight": 1}]}, "scale", "2 to 7 counted options"),
        (
            {"scale": [{"code": "A", "label": "好", "weight": 1}, {"code": "A", "label": "坏", "weight": 0}]},
            "scale[1].code",
            "duplicate option code “A”",
        ),
        (
            {
                "scale": [
                    {"code": "A", "label": "好", "weight": 1.5},
                    {"code": "B", "label": "坏", "weight": 0},
                ]
            },
            "scale[0].weight",
            "between 0 and 1",
        ),
        (
            {"questions": [{"number": 1, "text": "a"}, {"number": 1, "text": "b"}]},
            "questions[1].number",
            "duplicate question number 1",
        ),
        ({"questions": [{"number": 1}]}, "questions[0]", "missing key “text”"),
        ({"questions": [{"number": 1, "text": "a", "weigth": 2}]}, "questions[0]", "unknown key “weigth”"),
        (
            {"questions": [{"number": 1, "text": "a", "type": "essay"}]},
            "questions[0].type",
            "unknown question type",
        ),
    ],
)
def test_mistakes_name_file_place_and_problem(changes: dict[str, Any], place: str, problem: str) -> None:
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(minimal(**changes), "broken.yaml")
    message = str(caught.value)
    assert message.startswith("broken.yaml: ")
    assert any(p == place and problem in m for p, m in caught.value.problems), message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(minimal(id="BAD", version="one", title=""), "x.yaml")
    assert {place for place, _ in caught.value.problems} >= {"id", "version", "title"}


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nscale: [\n", encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match=r"bad.yaml: line \d+, column \d+: not valid YAML"):
        read_questionnaire_file(path)


def test_same_content_same_hash_changed_content_new_hash() -> None:
    first = parse_questionnaire(minimal(), "a.yaml")
    again = parse_questionnaire(yaml.safe_load(yaml.safe_dump(minimal())), "b.yaml")
    changed = parse_questionnaire(minimal(title="改过的问卷"), "c.yaml")
    assert first.content_hash() == again.content_hash()
    assert first.content_hash() != changed.content_hash()
