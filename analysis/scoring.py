"""The statistics table (问卷统计表) and the satisfaction score of a survey.

One function, :func:`statistics_table`, scores a survey; the web page, the
command line and every export call it. It works on the small table of answer
counts the database returns and keeps every figure unrounded; only
:meth:`StatisticsTable.as_dict` rounds, half up, for display.

A questionnaire may score its questions on one shared scale, or on several lists (a
satisfaction scale for some questions, an agreement scale for others): the ``list`` column of
the scale and of the questions says which options belong to which questions. Each list is a
*section* of the table, with its own options and its own 合计 row; the final score and the
satisfaction rate are taken over every section.

Definitions, for question *q* and option *o* of the question's scale:

* share = count(q, o) / sum of q's counts over the *counted* options
  (an option such as 不了解 "don't know" can be chosen but is not counted);
* percent (占比) = share x 100;
* points (分数) = share x points(q) x weight(o);
* question score = sum of its options' points;
* final score (最终得分) = sum of the question scores, rescaled to 0..100
  when the questions' points do not add up to 100;
* satisfaction rate (满意度) = satisfied counted answers / counted answers x 100.

Missing answers: a respondent who skipped a question is absent from its
counts, so each question is scored over those who answered it. A question
nobody answered (or answered only with uncounted options) has ``respondents``
0 and a NaN score and percents; the final score is then taken over the
answered questions and rescaled to 100 by their points. With no counted
answer at all the score and the satisfaction rate are NaN (shown as ``None``
by :meth:`StatisticsTable.as_dict`): there is nothing to score, and 0 would
read as "everyone very dissatisfied".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.rounding import half_up_float
from analysis.survey_inputs import _listed_counts, _whole_numbers, checked_questions, checked_scale

__all__ = ["StatisticsTable", "statistics_table"]


@dataclass(frozen=True)
class StatisticsTable:
    """The statistics table of a survey, unrounded.

    Attributes
    ----------
    options : DataFrame
        One row per question and scale option (zeros included), in
        questionnaire and scale order. Columns ``question``, ``code``,
        ``label``, ``weight``, ``counted``, ``satisfied``, ``count``,
        ``percent`` (NaN for options that are not counted) and ``points``
        (0 for options that are not counted).
    questions : DataFrame
        One row per question: ``number``, ``text``, ``points`` (the most it can
        score), ``respondents`` (counted answers), ``answers`` (all answers,
        uncounted included) and ``score``.
    totals : DataFrame
        The 合计 row, one row per option: ``code``, ``label``, ``counted``,
        ``count``, ``percent`` (of all counted answers) and ``points`` (summed
        over the questions, not rescaled).
    respondents : int
        Number of responses.
    score : float
        Final score on 0..100.
    satisfaction_rate : float
        Share of counted answers whose option is 'satisfied', on 0..100.
    """

    options: pd.DataFrame
    questions: pd.DataFrame
    totals: pd.DataFrame
    respondents: int
    score: float
    satisfaction_rate: float

    def section_score(self, numbers: list[int]) -> float:
        """The points a section's questions scored, added up (the final score for one section)."""
        if len(numbers) == len(self.questions):
            return self.score
        scores = self.questions.loc[self.questions["number"].isin(numbers), "score"]
        return float(scores.sum(min_count=1))

    def sections(self) -> list[tuple[str | None, list[int], pd.DataFrame]]:
        """Each list the questions are scored on: its name, its question numbers, its 合计 rows.

        One section named ``None`` when every question shares one scale.
        """
        if "list" not in self.options.columns:
            return [(None, [int(n) for n in self.questions["number"]], self.totals)]
        lists = self.options.drop_duplicates("question").set_index("question")["list"]
        result: list[tuple[str | None, list[int], pd.DataFrame]] = []
        for name in dict.fromkeys(lists[int(n)] for n in self.questions["number"]):
            numbers = [int(n) for n in self.questions["number"] if lists[int(n)] == name]
            totals = self.totals[self.totals["list"] == name].drop(columns="list").reset_index(drop=True)
            result.append((str(name), numbers, totals))
        return result

    def as_dict(self, places: int = 2) -> dict[str, Any]:
        """Return the table as JSON-ready data, rounded half up to ``places``.

        Counts are ints; every other figure is a float rounded once, half up,
        from its unrounded value (NaN becomes ``None``). The keys are a public
        contract: keys may be added, never renamed.

        Parameters
        ----------
        places : int, default 2
            Decimals to keep.

        Returns
        -------
        dict
            ``respondents``, ``score``, ``satisfaction_rate``, ``questions``
            (each with ``number``, ``text``, ``points``, ``respondents``,
            ``score`` and ``options``), ``totals`` (``options``, ``score``) and ``sections``
            (each list the questions are scored on: ``list``, ``questions``, ``totals``).
        """
        by_question: dict[Any, list[dict[str, Any]]] = {}
        for option in self.options.to_dict("records"):
            by_question.setdefault(option["question"], []).append(option)
        return {
            "respondents": int(self.respondents),
            "score": half_up_float(self.score, places),
            "satisfaction_rate": half_up_float(self.satisfaction_rate, places),
            "questions": [
                _question_dict(question, by_question[question["number"]], places)
                for question in self.questions.to_dict("records")
            ],
            "totals": {
                "options": _options_dicts(self.totals, places),
                "score": half_up_float(self.score, places),
            },
            "sections": [
                {
                    "list": name,
                    "questions": numbers,
                    "totals": {
                        "options": _options_dicts(totals, places),
                        "score": half_up_float(self.section_score(numbers), places),
                    },
                }
                for name, numbers, totals in self.sections()
            ],
        }


