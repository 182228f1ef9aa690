"""An evaluator scores a survey and gets the report's statistics table (问卷统计表)."""

import json
import math
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.rounding import round_half_up
from analysis.scoring import statistics_table

# The report's table as printed: question, A 人数, A 占比, A 分数, B 人数, B 占比, B 分数, 合计.
REPORT_TABLE = [
    (1, 34, 82.93, 8.29, 7, 17.07, 1.54, 9.83),
    (2, 33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    (3, 33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    (4, 33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    (5, 32, 78.05, 7.80, 9, 21.95, 1.98, 9.78),
    (6, 31, 75.61, 7.56, 10, 24.39, 2.20, 9.76),
    (7, 33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    (8, 34, 82.93, 8.29, 7, 17.07, 1.54, 9.83),
    (9, 33, 80.49, 8.05, 8, 19.51, 1.76, 9.80),
    (10, 32, 78.05, 7.80, 9, 21.95, 1.98, 9.78),
]


def scale_of(*rows):
    """A scale from (code, label, weight, counted) tuples, best first."""
    return pd.DataFrame(rows, columns=["code", "label", "weight", "counted"])


def counts_of(*rows):
    """Answer counts from (question, code, count) tuples."""
    return pd.DataFrame(rows, columns=["question", "code", "count"])


def questions_of(*points):
    return pd.DataFrame({"number": range(1, len(points) + 1), "text": "", "points": list(points)})


@pytest.fixture
def report(report_counts, five_point_scale, report_questions):
    return statistics_table(report_counts, five_point_scale, report_questions, respondents=41)


@pytest.fixture
def report_dict(report):
    return report.as_dict()


# --- the report, figure by figure ------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "a_count", "a_percent", "a_points", "b_count", "b_percent", "b_points", "total"),
    REPORT_TABLE,
)
def test_each_question_matches_the_report(
    report_dict, number, a_count, a_percent, a_points, b_count, b_percent, b_points, total
):
    question = report_dict["questions"][number - 1]
    assert question["number"] == number
    assert question["respondents"] == 41
    assert question["score"] == total
    a, b, c, d, e = question["options"]
    assert (a["code"], a["label"], a["count"], a["percent"], a["points"]) == (
        "A", "非常满意", a_count, a_percent, a_points,
    )  # fmt: skip
    assert (b["code"], b["label"], b["count"], b["percent"], b["points"]) == (
        "B", "满意", b_count, b_percent, b_points,
    )  # fmt: skip
    for option in (c, d, e):
        assert (option["count"], option["percent"], option["points"]) == (0, 0.0, 0.0)


def test_totals_row_matches_the_report(report_dict):
    a, b, c, d, e = report_dict["totals"]["options"]
    assert (a["count"], a["percent"], a["points"]) == (328, 80.0, 80.0)
    assert (b["count"], b["percent"], b["points"]) == (82, 20.0, 18.0)
    assert [(o["count"], o["percent"], o["points"]) for o in (c, d, e)] == [(0, 0.0, 0.0)] * 3
    assert report_dict["totals"]["score"] == 98.0


def test_final_score_is_rounded_once_from_unrounded_values(report, report_dict):
    assert report_dict["respondents"] == 41
    assert report_dict["score"] == 98.0
    # (328 x 10 + 82 x 9) / 41 = 4018 / 41 = 98 exactly ...
    assert report.score == pytest.approx(98.0, abs=1e-12)
    # ... while adding up the printed (rounded) question totals gives 97.98.
    printed_totals = [round_half_up(q["score"]) for q in report_dict["questions"]]
    assert sum(printed_totals) == Decimal("97.98")


def test_everyone_satisfied_in_the_report(report_dict):
    # A and B are the satisfied options of five: 410 of 410 answers.
    assert report_dict["satisfaction_rate"] == 100.0


def test_the_unrounded_frames(report):
    assert len(report.options) == 50  # 10 questions x 5 options, zeros included
    first = report.options.iloc[0]
    assert (first["question"], first["code"]) == (1, "A")
    assert first["percent"] == pytest.approx(34 / 41 * 100)
    assert first["points"] == pytest.approx(34 / 41 * 10)
    assert report.questions["score"].tolist() == pytest.approx(
        [(10 * a + 9 * (41 - a)) / 41 for a in (34, 33, 33, 33, 32, 31, 33, 34, 33, 32)]
    )
    assert report.totals["count"].tolist() == [328, 82, 0, 0, 0]


def test_as_dict_is_plain_json(report_dict, report_questions):
    text = json.dumps(report_dict, ensure_ascii=False)
    assert json.loads(text) == report_dict
    first = report_dict["questions"][0]
    assert first["text"] == report_questions["text"][0]
    assert first["points"] == 10.0
    assert isinstance(first["options"][0]["count"], int)


def test_places(report):
    assert report.as_dict(places=1)["questions"][0]["score"] == 9.8  # 9.829...
    assert report.as_dict(places=0)["questions"][0]["options"][0]["percent"] == 83.0


# --- hand-calculated cases -------------------------------------------------------------


def test_dont_know_is_left_out_of_the_denominator(five_point_scale):
    scale = pd.concat([five_point_scale, scale_of(("X", "不了解", float("nan"), False))], ignore_index=True)
    table = statistics_table(counts_of((1, "A", 6), (1, "B", 2), (1, "X", 2)), scale, questions_of(10))
    result = table.as_dict()
    question = result["questions"][0]
    # 8 counted answers: A 6/8 = 75 %, 7.5 points; B 2/8 = 25 %, 0.25 x 10 x 0.9 = 2.25.
    assert (question["respondents"], question["answers"]) == (8, 10)
    a, b, *_, x = question["options"]
    assert (a["percent"], a["points"], b["percent"], b["points"]) == (75.0, 7.5, 25.0, 2.25)
    assert (x["count"], x["percent"], x["points"]) == (2, None, 0.0)
    assert question["score"] == 9.75
    assert result["score"] == 97.5  # 9.75 of 10 points
    assert result["satisfaction_rate"] == 100.0  # 8 of 8 counted answers are A or B
    assert result["respondents"] == 10  # by default: the most answers to a question
    assert result["totals"]["options"][-1]["percent"] is None


def test_a_skipped_question(five_point_scale):
    # Four people answered Q1 (all A); one of them skipped Q2 (2 A, 1 C).
    counts = counts_of((1, "A", 4), (2, "A", 2), (2, "C", 1))
    result = statistics_table(counts, five_point_scale, questions_of(10, 10), 4).as_dict()
    q1, q2 = result["questions"]
    assert (q1["respondents"], q1["score"]) == (4, 10.0)
    # Q2: A 2/3 = 66.67 %, 6.67 points; C 1/3 = 33.33 %, 1/3 x 10 x 0.6 = 2.00 points.
    a, _, c, _, _ = q2["options"]
    assert (a["percent"], a["points"], c["percent"], c["points"]) == (66.67, 6.67, 33.33, 2.0)
    assert (q2["respondents"], q2["score"]) == (3, 8.67)  # 26/3 = 8.666...
    assert result["score"] == 93.33  # (10 + 26/3) / 20 x 100 = 93.333...
    assert result["satisfaction_rate"] == 85.71  # 6 A of 7 counted answers
    assert result["respondents"] == 4


def test_questions_with_different_points(five_point_scale):
    counts = counts_of((1, "A", 3), (1, "D", 1), (2, "B", 2), (2, "E", 2))
    table = statistics_table(counts, five_point_scale, questions_of(20, 5))
    # Q1 (20 points): 3/4 x 20 x 1.0 + 1/4 x 20 x 0.3 = 15 + 1.5 = 16.5
    # Q2 (5 points):  2/4 x 5 x 0.9 + 2/4 x 5 x 0.0 = 2.25
    assert table.questions["score"].tolist() == pytest.approx([16.5, 2.25])
    assert table.score == pytest.approx(75.0)  # 18.75 of 25 points, rescaled to 100
    assert table.totals["points"].tolist() == pytest.approx([15.0, 2.25, 0.0, 1.5, 0.0])
    assert table.satisfaction_rate == pytest.approx(62.5)  # 3 A + 2 B of 8


def test_a_two_option_scale():
    scale = scale_of(("Y", "是", 1.0, True), ("N", "否", 0.0, True))
    result = statistics_table(counts_of((1, "Y", 3), (1, "N", 2)), scale, questions_of(10)).as_dict()
    # Y 3/5 = 60 %, 6 points; the one option above the middle is Y.
    assert result["questions"][0]["score"] == 6.0
    assert result["score"] == 60.0
    assert result["satisfaction_rate"] == 60.0


def test_a_seven_option_scale():
    weights = [1.0, 0.9, 0.8, 0.6, 0.4, 0.2, 0.0]
    scale = scale_of(*[(c, c, w, True) for c, w in zip("ABCDEFG", weights, strict=True)])
    counts = counts_of(*[(1, code, 1) for code in "ABCDEFG"])
    result = statistics_table(counts, scale, questions_of(10)).as_dict()
    options = result["questions"][0]["options"]
    # Each option 1/7 = 14.2857 %; score = 10/7 x (1 + 0.9 + 0.8 + 0.6 + 0.4 + 0.2) = 39/7.
    assert [o["percent"] for o in options] == [14.29] * 7
    assert options[1]["points"] == 1.29  # 10/7 x 0.9 = 1.2857
    assert result["score"] == 55.71  # 39/7 = 5.5714 of 10, rescaled
    assert result["satisfaction_rate"] == 42.86  # A, B, C: 3/7


def test_an_explicit_satisfied_column_wins(five_point_scale):
    scale = five_point_scale.assign(satisfied=[True, True, True, False, False])
    counts = counts_of((1, "A", 1), (1, "C", 1), (1, "E", 2))
    assert statistics_table(counts, scale, questions_of(10)).satisfaction_rate == 50.0


def test_counts_split_by_area_are_added_up(five_point_scale):
    counts = counts_of((1, "A", 2), (1, "A", 1), (1, "B", 1)).assign(area=["宜良县", "富民县", "富民县"])
    table = statistics_table(counts, five_point_scale, questions_of(10))
    assert table.options["count"].tolist()[:2] == [3, 1]
    assert table.score == pytest.approx(97.5)  # (3 x 10 + 1 x 9) / 4 = 9.75 of 10


def test_no_answers_at_all(five_point_scale):
    empty = counts_of()
    table = statistics_table(empty, five_point_scale, questions_of(10, 10))
    assert math.isnan(table.score) and math.isnan(table.satisfaction_rate)
    assert table.respondents == 0
    assert table.options["count"].tolist() == [0] * 10
    result = table.as_dict()
    assert (result["score"], result["satisfaction_rate"]) == (None, None)
    assert [q["score"] for q in result["questions"]] == [None, None]
    first_total = result["totals"]["options"][0]
    assert (first_total["count"], first_total["percent"], first_total["points"]) == (0, None, None)
    json.dumps(result)


def test_a_question_answered_only_with_dont_know_is_left_out(five_point_scale):
    scale = pd.concat([five_point_scale, scale_of(("X", "不了解", 0.0, False))], ignore_index=True)
    counts = counts_of((1, "B", 5), (2, "X", 5))
    table = statistics_table(counts, scale, questions_of(10, 10), respondents=5)
    assert table.questions["respondents"].tolist() == [5, 0]
    assert math.isnan(table.questions["score"][1])
    assert table.score == pytest.approx(90.0)  # Q1 alone: 9 of 10 points


# --- bad input -------------------------------------------------------------------------


def test_an_unknown_code_is_refused(five_point_scale):
    message = r"unknown option code\(s\) F; the scale has A, B, C, D, E"
    with pytest.raises(ValueError, match=message):
        statistics_table(counts_of((1, "F", 3)), five_point_scale, questions_of(10))


def test_an_unknown_question_is_refused(five_point_scale):
    with pytest.raises(ValueError, match=r"unknown question number\(s\) 11"):
        statistics_table(counts_of((11, "A", 3)), five_point_scale, questions_of(10))


@pytest.mark.parametrize("count", [-1, 2.5, None])
def test_a_count_must_be_a_whole_number(five_point_scale, count):
    with pytest.raises(ValueError, match="whole numbers"):
        statistics_table(counts_of((1, "A", count)), five_point_scale, questions_of(10))


def test_respondents_cannot_be_fewer_than_answers(five_point_scale):
    with pytest.raises(ValueError, match="smaller than the 4 answers"):
        statistics_table(counts_of((1, "A", 4)), five_point_scale, questions_of(10), respondents=3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": [1.2, 0.9, 0.6, 0.3, 0.0]}, "weights must lie in 0..1"),
        ({"code": ["A", "A", "C", "D", "E"]}, "duplicate option codes A"),
        ({"counted": [False] * 5}, "at least one option must be counted"),
    ],
)
def test_a_bad_scale_is_refused(five_point_scale, change, message):
    with pytest.raises(ValueError, match=message):
        statistics_table(counts_of(), five_point_scale.assign(**change), questions_of(10))


@pytest.mark.parametrize("points", [0, -5, float("nan")])
def test_points_must_be_positive(five_point_scale, points):
    with pytest.raises(ValueError, match="points must be finite and > 0"):
        statistics_table(counts_of(), five_point_scale, questions_of(points))


def test_missing_columns_are_named(five_point_scale):
    with pytest.raises(ValueError, match="counts lacks column"):
        statistics_table(pd.DataFrame({"question": [1]}), five_point_scale, questions_of(10))


# --- properties: any scale, any counts ---------------------------------------------------

WEIGHTS = st.sampled_from([0.0, 0.25, 0.3, 0.6, 0.9, 1.0])


@st.composite
def surveys(draw):
    """A scale of 1-6 options (some uncounted), 1-12 questions and counts, some split in two rows."""
    size = draw(st.integers(1, 6))
    codes = [chr(ord("A") + i) for i in range(size)]
    counted = draw(st.lists(st.booleans(), min_size=size, max_size=size).filter(any))
    weights = draw(st.lists(WEIGHTS, min_size=size, max_size=size))
    scale = pd.DataFrame({"code": codes, "label": codes, "weight": weights, "counted": counted})
    points = draw(st.lists(st.sampled_from([1, 2.5, 5, 10, 12.5, 100 / 3]), min_size=1, max_size=12))
    questions = questions_of(*points)
    rows = []
    for number in questions["number"]:
        for code in codes:
            count = draw(st.integers(0, 500))
            if count and draw(st.booleans()):  # the same count, split over two rows (two areas)
                part = draw(st.integers(0, count))
                rows += [(number, code, part), (number, code, count - part)]
            elif count:
                rows.append((number, code, count))
    return scale, questions, counts_of(*rows)


def exact_score(scale, questions, counts):
    """The final score by its definition, in exact fractions."""
    options = zip(scale["code"], scale["weight"], scale["counted"], strict=True)
    weight = {code: Fraction(w) for code, w, counted in options if counted}
    total = most = Fraction(0)
    for number, points in zip(questions["number"], questions["points"], strict=True):
        own = counts[counts["question"] == number]
        by_code = own.groupby("code")["count"].sum()
        denominator = sum(int(by_code.get(code, 0)) for code in weight)
        if denominator == 0:
            continue
        shares = {c: Fraction(int(by_code.get(c, 0)), denominator) for c in weight}
        total += sum(shares[c] * Fraction(points) * w for c, w in weight.items())
        most += Fraction(points)
    return None if most == 0 else total * 100 / most


@settings(max_examples=150, deadline=None)
@given(surveys(), st.randoms(use_true_random=False))
def test_the_table_does_not_depend_on_how_counts_are_listed(survey, random):
    scale, questions, counts = survey
    table = statistics_table(counts, scale, questions)
    shuffled = counts.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    again = statistics_table(shuffled, scale, questions)
    summed = counts.groupby(["question", "code"], as_index=False)["count"].sum()
    added_up = statistics_table(summed, scale, questions)
    for other in (again, added_up):
        for part in ("options", "questions", "totals"):
            pd.testing.assert_frame_equal(getattr(table, part), getattr(other, part), check_exact=True)
        assert other.as_dict() == table.as_dict()  # a missing score is None there, equal to itself


@settings(max_examples=150, deadline=None)
@given(surveys())
def test_the_final_score_is_its_definition(survey):
    scale, questions, counts = survey
    expected = exact_score(scale, questions, counts)
    score = statistics_table(counts, scale, questions).score
    if expected is None:
        assert math.isnan(score)
    else:
        assert score == pytest.approx(float(expected), rel=1e-12, abs=1e-12)
