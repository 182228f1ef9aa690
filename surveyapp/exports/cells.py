"""Neutralise spreadsheet formulas in exported text (CSV/XLSX formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel, WPS or LibreOffice. Such text gets a leading apostrophe, which spreadsheets show
as plain text. Numbers stay numbers: only text is touched.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """The text, made inert if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell: numbers and dates as they are, text made inert."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime | date):
        return value
    return safe_text(str(value))
