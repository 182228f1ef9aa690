"""The registry of question types: for each type, in one place, how it is asked (a WTForms
field that works without JavaScript, and the template partial that renders it), how its answer
is read and checked, stored (the :class:`~surveyapp.models.Answer` column it uses), summarised on
the evaluator's page and exported.

Answers travel as plain values: a code for ``scale`` and ``select_one``, a list of codes for
``select_multiple``, text, :class:`~decimal.Decimal` for numbers and ranges,
:class:`~datetime.date` for dates. Input from forms and files arrives as text and goes through
:meth:`QuestionType.read`, which says in the user's language what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField

from analysis.numbers import NUMBER_MAX, parse_decimal

MAX_TEXT = 5000
MAX_RADIO_RANGE = 11  # 0..10: more than that becomes a number box


class ScaleChoice(Protocol):
    """What a field needs of an option: its code and its label."""

    code: str
    label: str


class AskedQuestion(Protocol):
    """What a field needs of a question."""

    number: int | None
    text: str
    required: bool
    appearance: str | None
    parameters: dict[str, Any] | None


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is for the respondent."""


def _range_values(question: AskedQuestion) -> list[Decimal]:
    parameters = question.parameters or {}
    start = Decimal(str(parameters.get("start", 1)))
    end = Decimal(str(parameters.get("end", 10)))
    step = Decimal(str(parameters.get("step", 1))) or Decimal(1)
    values: list[Decimal] = []
    value = start
    while (value <= end if step > 0 else value >= end) and len(values) <= 1000:
        values.append(value)
        value += step
    return values


def range_choices(question: AskedQuestion) -> list[Decimal] | None:
    """The values a range offers as radio buttons, or None when it is asked as a number box."""
    values = _range_values(question)
    return values if 0 < len(values) <= MAX_RADIO_RANGE else None


def number_text(value: Decimal) -> str:
    """A number as a respondent writes it: ``3``, ``2.5``."""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _choice_field(question: AskedQuestion, options: Sequence[ScaleChoice]) -> Field:
    return RadioField(
        label=question.text,
        choices=[SelectChoice(o.code, o.label) for o in options],
        validate_choice=False,
    )


def _multiple_field(question: AskedQuestion, options: Sequence[ScaleChoice]) -> Field:
    return SelectMultipleField(
        label=question.text, choices=[SelectChoice(o.code, o.label) for o in options], validate_choice=False
    )


def _text_field(question: AskedQuestion, options: Sequence[ScaleChoice]) -> Field:
    long = "multiline" in (question.appearance or "") or (question.parameters or {}).get("long")
    return (TextAreaField if long else StringField)(label=question.text)


def _range_field(question: AskedQuestion, options: Sequence[ScaleChoice]) -> Field:
    values = range_choices(question)
    if values is None:
        return StringField(label=question.text)
    return RadioField(
        label=question.text,
        choices=[SelectChoice(number_text(v), number_text(v)) for v in values],
        validate_choice=False,
    )


def _plain_field(question: AskedQuestion, options: Sequence[ScaleChoice]) -> Field:
    return StringField(label=question.text)


def _read_code(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    code = str(raw).strip()
    if code not in codes:
        raise AnswerError(_("“%(value)s” is not one of the options.", value=code))
    return code


def _read_codes(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    chosen = raw if isinstance(raw, list | tuple) else str(raw).split()
    chosen = [str(c).strip() for c in chosen if str(c).strip()]
    unknown = [c for c in chosen if c not in codes]
    if unknown:
        raise AnswerError(_("“%(value)s” is not one of the options.", value=unknown[0]))
    return [c for c in codes if c in chosen]  # the list's order, each once


def _read_text(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise AnswerError(_("Please keep the answer under %(count)d characters.", count=MAX_TEXT))
    return text


def _decimal(raw: Any) -> Decimal:
    try:
        value = parse_decimal(str(raw), minimum=-NUMBER_MAX)
    except ValueError:
        raise AnswerError(_("Please enter a number, e.g. 12 or 3.5.")) from None
    if abs(value) >= NUMBER_MAX:
        raise AnswerError(_("Please enter a number, e.g. 12 or 3.5."))
    return value


def _read_integer(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    try:
        value = _decimal(raw)
    except AnswerError:
        raise AnswerError(_("Please enter a whole number, e.g. 12.")) from None
    if value != value.to_integral():
        raise AnswerError(_("Please enter a whole number, e.g. 12."))
    return value.quantize(Decimal(1))


def _read_decimal(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    return _decimal(raw)


def _read_range(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    value = _decimal(raw)
    allowed = _range_values(question)
    if allowed and value not in allowed:
        raise AnswerError(
            _(
                "Please choose a value from %(low)s to %(high)s.",
                low=number_text(allowed[0]),
                high=number_text(allowed[-1]),
            )
        )
    return value


def _read_date(question: AskedQuestion, raw: Any, codes: Sequence[str]) -> Any:
    if isinstance(raw, date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise AnswerError(_("Please enter a date as year-month-day, e.g. 2022-12-01.")) from None


@dataclass(frozen=True)
class QuestionType:
    """A kind of question.

    ``storage`` names where its answer is kept: ``option`` (one option id), ``choices`` (several
    option ids), ``text``, ``number``, ``date``, or ``none`` for notes. ``summary`` is how the
    evaluator's page shows its answers: ``counts`` of each option, ``numbers`` (count, mean,
    range) or ``texts`` (listed, searchable).
    """

    name: str
    make_field: Callable[[AskedQuestion, Sequence[ScaleChoice]], Field] | None
    read: Callable[[AskedQuestion, Any, Sequence[str]], Any] | None
    storage: str
    summary: str
    template: str
    has_choices: bool = False
    #: the ``inputmode`` of a text box, so phones show the right keyboard
    inputmode: str | None = None

    @property
    def answerable(self) -> bool:
        """Whether respondents answer it (notes are only shown)."""
        return self.storage != "none"


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType("scale", _choice_field, _read_code, "option", "counts", "choice", has_choices=True),
        QuestionType("select_one", _choice_field, _read_code, "option", "counts", "choice", has_choices=True),
        QuestionType(
            "select_multiple", _multiple_field, _read_codes, "choices", "counts", "multiple", has_choices=True
        ),
        QuestionType("text", _text_field, _read_text, "text", "texts", "text"),
        QuestionType(
            "integer", _plain_field, _read_integer, "number", "numbers", "text", inputmode="numeric"
        ),
        QuestionType(
            "decimal", _plain_field, _read_decimal, "number", "numbers", "text", inputmode="decimal"
        ),
        QuestionType("range", _range_field, _read_range, "number", "numbers", "range", inputmode="decimal"),
        QuestionType("date", _plain_field, _read_date, "date", "texts", "date"),
        QuestionType("note", None, None, "none", "none", "note"),
    )
}


def answer_text(value: Any) -> str:
    """An answer as one export cell's text: codes joined by spaces, numbers without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
