"""Half-up rounding (四舍五入), as the published reports round.

Python's :func:`round` rounds half to even ("banker's rounding") and works on
the binary value of a float, so ``round(2.675, 2)`` gives 2.67. Reports round
half up on the decimal value: 2.675 becomes 2.68. Everything here rounds a
*decimal* reading of the number, away from zero on a tie.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral, Real

__all__ = ["FLOAT_DIGITS", "half_up_float", "round_half_up"]

#: Significant digits a float is read at before rounding. A double holds 15
#: decimal digits reliably (spreadsheets show the same 15), so reading at 15
#: digits turns 2.67499999999999982236431605997495353221893310546875 back into
#: the 2.675 that was typed, and keeps arithmetic noise such as
#: ``0.1 + 0.2 == 0.30000000000000004`` or ``7 / 40 * 10 * 0.9`` from deciding
#: a tie.
FLOAT_DIGITS = 15


def _exact(value: object) -> Fraction:
    """Return the exact rational a number stands for (floats read at 15 digits)."""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"expected a number, got {type(value).__name__}: {value!r}")
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot round {value}")
        return Fraction(value)
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"cannot round {as_float}")
    return Fraction(Decimal(format(as_float, f".{FLOAT_DIGITS}g")))


#: Wide enough for any float read at 15 digits and quantized to a few places; a value it cannot
#: hold raises, and is rounded through its exact fraction instead.
_WIDE = Context(prec=60, traps=[InvalidOperation])


def _quantized(value: object, places: int) -> Decimal | None:
    """The same rounding done by :mod:`decimal` for a finite float or Decimal; ``None`` otherwise.

    ``Decimal.quantize`` with ``ROUND_HALF_UP`` rounds ties away from zero, exactly as the
    fraction arithmetic below does, in a fraction of the time (a table rounds hundreds of figures).
    """
    if isinstance(value, float) and math.isfinite(value):
        decimal = Decimal(format(value, f".{FLOAT_DIGITS}g"))
    elif isinstance(value, Decimal) and value.is_finite():
        decimal = value
    else:
        return None
    try:
        rounded = decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    except InvalidOperation:
        return None
    return rounded.copy_abs() if rounded.is_zero() else rounded


def round_half_up(value: Decimal | Fraction | float | int, places: int = 2) -> Decimal:
    """Round to ``places`` decimals, ties away from zero (四舍五入).

    Parameters
    ----------
    value : Decimal, Fraction, int or float
        The number to round. ``Decimal``, ``Fraction`` and ``int`` are taken
        exactly; a float (numpy floats included) is read at
        :data:`FLOAT_DIGITS` significant digits, i.e. as the decimal it was
        meant to be, not as its binary approximation.
    places : int, default 2
        Number of decimals to keep, 0 or more.

    Returns
    -------
    Decimal
        The rounded value with exactly ``places`` decimals (never ``-0``).

    Raises
    ------
    ValueError
        If ``value`` is not a number (``bool`` included), is NaN or infinite,
        or if ``places`` is negative.

    Examples
    --------
    >>> round_half_up(2.675)
    Decimal('2.68')
    >>> round(2.675, 2)  # binary value 2.67499999..., then half to even
    2.67
    >>> round_half_up(0.125), round_half_up(-0.125)
    (Decimal('0.13'), Decimal('-0.13'))
    >>> from fractions import Fraction
    >>> round_half_up(Fraction(403, 41))
    Decimal('9.83')
    >>> round_half_up(Decimal("97.5"), places=0)
    Decimal('98')
    """
    if isinstance(places, bool) or not isinstance(places, Integral) or places < 0:
        raise ValueError(f"places must be a whole number >= 0, got {places!r}")
    quick = _quantized(value, int(places))
    if quick is not None:
        return quick
    scaled = _exact(value) * 10 ** int(places)
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    sign = 1 if scaled < 0 and magnitude else 0
    return Decimal((sign, tuple(int(d) for d in str(magnitude)), -int(places)))


def half_up_float(value: Decimal | Fraction | float | int | None, places: int = 2) -> float | None:
    """Round half up for JSON and tables: a float, or ``None`` for a missing value.

    Parameters
    ----------
    value : number or None
        NaN (and ``None``, ``pandas.NA``) mean "no value" and give ``None``.
    places : int, default 2
        Number of decimals to keep.

    Returns
    -------
    float or None

    Examples
    --------
    >>> half_up_float(1.005)
    1.01
    >>> half_up_float(float("nan")) is None
    True
    """
    if value is None or (not isinstance(value, Decimal | Fraction) and _is_missing(value)):
        return None
    return float(round_half_up(value, places))


def _is_missing(value: object) -> bool:
    """Tell NaN, ``pandas.NA`` and ``pandas.NaT``-like values from numbers."""
    try:
        return bool(value != value)  # NaN is the only number unequal to itself
    except TypeError:  # pandas.NA refuses to be truth-tested
        return True
