"""Bounded checks shared by every form: nothing a user types can hold a worker or break a page.

Numbers are read by :func:`analysis.numbers.parse_decimal`, which checks the text *before* it
converts it: at most ``MAX_NUMBER_CHARS`` characters of plain digits (no exponent, no
``inf``/``nan``), so
``1e1000000`` never reaches ``Decimal`` arithmetic or ``int()``; whole numbers must fit their
32-bit column. Dates must fall within sane years. Text must not be blank, must not hold NUL or
other control characters (PostgreSQL refuses NUL in text), and identifiers match whole strings
(``\\Z``, not ``$``, which lets a trailing newline through).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from analysis.numbers import NUMBER_MAX, number_text, parse_decimal

#: The largest value an INTEGER column holds on PostgreSQL (and that SQLite stores as such).
INT_MAX = 2**31 - 1
#: Dates outside these years are typing mistakes (and some are beyond what databases store).
MIN_YEAR, MAX_YEAR = 1990, 2100

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")


def parse_bounded(
    text: str, *, minimum: Decimal | None = None, maximum: Decimal = NUMBER_MAX, whole: bool = False
) -> Decimal:
    """The number in typed ``text`` (see :func:`analysis.numbers.parse_decimal`), or ``ValueError``."""
    return parse_decimal(str(text or ""), minimum=minimum, maximum=maximum, whole=whole)


class BoundedNumber:
    """A text field holding a plain number within bounds (empty passes: add a required check)."""

    def __init__(
        self,
        message: Any,
        *,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int = NUMBER_MAX,
        whole: bool = False,
    ) -> None:
        self.message = message
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = Decimal(maximum)
        self.whole = whole

    def __call__(self, form: Any, field: Field) -> None:
        """Check the field's text."""
        if not number_text(field.data):
            return
        try:
            parse_bounded(field.data, minimum=self.minimum, maximum=self.maximum, whole=self.whole)
        except ValueError:
            raise ValidationError(self.message) from None


class WithinColumn:
    """An integer field's value fits its 32-bit column; put it before ``NumberRange``.

    It stops the chain, so ``NumberRange`` never compares a 400-digit integer with floats
    (which raises ``OverflowError``).
    """

    def __init__(self, message: Any = None, minimum: int = -INT_MAX, maximum: int = INT_MAX) -> None:
        self.message = message or _l("Please enter a smaller whole number.")
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form: Any, field: Field) -> None:
        """Refuse values beyond the column."""
        if field.data is not None and not self.minimum <= field.data <= self.maximum:
            raise StopValidation(self.message)


class SaneDate:
    """A date within ``MIN_YEAR``..``MAX_YEAR``."""

    def __call__(self, form: Any, field: Field) -> None:
        """Refuse dates outside the sane years."""
        day = field.data
        if isinstance(day, date) and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise StopValidation(
                _l("Please enter a date between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR)
            )


class CleanText:
    """Text without NUL or other control characters, and (for one-line fields) no line breaks."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: Any, field: Field) -> None:
        """Refuse control characters."""
        text = field.data if isinstance(field.data, str) else ""
        if _CONTROL.search(text) or (not self.multiline and _LINE_BREAK.search(text)):
            raise ValidationError(_l("Please remove the invisible control characters from this text."))


class NotBlank:
    """Required text that is more than spaces."""

    def __init__(self, message: Any) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        """Stop with the message when the text is empty or only spaces."""
        if not isinstance(field.data, str) or not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding spaces removed."""
    return value.strip() if isinstance(value, str) else value
