"""An evaluator compares counties, channels and weeks of one survey."""

import math

import pandas as pd
import pytest

from analysis.breakdown import statistics_by
from analysis.scoring import statistics_table


def two_questions():
    return pd.DataFrame({"number": [1, 2], "text": ["q1", "q2"], "points": [10, 10]})


@pytest.fixture
def county_counts():
    rows = [
        ("宜良县", 1, "A", 3),
        ("宜良县", 1, "B", 1),
        ("宜良县", 2, "A", 2),
        ("宜良县", 2, "C", 2),
        ("富民县", 1, "B", 2),
        ("富民县", 2, "B", 1),
        ("富民县", 2, "E", 1),
    ]
    return pd.DataFrame(rows, columns=["area", "question", "code", "count"])


def test_two_counties_by_hand(county_counts, five_point_scale):
    respondents = pd.Series({"宜良县": 4, "富民县": 2})
    result = statistics_by(county_counts, five_point_scale, two_questions(), "area", respondents)
    assert result.columns.tolist() == ["area", "respondents", "score", "satisfaction_rate"]
    # Sorted by code point: 宜 (U+5B9C) before 富 (U+5BCC).
    assert result["area"].tolist() == ["宜良县", "富民县"]
    assert result["respondents"].tolist() == [4, 2]
    # 宜良县: Q1 3/4 x 10 + 1/4 x 9 = 9.75; Q2 2/4 x 10 + 2/4 x 6 = 8; 17.75 of 20 -> 88.75.
    # 富民县: Q1 2/2 x 9 = 9; Q2 1/2 x 9 + 1/2 x 0 = 4.5; 13.5 of 20 -> 67.5.
    assert result["score"].tolist() == pytest.approx([88.75, 67.5])
    # Satisfied (A, B): 宜良县 3 + 1 + 2 = 6 of 8 answers; 富民县 2 + 1 = 3 of 4.
    assert result["satisfaction_rate"].tolist() == pytest.approx([75.0, 75.0])


def test_each_group_scores_as_the_statistics_table_would(county_counts, five_point_scale):
    result = statistics_by(county_counts, five_point_scale, two_questions(), "area")
    alone = county_counts[county_counts["area"] == "富民县"]
    table = statistics_table(alone, five_point_scale, two_questions())
    assert result.set_index("area").loc["富民县", "score"] == table.score
    assert result.set_index("area").loc["富民县", "respondents"] == 2  # most answers to a question


def test_weeks_sort_in_calendar_order(five_point_scale):
    counts = pd.DataFrame(
        {"week": ["2022-W18", "2022-W09"], "question": [1, 1], "code": ["A", "B"], "count": [1, 1]}
    )
    result = statistics_by(counts, five_point_scale, two_questions(), "week")
    assert result["week"].tolist() == ["2022-W09", "2022-W18"]
    assert result["score"].tolist() == pytest.approx([90.0, 100.0])  # Q2 unanswered: Q1 alone


def test_a_group_without_answers(county_counts, five_point_scale):
    respondents = pd.Series({"宜良县": 4, "富民县": 2, "石林县": 0})
    result = statistics_by(county_counts, five_point_scale, two_questions(), "area", respondents)
    shilin = result.set_index("area").loc["石林县"]
    assert shilin["respondents"] == 0
    assert math.isnan(shilin["score"]) and math.isnan(shilin["satisfaction_rate"])


def test_no_counts_at_all(five_point_scale):
    empty = pd.DataFrame(columns=["area", "question", "code", "count"])
    result = statistics_by(empty, five_point_scale, two_questions(), "area")
    assert result.empty
    assert result.columns.tolist() == ["area", "respondents", "score", "satisfaction_rate"]


@pytest.mark.parametrize(
    ("by", "respondents", "message"),
    [
        ("channel", None, "no column 'channel'"),
        ("code", None, "extra column"),
        ("area", pd.Series({"宜良县": 4}), "no entry for area '富民县'"),
        ("area", pd.Series([4, 2], index=["宜良县", "宜良县"]), "unique"),
    ],
)
def test_bad_grouping_is_refused(county_counts, five_point_scale, by, respondents, message):
    with pytest.raises(ValueError, match=message):
        statistics_by(county_counts, five_point_scale, two_questions(), by, respondents)


def test_rows_without_a_group_are_refused(county_counts, five_point_scale):
    county_counts.loc[0, "area"] = None
    with pytest.raises(ValueError, match="without a value for 'area'"):
        statistics_by(county_counts, five_point_scale, two_questions(), "area")
