"""Fixtures from the source report: its questionnaire and its statistics table.

昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷: 41 questionnaires
handed out, 41 valid ones returned; ten questions of 10 points; every answer
is A 非常满意 or B 满意.
"""

import pandas as pd
import pytest

from tests.seed_report import REPORT_A_COUNTS, REPORT_QUESTION_TEXTS, REPORT_RESPONDENTS

__all__ = ["REPORT_A_COUNTS", "REPORT_QUESTION_TEXTS", "REPORT_RESPONDENTS"]


@pytest.fixture
def five_point_scale():
    """The report's scale: A 100 %, B 90 % as printed; C, D, E as the platform sets them."""
    return pd.DataFrame(
        {
            "code": ["A", "B", "C", "D", "E"],
            "label": ["非常满意", "满意", "一般", "不满意", "很不满意"],
            "weight": [1.0, 0.9, 0.6, 0.3, 0.0],
            "counted": [True] * 5,
        }
    )


@pytest.fixture
def report_questions():
    return pd.DataFrame({"number": range(1, 11), "text": REPORT_QUESTION_TEXTS, "points": [10] * 10})


@pytest.fixture
def report_counts():
    """Only A and B rows, as the database returns them: zero counts are absent."""
    rows = []
    for number, a_count in enumerate(REPORT_A_COUNTS, start=1):
        rows += [(number, "A", a_count), (number, "B", REPORT_RESPONDENTS - a_count)]
    return pd.DataFrame(rows, columns=["question", "code", "count"])
