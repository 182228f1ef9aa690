"""Exact numbers for the indicator table: parsing (``analysis.numbers``) and rounding are shared."""

from __future__ import annotations

from decimal import Decimal

from analysis.numbers import parse_decimal
from analysis.rounding import round_half_up

__all__ = ["HUNDRED", "Number", "round_half_up", "to_decimal"]

Number = Decimal | int | float | str

HUNDRED = Decimal(100)


def to_decimal(value: Number) -> Decimal:
    """Convert a number to an exact ``Decimal``.

    Floats go through ``str`` so that ``317.395`` stays ``317.395`` and does not
    become its binary approximation. Booleans are refused: in YAML ``yes`` is a
    boolean, never a number.

    Parameters
    ----------
    value : Decimal, int, float or str
        The number.

    Returns
    -------
    Decimal
        The exact value.

    Raises
    ------
    ValueError
        If the value is not a finite number.

    Examples
    --------
    >>> to_decimal(317.395)
    Decimal('317.395')
    >>> to_decimal("1.5")
    Decimal('1.5')
    """
    return parse_decimal(value)
