"""Each respondent's own score and whether they count as satisfied: the one definition.

The confidence intervals of a campaign's score and satisfaction rate are computed over
respondents, so they need each respondent's score. The web application sums those scores in SQL
(``surveyapp.scoring.certainty``) so that no answer row reaches Python; that SQL follows this
definition, and a test checks that the two agree on the same answers.

Definitions, for respondent *r*, over their answers to the scored questions:

* score(r) = 100 x sum(weight(o) x points(q)) / sum(points(q)), both sums over the questions r
  answered with a *counted* option (an option such as 不了解 "don't know" is not counted);
* r is *satisfied* when more than half of their counted answers are satisfied options;
* a respondent with no counted answer has no score and is left out of both intervals.
"""

from __future__ import annotations

import pandas as pd

from analysis.survey_inputs import checked_questions, checked_scale

__all__ = ["respondent_scores"]


def respondent_scores(answers: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's score (0..100) and whether they are satisfied.

    Parameters
    ----------
    answers : DataFrame
        One row per answer to a scored question: ``respondent``, ``question`` (its number) and
        ``code`` (the option chosen).
    scale : DataFrame
        The scale, as :func:`analysis.survey_inputs.checked_scale` takes it.
    questions : DataFrame
        ``number``, ``text`` and ``points`` of the scored questions.

    Returns
    -------
    DataFrame
        One row per respondent with at least one counted answer, in respondent order: columns
        ``respondent``, ``score`` and ``satisfied`` (bool).

    Examples
    --------
    >>> scale = pd.DataFrame({"code": ["A", "B", "X"], "label": ["满意", "不满意", "不了解"],
    ...                       "weight": [1.0, 0.0, 0.0], "counted": [True, True, False]})
    >>> questions = pd.DataFrame({"number": [1, 2], "text": ["q1", "q2"], "points": [60, 40]})
    >>> answers = pd.DataFrame({"respondent": [7, 7, 8, 9], "question": [1, 2, 1, 1],
    ...                         "code": ["A", "B", "B", "X"]})
    >>> respondent_scores(answers, scale, questions).to_dict("list")
    {'respondent': [7, 8], 'score': [60.0, 0.0], 'satisfied': [False, False]}
    """
    options = checked_scale(scale).set_index("code")
    points = checked_questions(questions).set_index("number")["points"].astype("float64")
    given = answers[["respondent", "question", "code"]]
    unknown = sorted(set(given["code"]) - set(options.index))
    if unknown:
        raise ValueError(f"answers use codes not on the scale: {', '.join(map(str, unknown))}")
    counted = given[given["code"].map(options["counted"]).astype(bool)].copy()
    counted["possible"] = counted["question"].map(points)
    counted["earned"] = counted["code"].map(options["weight"]).astype("float64") * counted["possible"]
    counted["satisfied"] = counted["code"].map(options["satisfied"]).astype("int64")
    per = counted.groupby("respondent", sort=True).agg(
        earned=("earned", "sum"),
        possible=("possible", "sum"),
        satisfied=("satisfied", "sum"),
        counted=("code", "size"),
    )
    per = per[per["possible"] > 0]
    return pd.DataFrame(
        {
            "respondent": per.index.to_numpy(),
            "score": (100.0 * per["earned"] / per["possible"]).to_numpy(),
            "satisfied": (2 * per["satisfied"] > per["counted"]).to_numpy(),
        }
    )
