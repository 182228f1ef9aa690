"""Checking and normalising the three inputs of the statistics table.

The web application hands over a scale, the questions and a small table of
answer counts (a ``GROUP BY`` over the answers). Each ``checked_*`` function
returns a clean copy with fixed column names and dtypes, or raises
``ValueError`` saying what is wrong, so that the scoring code can trust them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["checked_counts", "checked_questions", "checked_scale", "default_satisfied"]


def _require_columns(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


def _whole_numbers(values: pd.Series, what: str) -> pd.Series:
    """Return ``values`` as int64, refusing missing, fractional and negative values."""
    if values.dtype.kind in "iu" and not (values.to_numpy() < 0).any():  # the usual case, at once
        return values.astype("int64")
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna() | (numeric % 1 != 0) | (numeric < 0)]
    if pd.api.types.is_bool_dtype(values) or len(bad):
        shown = ", ".join(repr(v) for v in bad.head(3)) if len(bad) else "booleans"
        raise ValueError(f"{what} must be whole numbers >= 0, got {shown}")
    return numeric.astype("int64")


def _show(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


def default_satisfied(counted: pd.Series) -> pd.Series:
    """Mark the counted options strictly better than the middle of the scale.

    Of ``n`` counted options (best first) the first ``n // 2`` are
    'satisfied': A and B of five, A of two, A, B and C of seven. Options left
    out of the denominator are never satisfied.

    Parameters
    ----------
    counted : Series of bool
        Whether each option, in scale order, is counted.

    Returns
    -------
    Series of bool
        Same index as ``counted``.

    Examples
    --------
    >>> default_satisfied(pd.Series([True] * 5 + [False])).tolist()
    [True, True, False, False, False, False]
    """
    rank = counted.astype("int64").cumsum()
    return counted & (rank <= int(counted.sum()) // 2)


def checked_scale(scale: pd.DataFrame) -> pd.DataFrame:
    """Check a scale and fill in its ``satisfied`` column.

    Parameters
    ----------
    scale : DataFrame
        Columns ``code``, ``label``, ``weight`` (0..1), ``counted`` (bool) and
        optionally ``satisfied`` (bool), one row per option, best first. The
        weight of an option that is not counted is ignored and may be NaN.

    Returns
    -------
    DataFrame
        Columns ``code``, ``label``, ``weight``, ``counted``, ``satisfied``
        with a fresh 0..n-1 index.

    Raises
    ------
    ValueError
        On missing columns, duplicate or empty codes, no counted option,
        weights outside 0..1, or an uncounted option marked satisfied.

    Examples
    --------
    >>> scale = pd.DataFrame({"code": ["Y", "N", "?"], "label": ["是", "否", "不了解"],
    ...                       "weight": [1.0, 0.0, None], "counted": [True, True, False]})
    >>> checked_scale(scale)["satisfied"].tolist()
    [True, False, False]
    """
    _require_columns(scale, "scale", ["code", "label", "weight", "counted"])
    result = scale.reset_index(drop=True)
    raw = result["code"].tolist()  # a scale has a handful of options: plain Python checks them
    if any(_is_missing(code) or not str(code).strip() for code in raw):
        raise ValueError("scale: every option needs a non-empty code")
    repeated = _repeated([str(code) for code in raw])
    if repeated:
        raise ValueError(f"scale: duplicate option codes {_show(repeated)}")
    counted = _booleans(result["counted"], "scale: counted")
    if not counted.any():
        raise ValueError("scale: at least one option must be counted")
    weight = pd.to_numeric(result["weight"], errors="coerce").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        bad = counted & ~((weight >= 0.0) & (weight <= 1.0))
    if bad.any():
        raise ValueError(f"scale: weights must lie in 0..1, got {_show(result.loc[bad, 'weight'])}")
    if "satisfied" in result.columns:
        satisfied = _booleans(result["satisfied"], "scale: satisfied")
        if (satisfied & ~counted).any():
            raise ValueError("scale: an option that is not counted cannot be 'satisfied'")
    else:
        satisfied = default_satisfied(pd.Series(counted)).to_numpy()
    return pd.DataFrame(
        {
            "code": result["code"].astype("str"),
            "label": result["label"].fillna("").astype("str"),
            "weight": np.where(counted, weight, 0.0),
            "counted": counted,
            "satisfied": satisfied,
        }
    )


def _repeated(values: list[Any]) -> list[Any]:
    """Each value that came before, in order (a second A, a third A...)."""
    seen: set[Any] = set()
    repeated = []
    for value in values:
        if value in seen:
            repeated.append(value)
        seen.add(value)
    return repeated


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _booleans(values: pd.Series, what: str) -> np.ndarray:
    listed = values.tolist()
    if any(_is_missing(value) or value not in (True, False) for value in listed):
        raise ValueError(f"{what} must be True or False for every option")
    return np.array([bool(value) for value in listed], dtype="bool")


def checked_questions(questions: pd.DataFrame) -> pd.DataFrame:
    """Check the questions: unique whole numbers, points > 0.

    Parameters
    ----------
    questions : DataFrame
        Columns ``number``, ``points`` and optionally ``text``, one row per
        question, in questionnaire order.

    Returns
    -------
    DataFrame
        Columns ``number`` (int64), ``text`` (str), ``points`` (float64).

    Examples
    --------
    >>> checked_questions(pd.DataFrame({"number": [1, 2], "points": [20, 5]}))
       number text  points
    0       1         20.0
    1       2          5.0
    >>> checked_questions(pd.DataFrame({"number": [1, 1], "points": [10, 10]}))
    Traceback (most recent call last):
    ...
    ValueError: questions: duplicate numbers 1
    """
    _require_columns(questions, "questions", ["number", "points"])
    result = questions.reset_index(drop=True)
    number = _whole_numbers(result["number"], "questions: number")
    repeated = _repeated(number.tolist())
    if repeated:
        raise ValueError(f"questions: duplicate numbers {_show(repeated)}")
    points = pd.to_numeric(result["points"], errors="coerce").astype("float64")
    if not (np.isfinite(points.to_numpy()) & (points.to_numpy() > 0)).all():
        raise ValueError(f"questions: points must be finite and > 0, got {_show(points)}")
    text = result["text"] if "text" in result.columns else pd.Series("", index=result.index)
    return pd.DataFrame({"number": number, "text": text.fillna("").astype("str"), "points": points})


def checked_counts(counts: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Check answer counts against a checked scale and questions, adding up duplicates.

    Parameters
    ----------
    counts : DataFrame
        Columns ``question``, ``code``, ``count``; other columns are ignored.
        Rows with the same question and code are added up, so counts split by
        area or channel give the table of all answers.
    scale, questions : DataFrame
        Results of :func:`checked_scale` and :func:`checked_questions`.

    Returns
    -------
    DataFrame
        Columns ``question`` (int64), ``code`` (str), ``count`` (int64), one
        row per (question, code) that occurs.

    Raises
    ------
    ValueError
        On missing columns, counts that are not whole numbers >= 0, or a
        question or code that is not in the questionnaire.
    """
    return (
        _listed_counts(counts, scale, questions)
        .groupby(["question", "code"], as_index=False, sort=False)["count"]
        .sum()
    )


def _listed_counts(counts: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """:func:`checked_counts` without adding up the rows that name the same question and code."""
    _require_columns(counts, "counts", ["question", "code", "count"])
    frame = pd.DataFrame(
        {
            "question": _whole_numbers(counts["question"], "counts: question"),
            "code": counts["code"].astype("str"),
            "count": _whole_numbers(counts["count"], "counts: count"),
        }
    )
    unknown_questions = sorted(set(frame["question"].tolist()) - set(questions["number"].tolist()))
    if unknown_questions:
        raise ValueError(
            f"counts: unknown question number(s) {_show(unknown_questions)}; "
            f"the questionnaire has {_show(questions['number'])}"
        )
    unknown_codes = sorted(set(frame["code"].tolist()) - set(scale["code"].tolist()))
    if unknown_codes:
        raise ValueError(
            f"counts: unknown option code(s) {_show(unknown_codes)}; the scale has {_show(scale['code'])}"
        )
    return frame
