"""Stratified random samples drawn from a roster, reproducible from a recorded seed.

A stratum is a county (optionally a county and township). Either every stratum gives the same
number of people (``per_stratum``), or each gives the same share of its people (``fraction``),
so the sample is proportional to the roster. The draw depends only on the seed and on the set
of people (they are ordered by ``key`` first), never on the order of the roster's rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["allocate", "draw_stratified"]


def _check(per_stratum: int | None, fraction: float | None) -> None:
    if (per_stratum is None) == (fraction is None):
        raise ValueError("give either per_stratum or fraction, not both and not neither")
    if per_stratum is not None and (isinstance(per_stratum, bool) or per_stratum < 1):
        raise ValueError(f"per_stratum must be a whole number >= 1, got {per_stratum!r}")
    if fraction is not None and not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}")


def _share(size: int, fraction: float) -> int:
    # Half up, and at least one, so that no stratum of the roster is left out of the sample.
    return min(size, max(1, math.floor(size * fraction + 0.5)))


def allocate(
    people: pd.DataFrame,
    by: Sequence[str],
    *,
    per_stratum: int | None = None,
    fraction: float | None = None,
) -> pd.DataFrame:
    """How many people each stratum has and how many the sample takes from it.

    Parameters
    ----------
    people : DataFrame
        One row per person, with the stratum columns ``by``.
    by : sequence of str
        The stratum columns, e.g. ``["county"]`` or ``["county", "township"]``.
    per_stratum : int, optional
        The same number from every stratum (all of a smaller one).
    fraction : float, optional
        The same share of every stratum, rounded half up, at least one person.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``population`` and ``sample``, sorted by stratum.

    Examples
    --------
    >>> people = pd.DataFrame({"county": ["a"] * 10 + ["b"] * 3})
    >>> allocate(people, ["county"], fraction=0.25)
      county  population  sample
    0      a          10       3
    1      b           3       1
    >>> allocate(people, ["county"], per_stratum=5)["sample"].tolist()
    [5, 3]
    """
    _check(per_stratum, fraction)
    sizes = people.groupby(list(by), sort=True, dropna=False).size().rename("population").reset_index()
    if per_stratum is not None:
        sizes["sample"] = sizes["population"].clip(upper=per_stratum)
    else:
        assert fraction is not None
        sizes["sample"] = [_share(int(size), fraction) for size in sizes["population"]]
    return sizes


def draw_stratified(
    people: pd.DataFrame,
    by: Sequence[str],
    key: str,
    seed: int,
    *,
    per_stratum: int | None = None,
    fraction: float | None = None,
) -> pd.Series:
    """The keys of a stratified simple random sample without replacement.

    Parameters
    ----------
    people : DataFrame
        One row per person: the stratum columns ``by`` and a unique ``key``.
    by : sequence of str
        The stratum columns.
    key : str
        A column that identifies each person; its order fixes the draw.
    seed : int
        Any whole number >= 0; the same seed and people give the same sample.
    per_stratum, fraction
        As in :func:`allocate`.

    Returns
    -------
    Series
        The chosen keys, stratum by stratum, in key order within each.

    Examples
    --------
    >>> people = pd.DataFrame({"county": ["a"] * 6 + ["b"] * 2, "id": range(8)})
    >>> first = draw_stratified(people, ["county"], "id", seed=7, per_stratum=2)
    >>> len(first), first.equals(draw_stratified(people.iloc[::-1], ["county"], "id", 7, per_stratum=2))
    (4, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if people[key].duplicated().any():
        raise ValueError(f"the column {key!r} must identify each person once")
    plan = allocate(people, by, per_stratum=per_stratum, fraction=fraction)
    rng = np.random.default_rng(seed)
    ordered = people.sort_values([*by, key], kind="stable")
    chosen: list[pd.Series] = []
    for (_, group), take in zip(
        ordered.groupby(list(by), sort=True, dropna=False), plan["sample"], strict=True
    ):
        picks = np.sort(rng.choice(len(group), size=int(take), replace=False))
        chosen.append(group[key].iloc[picks])
    if not chosen:
        return pd.Series([], dtype=people[key].dtype, name=key)
    return pd.concat(chosen, ignore_index=True)
