"""The score and satisfaction rate per area, channel or week.

Each group is scored by :func:`analysis.scoring.statistics_table` on its own
counts, so a group's score is exactly what the statistics table would show
for that group alone: there is one way to score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from analysis.scoring import statistics_table

__all__ = ["statistics_by"]

_RESERVED = ("question", "code", "count")


def _groups(counts: pd.DataFrame, by: str, respondents: pd.Series | None) -> pd.Series:
    """The group values, from the counts and the respondents, sorted."""
    if by in _RESERVED:
        raise ValueError(f"by must name an extra column, not one of {', '.join(_RESERVED)}")
    if by not in counts.columns:
        raise ValueError(f"counts has no column {by!r} to group by")
    if counts[by].isna().any():
        raise ValueError(f"counts has rows without a value for {by!r}")
    values = counts[by]
    if respondents is not None:
        if not isinstance(respondents, pd.Series) or respondents.index.has_duplicates:
            raise ValueError(f"respondents must be a Series indexed by unique {by!r} values")
        values = pd.concat([values, respondents.index.to_series()], ignore_index=True)
    return values.drop_duplicates().sort_values(ignore_index=True)


def statistics_by(
    counts: pd.DataFrame,
    scale: pd.DataFrame,
    questions: pd.DataFrame,
    by: str,
    respondents: pd.Series | None = None,
    table: Callable[..., Any] = statistics_table,
) -> pd.DataFrame:
    """Score each group of a survey separately.

    Parameters
    ----------
    counts : DataFrame
        Answer counts as for :func:`~analysis.scoring.statistics_table`, with
        an extra column named ``by`` (area, channel, ISO week such as
        ``'2022-W18'``).
    scale, questions : DataFrame
        As for :func:`~analysis.scoring.statistics_table`.
    by : str
        Name of the column to group by.
    respondents : Series, optional
        Responses per group, indexed by group value. A group listed here but
        absent from ``counts`` gets a row with NaN score. By default each
        group's respondents are its largest number of answers to a question.
    table : callable, default :func:`~analysis.scoring.statistics_table`
        What scores one group, called as ``statistics_table`` is; a caller may
        pass one that keeps results (it must give what ``statistics_table`` gives).

    Returns
    -------
    DataFrame
        One row per group, sorted by group value (code point order for text):
        columns ``by``, ``respondents``, ``score`` and ``satisfaction_rate``,
        unrounded.

    Raises
    ------
    ValueError
        If ``by`` is missing or has missing values, a group has no entry in
        ``respondents``, or a group's counts are invalid.

    Examples
    --------
    >>> scale = pd.DataFrame({"code": ["Y", "N"], "label": ["是", "否"],
    ...                       "weight": [1.0, 0.0], "counted": [True, True]})
    >>> questions = pd.DataFrame({"number": [1], "text": ["q1"], "points": [100]})
    >>> counts = pd.DataFrame({"question": [1, 1, 1], "code": ["Y", "N", "Y"],
    ...                        "count": [3, 1, 2], "channel": ["qr", "qr", "paper"]})
    >>> statistics_by(counts, scale, questions, by="channel")
      channel  respondents  score  satisfaction_rate
    0   paper            2  100.0              100.0
    1      qr            4   75.0               75.0
    """
    rows = []
    groups = _groups(counts, by, respondents)
    parts = dict(tuple(counts.groupby(by, sort=False))) if len(counts) else {}  # one pass, not one per group
    for group in groups:
        if respondents is not None and group not in respondents.index:
            raise ValueError(f"respondents has no entry for {by} {group!r}")
        given = None if respondents is None else respondents[group]
        scored = table(parts.get(group, counts.iloc[0:0]), scale, questions, given)
        rows.append((group, scored.respondents, scored.score, scored.satisfaction_rate))
    columns = [by, "respondents", "score", "satisfaction_rate"]
    result = pd.DataFrame(rows, columns=columns)
    return result.astype({"respondents": "int64", "score": "float64", "satisfaction_rate": "float64"})