def _options_dicts(options: pd.DataFrame | list[dict[str, Any]], places: int) -> list[dict[str, Any]]:
    records = options.to_dict("records") if isinstance(options, pd.DataFrame) else options
    return [
        {
            **({"list": row["list"]} if "list" in row else {}),
            "code": row["code"],
            "label": row["label"],
            "counted": bool(row["counted"]),
            "count": int(row["count"]),
            "percent": half_up_float(row["percent"], places),
            "points": half_up_float(row["points"], places),
        }
        for row in records
    ]


def _question_dict(question: dict[str, Any], options: list[dict[str, Any]], places: int) -> dict[str, Any]:
    return {
        "number": int(question["number"]),
        "text": question["text"],
        "points": half_up_float(question["points"], places),
        "respondents": int(question["respondents"]),
        "answers": int(question["answers"]),
        "score": half_up_float(question["score"], places),
        "options": _options_dicts(options, places),
    }


def statistics_table(
    counts: pd.DataFrame,
    scale: pd.DataFrame,
    questions: pd.DataFrame,
    respondents: int | None = None,
) -> StatisticsTable:
    """Score a survey from its answer counts.

    Parameters
    ----------
    counts : DataFrame
        Columns ``question`` (number), ``code`` and ``count``. Rows with a
        zero count may be missing; rows with the same question and code are
        added up; other columns are ignored.
    scale : DataFrame
        Columns ``code``, ``label``, ``weight`` (0..1), ``counted`` (bool) and
        optionally ``satisfied`` (bool), best option first. Without
        ``satisfied``, the first ``n // 2`` of the ``n`` counted options are
        the satisfied ones (A and B of A-E).
    questions : DataFrame
        Columns ``number``, ``text`` and ``points``, in questionnaire order.
    respondents : int, optional
        Number of responses. By default the largest number of answers (counted
        or not) to any one question, a lower bound.

    Returns
    -------
    StatisticsTable
        Every figure unrounded; see the module docstring for definitions.

    Raises
    ------
    ValueError
        If an input is malformed, a count names a question or code that does
        not exist, or ``respondents`` is smaller than the answers to a question.

    Examples
    --------
    Two yes/no questions, the second worth twice as much:

    >>> scale = pd.DataFrame({"code": ["Y", "N"], "label": ["是", "否"],
    ...                       "weight": [1.0, 0.0], "counted": [True, True]})
    >>> questions = pd.DataFrame({"number": [1, 2], "text": ["q1", "q2"], "points": [10, 20]})
    >>> counts = pd.DataFrame({"question": [1, 1, 2], "code": ["Y", "N", "Y"],
    ...                        "count": [3, 1, 4]})
    >>> table = statistics_table(counts, scale, questions)
    >>> table.questions[["number", "respondents", "score"]].to_dict("list")
    {'number': [1, 2], 'respondents': [4, 4], 'score': [7.5, 20.0]}
    >>> round(table.score, 4)  # (7.5 + 20) / 30 x 100
    91.6667
    >>> table.as_dict()["score"], table.as_dict()["satisfaction_rate"]
    (91.67, 87.5)
    """
    if "list" in questions.columns and "list" in scale.columns:
        return _sectioned_table(counts, scale, questions, respondents)
    scale = checked_scale(scale)
    questions = checked_questions(questions)
    counts = _listed_counts(counts, scale, questions)
    options = _option_rows(counts, scale, questions)
    per_question = _question_rows(options, questions)
    return StatisticsTable(
        options=options,
        questions=per_question,
        totals=_total_rows(options, scale),
        respondents=_respondents(respondents, per_question),
        score=_final_score(per_question),
        satisfaction_rate=_satisfaction_rate(options),
    )


