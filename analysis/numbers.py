"""The one decimal parser: exact ``Decimal`` values from typed text, cells and YAML numbers.

Text is checked *before* it is converted: at most :data:`MAX_NUMBER_CHARS` characters of plain
digits with an optional sign and decimal point (grouping commas and spaces removed), so
``1e1000000``, ``inf`` and ``nan`` never reach ``Decimal`` arithmetic. Floats go through ``str``
so that ``317.395`` stays ``317.395``; booleans are refused (in YAML ``yes`` is a boolean).
The web forms (``surveyapp.validation``), the funds sheet and the indicator tables all read
numbers through :func:`parse_decimal`.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["MAX_NUMBER_CHARS", "NUMBER_MAX", "number_text", "parse_decimal"]

#: Longer number texts are refused unread.
MAX_NUMBER_CHARS = 30
#: The largest number any figure needs (funds in 元, people, percents).
NUMBER_MAX = Decimal(10) ** 15

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def number_text(value: object) -> str:
    """A typed number with its grouping commas and surrounding spaces removed.

    Examples
    --------
    >>> number_text(" 23,186 ")
    '23186'
    """
    return str(value if value is not None else "").strip().replace(",", "").replace("，", "")


def parse_decimal(
    value: object,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal = NUMBER_MAX,
    whole: bool = False,
) -> Decimal:
    """The exact number ``value`` holds, within bounds.

    Parameters
    ----------
    value : str, int, float or Decimal
        Typed text (``"1,234.5"``), a spreadsheet cell or a YAML number.
    minimum, maximum : Decimal, optional
        Bounds, both included; ``maximum`` defaults to :data:`NUMBER_MAX`.
    whole : bool, default False
        Whether the number must be whole.

    Returns
    -------
    Decimal
        The exact value.

    Raises
    ------
    ValueError
        If the value is not a plain finite number, not whole when it must be, or out of bounds.

    Examples
    --------
    >>> parse_decimal("13.075"), parse_decimal(317.395), parse_decimal("23,186", whole=True)
    (Decimal('13.075'), Decimal('317.395'), Decimal('23186'))
    >>> parse_decimal("1e1000000")
    Traceback (most recent call last):
    ...
    ValueError: not a plain number: '1e1000000'
    >>> parse_decimal("-1", minimum=Decimal(0))
    Traceback (most recent call last):
    ...
    ValueError: out of range: -1
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = number_text(value)
        if len(text) > MAX_NUMBER_CHARS or not _PLAIN_NUMBER.match(text):
            raise ValueError(f"not a plain number: {value!r}")
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if whole and number != number.to_integral_value():
        raise ValueError(f"not a whole number: {value!r}")
    if number > maximum or (minimum is not None and number < minimum):
        raise ValueError(f"out of range: {value}")
    return number
