"""Chinese resident ID numbers (GB 11643-1999): 18 characters, a birth date, a check digit.

The 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits: each digit is
multiplied by ``2**(17 - i) mod 11`` (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), the
products are summed, and ``(12 - sum mod 11) mod 11`` is the check value, written ``X`` for 10.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = ["WEIGHTS", "check_character", "id_number_problem", "id_number_problems", "normalise_id_number"]

#: The weight of each of the first 17 digits.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"  # the check character for each value of ``sum mod 11``


def normalise_id_number(value: object) -> str:
    """The ID number as text, trimmed, with a lower-case ``x`` made upper-case.

    Examples
    --------
    >>> normalise_id_number(" 11010519491231002x ")
    '11010519491231002X'
    """
    return str(value if value is not None else "").strip().upper()


def check_character(first17: str) -> str:
    """The check character of the first 17 digits.

    Parameters
    ----------
    first17 : str
        Exactly 17 decimal digits.

    Returns
    -------
    str
        One of ``0``-``9`` or ``X``.

    Examples
    --------
    >>> check_character("11010519491231002")  # the standard's own example
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the first 17 characters of an ID number must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return _CHECK[total % 11]


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_problem(value: object, today: date | None = None) -> str | None:
    """What is wrong with an ID number, or None when it is valid.

    Parameters
    ----------
    value : object
        The cell as read; normalised with :func:`normalise_id_number`.
    today : date, optional
        A birth date after this day is refused; defaults to today.

    Returns
    -------
    str or None
        ``"length"``, ``"characters"``, ``"birth_date"`` or ``"check_digit"``.

    Examples
    --------
    >>> id_number_problem("11010519491231002X") is None
    True
    >>> id_number_problem("110105194912310021")
    'check_digit'
    >>> id_number_problem("11010519490231002X")  # no 31 February
    'birth_date'
    """
    number = normalise_id_number(value)
    if len(number) != 18:
        return "length"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "characters"
    born = _birth_date(number)
    if born is None or born.year < 1900 or born > (today or date.today()):
        return "birth_date"
    if check_character(number[:17]) != number[17]:
        return "check_digit"
    return None


def id_number_problems(numbers: pd.Series, today: date | None = None) -> pd.Series:
    """:func:`id_number_problem` for a whole column at once, vectorised for 100,000-row lists.

    Parameters
    ----------
    numbers : Series
        Normalised ID numbers (see :func:`normalise_id_number`), as text; missing as ``""``.
    today : date, optional
        A birth date after this day is refused; defaults to today.

    Returns
    -------
    Series
        The problem of each number (``"length"``, ``"characters"``, ``"birth_date"``,
        ``"check_digit"``) or None, on the same index.

    Examples
    --------
    >>> id_number_problems(pd.Series(["11010519491231002X", "110105194912310021", "123"])).tolist()
    [None, 'check_digit', 'length']
    """
    text = numbers.fillna("").astype(str)
    problems = pd.Series(None, index=text.index, dtype=object)
    wrong_length = text.str.len() != 18
    problems[wrong_length] = "length"
    rest = ~wrong_length & ~text.str.fullmatch(r"\d{17}[\dX]")
    problems[rest] = "characters"
    todo = problems.isna()
    born = pd.to_datetime(text[todo].str.slice(6, 14), format="%Y%m%d", errors="coerce")
    limit = pd.Timestamp(today or date.today())
    bad_birth = born.isna() | (born.dt.year < 1900) | (born > limit)
    problems[bad_birth[bad_birth].index] = "birth_date"
    todo = problems.isna()
    if todo.any():
        joined = "".join(text[todo].str.slice(0, 17))
        digits = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 17) - 48
        expected = np.array(list(_CHECK))[(digits.astype(np.int64) * np.array(WEIGHTS)).sum(axis=1) % 11]
        wrong = expected != text[todo].str.slice(17, 18).to_numpy()
        problems[text[todo].index[wrong]] = "check_digit"
    return problems.astype(object).where(problems.notna(), None)