def _sectioned_table(
    counts: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame, respondents: int | None
) -> StatisticsTable:
    """The table of questions scored on several lists: each list scored as its own section.

    Examples
    --------
    Two questions on a satisfaction scale, one on a yes/no list:

    >>> scale = pd.DataFrame({"list": ["s", "s", "yn", "yn"], "code": ["A", "B", "1", "0"],
    ...                       "label": ["满意", "不满意", "是", "否"], "weight": [1.0, 0.0, 1.0, 0.0],
    ...                       "counted": [True] * 4})
    >>> questions = pd.DataFrame({"number": [1, 2, 3], "text": ["q1", "q2", "q3"],
    ...                           "points": [40, 40, 20], "list": ["s", "s", "yn"]})
    >>> counts = pd.DataFrame({"question": [1, 1, 2, 3, 3], "code": ["A", "B", "A", "1", "0"],
    ...                        "count": [3, 1, 4, 1, 3]})
    >>> table = statistics_table(counts, scale, questions)
    >>> table.questions["score"].tolist()  # 40 x 3/4, 40 x 4/4, 20 x 1/4
    [30.0, 40.0, 5.0]
    >>> table.score, table.satisfaction_rate  # 75 of 100; 8 satisfied of 12 counted answers
    (75.0, 66.66666666666667)
    >>> [(name, numbers) for name, numbers, _ in table.sections()]
    [('s', [1, 2]), ('yn', [3])]
    """
    checked = checked_questions(questions)
    checked["list"] = questions["list"].astype("str").to_numpy()
    given = counts.assign(question=_whole_numbers(counts["question"], "counts: question"))
    unknown = sorted(set(given["question"]) - set(checked["number"]))
    if unknown:
        raise ValueError(f"counts: unknown question number(s) {', '.join(map(str, unknown))}")
    option_parts, total_parts = [], []
    for name in dict.fromkeys(checked["list"]):
        own = scale[scale["list"].astype("str") == name]
        if own.empty:
            raise ValueError(f"scale: no options for the list {name!r} that questions are scored on")
        own_scale = checked_scale(own.drop(columns="list"))
        own_questions = checked[checked["list"] == name].drop(columns="list")
        asked = given[given["question"].isin(own_questions["number"])]
        own_counts = _listed_counts(asked, own_scale, own_questions)
        rows = _option_rows(own_counts, own_scale, own_questions)
        option_parts.append(rows.assign(list=name))
        total_parts.append(_total_rows(rows, own_scale).assign(list=name))
    order = {number: position for position, number in enumerate(checked["number"])}
    options = pd.concat(option_parts, ignore_index=True)
    options = options.sort_values("question", key=lambda q: q.map(order), kind="stable")
    options = options.reset_index(drop=True)
    per_question = _question_rows(options, checked.drop(columns="list"))
    totals = pd.concat(total_parts, ignore_index=True)
    return StatisticsTable(
        options=options[["list", *[c for c in options.columns if c != "list"]]],
        questions=per_question,
        totals=totals[["list", *[c for c in totals.columns if c != "list"]]],
        respondents=_respondents(respondents, per_question),
        score=_final_score(per_question),
        satisfaction_rate=_satisfaction_rate(options),
    )


#: The scale's columns each option row repeats.
SCALE_COLUMNS = ("code", "label", "weight", "counted", "satisfied")


