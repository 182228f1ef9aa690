"""Indicator table templates: what a mistake in a file says, grades, the national framework."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from analysis.indicators import (
    DEFAULT_GRADES,
    GradeBand,
    Indicator,
    IndicatorTableError,
    as_dict,
    bundled_template,
    grade_for,
    load_indicator_table,
    set_actual,
    summary_table,
)

SMALL: dict[str, Any] = {
    "id": "small-table",
    "version": 1,
    "title": "小表",
    "levels": [
        {
            "id": "A",
            "name": "决策",
            "points": 40,
            "children": [
                {
                    "id": "A.1",
                    "name": "立项",
                    "points": 20,
                    "type": "qualitative",
                    "rule": "banded",
                    "band": "优",
                },
                {
                    "id": "A.2",
                    "name": "资金到位率",
                    "points": 20,
                    "type": "quantity",
                    "rule": "proportional",
                    "target": "= 100%",
                    "actual": 100,
                },
            ],
        },
        {
            "id": "B",
            "name": "产出",
            "points": 60,
            "children": [
                {
                    "id": "B.1",
                    "name": "补助人数",
                    "points": 60,
                    "type": "quantity",
                    "rule": "proportional",
                    "target": "≥ 20000 人",
                    "actual": "23186 人",
                },
            ],
        },
    ],
}


def small() -> dict[str, Any]:
    return copy.deepcopy(SMALL)


def problem(mapping: dict[str, Any]) -> str:
    with pytest.raises(IndicatorTableError) as caught:
        load_indicator_table(mapping, "small.yaml")
    return str(caught.value)


def test_the_small_table_is_valid() -> None:
    table = load_indicator_table(small(), "small.yaml")
    assert table.score == Decimal(100) and table.grade == "优"


# -- each kind of mistake names the file, the place and the problem --------------------


def test_missing_key() -> None:
    mapping = small()
    del mapping["levels"][0]["children"][1]["points"]
    assert problem(mapping) == "small.yaml: levels[0].children[1]: missing key 'points'"


def test_unknown_type() -> None:
    mapping = small()
    mapping["levels"][1]["children"][0]["type"] = "people"
    assert problem(mapping).startswith("small.yaml: levels[1].children[0]: unknown type 'people'")


def test_unknown_rule() -> None:
    mapping = small()
    mapping["levels"][0]["children"][0]["rule"] = "linear"
    assert problem(mapping).startswith("small.yaml: levels[0].children[0]: unknown rule 'linear'")


def test_bad_target_text() -> None:
    mapping = small()
    mapping["levels"][1]["children"][0]["target"] = "at least 20000 people"
    assert problem(mapping).startswith(
        "small.yaml: levels[1].children[0]: bad target text 'at least 20000 people'"
    )


def test_children_not_summing_to_the_parent() -> None:
    mapping = small()
    mapping["levels"][0]["children"][1]["points"] = 15
    assert problem(mapping) == (
        "small.yaml: levels[0]: A: children's points sum to 35, not to the group's 40"
    )


def test_first_level_not_summing_to_100() -> None:
    mapping = small()
    mapping["levels"][1]["points"] = 50
    mapping["levels"][1]["children"][0]["points"] = 50
    assert problem(mapping) == "small.yaml: levels: first-level points sum to 90, not to 100"


def test_more_than_four_levels() -> None:
    mapping = small()
    node: dict[str, Any] = {
        "id": "B.1.1.1.1",
        "name": "太深",
        "points": 60,
        "type": "quantity",
        "rule": "manual",
        "score": 60,
    }
    for depth in (4, 3, 2):
        node = {"id": "B" + ".1" * (depth - 1), "name": f"第{depth}级", "points": 60, "children": [node]}
    mapping["levels"][1]["children"] = [node]
    assert problem(mapping) == (
        "small.yaml: levels[1].children[0].children[0].children[0].children[0]: more than 4 levels"
    )


def test_duplicate_ids() -> None:
    mapping = small()
    mapping["levels"][1]["children"][0]["id"] = "A.1"
    assert problem(mapping) == (
        "small.yaml: levels[1].children[0]: duplicate id 'A.1', first used at levels[0].children[0]"
    )


def test_misspelt_and_misplaced_keys() -> None:
    mapping = small()
    mapping["levels"][0]["children"][0]["pionts"] = 20
    assert "levels[0].children[0]: unknown key 'pionts'" in problem(mapping)
    mapping = small()
    mapping["levels"][0]["children"][0]["actual"] = 100
    assert problem(mapping) == (
        "small.yaml: levels[0].children[0]: key 'actual' does not apply to rule 'banded'"
    )


def test_bad_table_id_and_bad_grades() -> None:
    assert problem(small() | {"id": "Small Table"}).startswith("small.yaml: id: bad table id")
    grades = [{"grade": "优", "from": 80}, {"grade": "良", "from": 90}, {"grade": "差", "from": 0}]
    assert problem(small() | {"grades": grades}) == (
        "small.yaml: grades: grades: minimums must fall strictly, highest grade first"
    )


def test_a_manual_deduction_without_reason_in_a_file() -> None:
    mapping = small()
    mapping["levels"][1]["children"][0] = {
        "id": "B.1",
        "name": "结余",
        "points": 60,
        "type": "qualitative",
        "rule": "manual",
        "score": 58,
    }
    assert problem(mapping) == (
        "small.yaml: levels[1].children[0]: B.1: manual score 58 deducts 2 points; "
        "write the reason for the deduction"
    )


def test_errors_in_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\nversion: 1\ntitle: t\nlevels:\n  - id: A\n", encoding="utf-8")
    with pytest.raises(IndicatorTableError, match=r"broken\.yaml: levels\[0\]: missing key"):
        load_indicator_table(path)
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(IndicatorTableError, match=r"broken\.yaml: cannot read"):
        load_indicator_table(path)


# -- grades ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_national_grade_boundaries(total: str, grade: str) -> None:
    assert grade_for(Decimal(total)) == grade


def test_grade_follows_the_printed_total() -> None:
    # 89.995 is printed 90.00 (half up), so it is graded 优 like the printed figure.
    assert grade_for(Decimal("89.995")) == "优"
    assert grade_for(Decimal("89.994")) == "良"


def test_custom_grades() -> None:
    passing = (GradeBand("合格", Decimal(60)), GradeBand("不合格", Decimal(0)))
    assert grade_for(60, passing) == "合格"
    assert grade_for("59.99", passing) == "不合格"
    grades = [{"grade": "优秀", "from": 85}, {"grade": "合格", "from": 60}, {"grade": "不合格", "from": 0}]
    table = load_indicator_table(small() | {"grades": grades}, "small.yaml")
    assert table.grade == "优秀"
    assert load_indicator_table(small(), "small.yaml").grades == DEFAULT_GRADES
    with pytest.raises(ValueError, match=r"0\.\.100"):
        grade_for(101)


# -- the national framework ships empty -------------------------------------------------


def test_national_framework_loads_empty_and_incomplete() -> None:
    table = load_indicator_table(bundled_template("national-framework"))
    assert [node.name for node in table.levels] == ["决策", "过程", "产出", "效益"]
    assert table.points == 100
    leaves = list(table.leaves())
    assert leaves and all(leaf.score is None and leaf.actual is None for leaf in leaves)
    assert (table.score, table.complete, table.grade) == (0, False, None)
    data = as_dict(table)
    assert (data["total"], data["grade"], data["complete"]) == (0.0, None, False)
    assert summary_table(table)["score"].tolist() == [Decimal("0.00")] * 5


def test_national_framework_stays_incomplete_until_every_leaf_is_assessed() -> None:
    table = load_indicator_table(bundled_template("national-framework"))
    fed = set_actual(table, "B.1.1", 100)  # 资金到位率 100% of = 100%: full 4 points
    funds_arrived = fed.find("B.1.1")
    assert isinstance(funds_arrived, Indicator) and funds_arrived.score == 4
    assert (fed.score, fed.complete, fed.grade) == (4, False, None)
    with pytest.raises(ValueError, match="needs a target"):
        set_actual(table, "D.1.2.1", 98)  # the satisfaction target is the project's to set
