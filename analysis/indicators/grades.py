"""Grades (评价等级) from a table's total score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from analysis.indicators._numbers import HUNDRED, Number, round_half_up, to_decimal


@dataclass(frozen=True)
class GradeBand:
    """One grade and the lowest total (inclusive) that earns it.

    Examples
    --------
    >>> GradeBand("优", Decimal(90))
    GradeBand(name='优', minimum=Decimal('90'))
    """

    name: str
    minimum: Decimal


#: 财政部《项目支出绩效评价管理办法》: 优 90–100, 良 80–89.99, 中 60–79.99, 差 below 60.
DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand("优", Decimal(90)),
    GradeBand("良", Decimal(80)),
    GradeBand("中", Decimal(60)),
    GradeBand("差", Decimal(0)),
)


def check_grades(grades: Sequence[GradeBand]) -> tuple[GradeBand, ...]:
    """Validate grade bands: named, minimums strictly falling from at most 100 to 0.

    Parameters
    ----------
    grades : sequence of GradeBand
        Highest grade first.

    Returns
    -------
    tuple of GradeBand
        The same bands.

    Raises
    ------
    ValueError
        If a name is empty or repeated, the minimums do not fall strictly, a minimum
        is outside 0..100, or the last band does not start at 0.

    Examples
    --------
    >>> [g.name for g in check_grades(DEFAULT_GRADES)]
    ['优', '良', '中', '差']
    """
    if not grades:
        raise ValueError("grades: at least one grade is needed")
    names = [grade.name for grade in grades]
    if any(not name.strip() for name in names) or len(set(names)) != len(names):
        raise ValueError(f"grades: names must be non-empty and distinct, got {names}")
    minimums = [grade.minimum for grade in grades]
    if any(not Decimal(0) <= m <= HUNDRED for m in minimums):
        raise ValueError(f"grades: minimums must lie in 0..100, got {minimums}")
    if any(high <= low for high, low in pairwise(minimums)):
        raise ValueError("grades: minimums must fall strictly, highest grade first")
    if minimums[-1] != 0:
        raise ValueError("grades: the last grade must start at 0")
    return tuple(grades)


def grade_for(total: Number, grades: Sequence[GradeBand] = DEFAULT_GRADES) -> str:
    """The grade of a total score.

    The total is first rounded half up to 2 places, the figure the report prints,
    so that a printed 90.00 is never graded 良.

    Parameters
    ----------
    total : number
        The table's total score, 0..100.
    grades : sequence of GradeBand, optional
        Highest first; the national bands by default.

    Returns
    -------
    str
        The grade's name.

    Raises
    ------
    ValueError
        If the total is not a number in 0..100.

    Examples
    --------
    >>> grade_for(95.2)
    '优'
    >>> grade_for("89.99")
    '良'
    >>> grade_for(59.99)
    '差'
    """
    shown = round_half_up(to_decimal(total))
    if not Decimal(0) <= shown <= HUNDRED:
        raise ValueError(f"total must lie in 0..100, got {total}")
    for grade in grades:
        if shown >= grade.minimum:
            return grade.name
    raise ValueError(f"no grade covers {shown}; the last grade must start at 0")