def _count_grid(counts: pd.DataFrame, numbers: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The counts as a questions x options matrix of int64, zeros where nothing was counted.

    ``counts`` is checked: every question and code it names exists. Rows naming the same pair
    are added up.
    """
    grid = np.zeros((len(numbers), len(codes)), dtype="int64")
    if len(counts):
        rows = pd.Index(numbers).get_indexer(counts["question"])
        columns = pd.Index(codes).get_indexer(counts["code"])
        np.add.at(grid, (rows, columns), counts["count"].to_numpy(dtype="int64"))
    return grid


def _added_up(position: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """``values`` (whole numbers) added up by ``position``, 0..size-1: ``result[i]`` is the sum of
    the values at position ``i``."""
    total = np.zeros(size, dtype="int64")
    np.add.at(total, position, values)
    return total


def _exact_sum(values: np.ndarray) -> float:
    """The sum of the values that are not NaN, correctly rounded (``math.fsum``); 0.0 if none.

    Exact rounding makes a sum independent of the order its terms come in: a question's score
    is the same whichever way its options' points are listed.
    """
    return math.fsum(values[~np.isnan(values)].tolist())


def _option_rows(counts: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Every question x every option with its count, percent and points."""
    numbers, codes = questions["number"].to_numpy(), scale["code"].to_numpy()
    grid = _count_grid(counts, numbers, codes)
    counted = scale["counted"].to_numpy(dtype="bool")
    weight = scale["weight"].to_numpy(dtype="float64")
    denominator = np.where(counted, grid, 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = grid / np.where(denominator > 0, denominator, np.nan)[:, None]
        share = np.where(counted, share, np.nan)
        question_points = questions["points"].to_numpy(dtype="float64")[:, None]
        points = np.where(counted, share * question_points * weight, 0.0)
    each_option = np.tile(np.arange(len(codes)), len(numbers))
    return pd.DataFrame(
        {
            "question": questions["number"].array.take(np.repeat(np.arange(len(numbers)), len(codes))),
            **{name: scale[name].array.take(each_option) for name in SCALE_COLUMNS},
            "count": grid.ravel(),
            "percent": (share * 100.0).ravel(),
            "points": points.ravel(),
        }
    )


def _question_rows(options: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """One row per question: counted answers, all answers and score."""
    order = questions["number"].to_numpy()
    position = pd.Index(order).get_indexer(options["question"])
    count = options["count"].to_numpy(dtype="int64")
    counted_count = np.where(options["counted"].to_numpy(dtype="bool"), count, 0)
    respondents = _added_up(position, counted_count, len(order))
    answers = _added_up(position, count, len(order))
    points = options["points"].to_numpy(dtype="float64")
    score = np.array([_exact_sum(points[position == index]) for index in range(len(order))], dtype="float64")
    return pd.DataFrame(
        {
            "number": questions["number"].array,
            "text": questions["text"].array,
            "points": questions["points"].array,
            "respondents": respondents,
            "answers": answers,
            "score": np.where(respondents > 0, score, np.nan),
        }
    )


def _total_rows(options: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    """The 合计 row: counts and points of each option summed over the questions."""
    codes = scale["code"].to_numpy()
    position = pd.Index(codes).get_indexer(options["code"])
    count = _added_up(position, options["count"].to_numpy(dtype="int64"), len(codes))
    points = options["points"].to_numpy(dtype="float64")
    summed = np.full(len(codes), np.nan)
    for index in range(len(codes)):  # NaN when no question has points for this option
        own = points[position == index]
        if (~np.isnan(own)).any():
            summed[index] = _exact_sum(own)
    counted = scale["counted"].to_numpy(dtype="bool")
    counted_answers = int(count[counted].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        share = count / (counted_answers or np.nan)
    return pd.DataFrame(
        {
            "code": scale["code"].array,
            "label": scale["label"].array,
            "counted": scale["counted"].array,
            "count": count,
            "percent": np.where(counted, share * 100.0, np.nan),
            "points": summed,
        }
    )


def _respondents(respondents: int | None, questions: pd.DataFrame) -> int:
    most_answers = int(questions["answers"].max()) if len(questions) else 0
    if respondents is None:
        return most_answers
    if isinstance(respondents, bool) or not float(respondents).is_integer() or respondents < 0:
        raise ValueError(f"respondents must be a whole number >= 0, got {respondents!r}")
    if respondents < most_answers:
        raise ValueError(
            f"respondents ({respondents}) is smaller than the {most_answers} answers to one of the questions"
        )
    return int(respondents)


def _final_score(questions: pd.DataFrame) -> float:
    """Sum of the question scores, on 0..100 over the answered questions."""
    answered = questions["respondents"].to_numpy() > 0
    if not answered.any():
        return float("nan")
    total = _exact_sum(questions["score"].to_numpy(dtype="float64")[answered])
    most = _exact_sum(questions["points"].to_numpy(dtype="float64")[answered])
    return total if most == 100.0 else total * 100.0 / most


def _satisfaction_rate(options: pd.DataFrame) -> float:
    counted = options["counted"].to_numpy(dtype="bool")
    count = options["count"].to_numpy(dtype="int64")
    answers = int(count[counted].sum())
    if answers == 0:
        return float("nan")
    return int(count[counted & options["satisfied"].to_numpy(dtype="bool")].sum()) * 100.0 / answers
