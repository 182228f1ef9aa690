"""Comparing two lists of people by a key (a keyed hash of the ID number): who is on both,
who on one only, and where the two lists disagree on the subsidy standard or payment method.

One outer merge does the matching, so 100,000-person lists compare in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "CrossCheck", "cross_check"]

#: The columns each list must have: ``key`` identifies a person, ``row`` is the line in the file,
#: ``standard`` (e.g. 100 or 200 元) and ``payment`` (代缴 or 先缴后补) may be missing (NaN/None).
COLUMNS = ("key", "row", "standard", "payment")


@dataclass(frozen=True)
class CrossCheck:
    """The outcome of a cross-check.

    Attributes
    ----------
    matched : DataFrame
        Every key of either list, with ``row_a``, ``row_b``, ``standard_a``, ``standard_b``,
        ``payment_a``, ``payment_b``, ``where`` (``both``, ``a_only``, ``b_only``) and the
        flags ``standard_conflict`` and ``payment_conflict``.
    """

    matched: pd.DataFrame

    @property
    def both(self) -> int:
        """People on both lists."""
        return int((self.matched["where"] == "both").sum())

    @property
    def a_only(self) -> int:
        """People on the first list only."""
        return int((self.matched["where"] == "a_only").sum())

    @property
    def b_only(self) -> int:
        """People on the second list only."""
        return int((self.matched["where"] == "b_only").sum())

    @property
    def conflicts(self) -> pd.DataFrame:
        """People on both lists whose standard or payment method differ."""
        frame = self.matched
        return frame[frame["standard_conflict"] | frame["payment_conflict"]]


def _check(frame: pd.DataFrame, name: str) -> None:
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"list {name} lacks the columns {missing}")
    if frame["key"].duplicated().any():
        raise ValueError(f"list {name} names a person twice")


def _differs(left: pd.Series, right: pd.Series) -> pd.Series:
    # A value missing on one side is not a conflict: that list just does not say.
    return left.notna() & right.notna() & (left.astype(str) != right.astype(str))


def cross_check(first: pd.DataFrame, second: pd.DataFrame) -> CrossCheck:
    """Match two lists by ``key``.

    Parameters
    ----------
    first, second : DataFrame
        The two lists, each with the :data:`COLUMNS`; a key at most once per list.

    Returns
    -------
    CrossCheck

    Examples
    --------
    >>> a = pd.DataFrame({"key": ["p", "q", "r"], "row": [2, 3, 4],
    ...                   "standard": [200, 100, 200], "payment": ["代缴", "代缴", None]})
    >>> b = pd.DataFrame({"key": ["q", "r", "s"], "row": [2, 3, 4],
    ...                   "standard": [200, 200, 100], "payment": ["代缴", "先缴后补", "代缴"]})
    >>> result = cross_check(a, b)
    >>> result.both, result.a_only, result.b_only, result.conflicts["key"].tolist()
    (2, 1, 1, ['q'])
    """
    _check(first, "A")
    _check(second, "B")
    # An outer merge sorts its keys; sorting 64-character text is slow, sorting whole numbers is
    # not. So the keys of both lists are numbered first (by hashing, one pass) and merged as numbers.
    codes, keys = pd.factorize(pd.concat([first["key"], second["key"]], ignore_index=True))
    values = [column for column in COLUMNS if column != "key"]
    left = first[values].assign(code=codes[: len(first)])
    right = second[values].assign(code=codes[len(first) :])
    matched = pd.merge(left, right, on="code", how="outer", suffixes=("_a", "_b"), indicator="where")
    matched.insert(0, "key", np.asarray(keys, dtype=object)[matched["code"].to_numpy()])
    matched = matched.drop(columns="code")
    matched["where"] = matched["where"].map({"both": "both", "left_only": "a_only", "right_only": "b_only"})
    matched["standard_conflict"] = _differs(matched["standard_a"], matched["standard_b"])
    matched["payment_conflict"] = _differs(matched["payment_a"], matched["payment_b"])
    return CrossCheck(matched)
