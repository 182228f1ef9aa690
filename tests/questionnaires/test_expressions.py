"""Dates in XLSForm expressions: ``today()``, ``date()``, and dates counted in days as ODK does."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from surveyapp.questionnaires.expressions import ExpressionError, evaluate, holds, parse


def _kunming_today() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai"))


def test_dates_count_in_days_since_1970() -> None:
    assert evaluate(parse(". - ${born}"), {"born": "2022-01-01"}, dot="2023-01-01") == 365.0
    assert evaluate(parse("number(.)"), {}, dot="1970-01-11") == 10.0
    assert holds(parse(". > ${start}"), {"start": "2022-12-01"}, dot="2022-12-02")


def test_today_is_the_date_where_the_survey_runs() -> None:
    past = parse(". <= today()")
    today = _kunming_today().date()
    assert holds(past, {}, dot=today.isoformat())
    assert holds(past, {}, dot=(today - timedelta(days=1)).isoformat())
    assert not holds(past, {}, dot=(today + timedelta(days=1)).isoformat())


def test_date_reads_a_written_date_and_nothing_else() -> None:
    in_2022 = parse(". >= date('2022-01-01') and . < date('2023-01-01')")
    assert holds(in_2022, {}, dot="2022-06-30")
    assert not holds(in_2022, {}, dot="2023-01-01")
    assert not holds(parse(". < date('soon')"), {}, dot="2022-06-30")  # not a date: never true
    with pytest.raises(ExpressionError):
        parse("date()")
