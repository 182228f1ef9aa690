"""Neutralise spreadsheet formulas in exported text (CSV/XLSX formula injection).

A text that starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms ``＝＋－＠``, which
spreadsheets in Chinese locales also take as formulas), a tab, a carriage return or a line feed
would be run as a formula when a CSV is opened. In CSV such text gets a leading apostrophe, the
only marker every spreadsheet understands; a text that reads as a plain number (``-3.5``) is left
alone, because a spreadsheet reads it as that number and evaluates nothing.

XLSX needs no marker at all: a cell stored as a string is never evaluated, so formula-like text is
written as a string cell (see :mod:`surveyapp.exports.streams`) and reads exactly as printed (a
published target ``= 100 %`` shows no stray apostrophe). Numbers stay numbers in both formats:
only text is touched.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
PLAIN_VALUES = (bool, int, float, Decimal, datetime, date)
_FIRST_CHARACTERS = frozenset(FORMULA_PREFIXES)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet opening this text from a CSV would evaluate it."""
    return text[:1] in _FIRST_CHARACTERS and not PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """The text for a CSV cell, made inert if a spreadsheet would read it as a formula."""
    return "'" + text if is_formula_like(text) else text


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV cell: numbers and dates as they are, text made inert."""
    if type(value) is str:  # the common case first: one look at the first character
        return "'" + value if is_formula_like(value) else value
    if value is None or isinstance(value, PLAIN_VALUES):
        return value
    return safe_text(str(value))
