"""The indicator table: the report's scores, the scoring rules, summaries and updates.

Reference values come from the 2022 self-evaluation report (项目决策 20.00, 项目管理
18.20, 项目绩效 57.00, total 95.20, 优) or are worked out by hand in the comments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest

from analysis.indicators import (
    Indicator,
    IndicatorTable,
    IndicatorType,
    as_dict,
    bundled_template,
    flat_table,
    load_indicator_table,
    parse_measure,
    parse_target,
    score_indicator,
    set_actual,
    summary_table,
)

D = Decimal


@pytest.fixture(scope="module")
def kunming() -> IndicatorTable:
    return load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))


def leaf(rule: str, points: str = "10", **inputs: object) -> Indicator:
    kind = IndicatorType.QUALITATIVE if rule in {"banded", "manual"} else IndicatorType.QUANTITY
    return Indicator("x", "指标", D(points), kind, rule, **inputs)  # type: ignore[arg-type]


# -- the shipped table reproduces the report ------------------------------------------


def test_summary_reproduces_the_report(kunming: IndicatorTable) -> None:
    rows = summary_table(kunming).astype(str).values.tolist()
    assert rows == [
        ["A项目决策", "20.00", "20.00", "0.00", "100.00"],
        ["B项目管理", "20.00", "18.20", "1.80", "91.00"],
        ["C项目绩效", "60.00", "57.00", "3.00", "95.00"],
        ["合计", "100.00", "95.20", "4.80", "95.20"],
    ]
    assert kunming.grade == "优"
    assert kunming.complete


def test_levels_count_three_eight_nineteen_thirty(kunming: IndicatorTable) -> None:
    per_level = Counter(depth for depth, _ in kunming.nodes())
    assert per_level == {1: 3, 2: 8, 3: 19, 4: 30}
    assert all(depth == 4 for depth, node in kunming.nodes() if isinstance(node, Indicator))


def test_printed_facts_are_not_examples_and_deductions_have_reasons(
    kunming: IndicatorTable,
) -> None:
    facts = {
        "B.1.1.1": "100 %",
        "B.1.2.1": "100 %",
        "C.1.1.1": "23186 人",
        "C.1.2.1": "200 元/人",
        "C.1.4.1": "317.395 万元",
        "C.3.1.1": "98.00 %",
    }
    for node_id, actual in facts.items():
        fact = kunming.find(node_id)
        assert isinstance(fact, Indicator)
        assert str(fact.actual) == actual
        assert not fact.example
    coverage = kunming.find("C.2.2.1")
    assert isinstance(coverage, Indicator) and coverage.example  # not printed in the report
    for item in kunming.leaves():
        if item.deducted:
            assert item.reason and item.example


def test_people_subsidised_is_capped_at_full_points(kunming: IndicatorTable) -> None:
    # 10 x 23186 / 20000 = 11.593 > 10, so full marks (完成率 115.93%).
    people = kunming.find("C.1.1.1")
    assert isinstance(people, Indicator)
    assert people.score == D(10) and people.deducted == 0


# -- the rules, by hand ---------------------------------------------------------------


def test_proportional_rule() -> None:
    half = leaf("proportional", "5", target=parse_target("≥ 80%"), actual=parse_measure("60%"))
    scored = score_indicator(half)
    assert scored.score == D("3.75")  # 5 x 60 / 80
    assert scored.deducted == D("1.25")
    capped = replace(half, points=D(10), target=parse_target("≥ 20000 人"), actual=parse_measure("23186 人"))
    assert score_indicator(capped).score == D(10)


def test_inverse_rule() -> None:
    over = leaf("inverse", "6", target=parse_target("≤ 300 万元"), actual=parse_measure("400 万元"))
    assert score_indicator(over).score == D("4.5")  # 6 x 300 / 400
    under = replace(over, actual=parse_measure("250 万元"))
    assert score_indicator(under).score == D(6)
    with pytest.raises(ValueError, match="≤"):
        score_indicator(replace(over, target=parse_target("≥ 300 万元")))


def test_target_rule() -> None:
    met = leaf("target", "4", target=parse_target("= 200 元/人"), actual=parse_measure(200, "元/人"))
    assert score_indicator(met).score == D(4)
    missed = score_indicator(replace(met, actual=parse_measure("199 元/人")))
    assert (missed.score, missed.deducted) == (D(0), D(4))


def test_measured_rules_refuse_a_different_unit() -> None:
    wrong = leaf("proportional", target=parse_target("≥ 80%"), actual=parse_measure("98 人"))
    with pytest.raises(ValueError, match="unit"):
        score_indicator(wrong)


def test_banded_rule_defaults_to_the_top_of_the_band() -> None:
    good = leaf("banded", "2", band="良")
    assert score_indicator(good).score == D("1.6")  # 2 x 80%
    assert score_indicator(replace(good, percent=D(70))).score == D("1.4")  # 2 x 70%
    assert score_indicator(replace(good, band="优")).score == D(2)
    assert score_indicator(replace(good, band="差", percent=D(30))).score == D("0.6")


def test_banded_rule_refuses_a_percent_outside_the_band() -> None:
    with pytest.raises(ValueError, match="outside band '良'"):
        score_indicator(leaf("banded", "2", band="良", percent=D(85)))
    with pytest.raises(ValueError, match="unknown band"):
        score_indicator(leaf("banded", "2", band="良好"))


def test_manual_rule_needs_a_reason_to_deduct() -> None:
    bare = leaf("manual", "2", score=D("0.8"))
    with pytest.raises(ValueError, match="reason"):
        score_indicator(bare)
    reasoned = score_indicator(replace(bare, reason="少数县区资金有结余"))
    assert (reasoned.score, reasoned.deducted) == (D("0.8"), D("1.2"))
    assert score_indicator(leaf("manual", "2", score=D(2))).deducted == 0
    with pytest.raises(ValueError, match=r"0\.\.2"):
        score_indicator(leaf("manual", "2", score=D(3), reason="x"))


def test_unassessed_leaves_have_no_score() -> None:
    for rule in ("target", "proportional", "inverse", "banded", "manual"):
        scored = score_indicator(leaf(rule, target=parse_target("≥ 1")))
        assert scored.score is None and scored.deducted is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥ 20000 人", ("≥", D(20000), "人")),
        ("= 200 元/人", ("=", D(200), "元/人")),
        ("≥ 80%", ("≥", D(80), "%")),
        ("= 100%", ("=", D(100), "%")),
        ("≤ 317.395 万元", ("≤", D("317.395"), "万元")),
        (">=5", ("≥", D(5), "")),
    ],
)
def test_parse_target(text: str, expected: tuple[str, Decimal, str]) -> None:
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit) == expected


@pytest.mark.parametrize("text", ["about 20000", "≥", "20000 人", "≥ -5", "≥ 2,000", "≥ 1.5.2"])
def test_parse_target_refuses_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="bad target text"):
        parse_target(text)


# -- sums, rounding and exports -------------------------------------------------------


def test_sums_use_unrounded_scores() -> None:
    # Each small leaf scores 1 x 5 / 8 = 0.625, shown 0.63; their group sums the
    # unrounded scores to 1.25 (not 0.63 + 0.63 = 1.26), and the total is 1.25 + 98.
    small = {"type": "quantity", "rule": "proportional", "target": "≥ 8", "points": 1}
    mapping = {
        "id": "rounding",
        "version": 1,
        "title": "t",
        "levels": [
            {
                "id": "A",
                "name": "a",
                "points": 2,
                "children": [
                    {**small, "id": "A.1", "name": "a1", "actual": 5},
                    {**small, "id": "A.2", "name": "a2", "actual": 5},
                ],
            },
            {
                "id": "B",
                "name": "b",
                "points": 98,
                "children": [
                    {
                        "id": "B.1",
                        "name": "b1",
                        "points": 98,
                        "type": "qualitative",
                        "rule": "banded",
                        "band": "优",
                    },
                ],
            },
        ],
    }
    table = load_indicator_table(mapping, "rounding.yaml")
    assert flat_table(table)["score"].tolist()[:2] == [D("0.63"), D("0.63")]
    assert summary_table(table).loc[0, "score"] == D("1.25")
    assert summary_table(table).loc[2, "score"] == D("99.25")


def test_flat_table_has_one_row_per_leaf(kunming: IndicatorTable) -> None:
    flat = flat_table(kunming)
    assert len(flat) == 30
    row = flat.set_index("id").loc["B.2.2.2"]
    assert (row["level1"], row["level2"], row["level3"]) == ("项目管理", "组织实施", "制度执行有效性")
    assert (row["score"], row["deducted"], row["rate"]) == (D("1.40"), D("0.60"), D("70.00"))
    assert "人工" in row["reason"]
    assert sum(flat["score"]) == D("95.20")


def test_as_dict_keeps_the_public_contract(kunming: IndicatorTable) -> None:
    data = as_dict(kunming)
    assert (data["total"], data["grade"], data["complete"]) == (95.2, "优", True)
    management = data["levels"][1]
    assert {"id", "name", "points", "score", "deducted", "rate", "children"} <= set(management)
    assert (management["name"], management["score"], management["deducted"]) == ("项目管理", 18.2, 1.8)
    satisfaction = data["levels"][2]["children"][2]["children"][0]["children"][0]
    assert satisfaction == satisfaction | {
        "id": "C.3.1.1",
        "type": "satisfaction",
        "target": "≥ 80 %",
        "actual": 98.0,
        "unit": "%",
        "rule": "proportional",
        "score": 10.0,
        "children": [],
    }


# -- feeding the table from the web app -----------------------------------------------


def test_set_actual_rescores_a_copy(kunming: IndicatorTable) -> None:
    # A campaign scoring 72: 10 x 72 / 80 = 9, so 项目绩效 57 - 1 = 56 and total 94.20.
    fed = set_actual(kunming, "C.3.1.1", 72, evidence="满意度调查批次")
    satisfaction = fed.find("C.3.1.1")
    assert isinstance(satisfaction, Indicator)
    assert (satisfaction.score, satisfaction.deducted) == (D(9), D(1))
    assert satisfaction.evidence == "满意度调查批次" and not satisfaction.example
    assert summary_table(fed).loc[3, "score"] == D("94.20")
    assert kunming.score == D("95.2")  # the original is unchanged


def test_set_actual_refuses_what_it_cannot_score(kunming: IndicatorTable) -> None:
    with pytest.raises(KeyError):
        set_actual(kunming, "Z.9", 1)
    with pytest.raises(ValueError, match="not an indicator scored from an actual value"):
        set_actual(kunming, "B.2.2.2", 1)
    with pytest.raises(ValueError, match="not an indicator"):
        set_actual(kunming, "C.3", 1)
    with pytest.raises(ValueError, match="has unit '人', expected '%'"):
        set_actual(kunming, "C.3.1.1", "98 人")
