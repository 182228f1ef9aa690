"""The registry of question types: how each is asked (a WTForms field) and answered (its choices).

Every place that renders or checks a question goes through this registry, so a new type is
added in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice
from wtforms.validators import InputRequired, Optional


class ScaleChoice(Protocol):
    """What a field needs of an option: its code and its label."""

    code: str
    label: str


class AskedQuestion(Protocol):
    """What a field needs of a question."""

    number: int
    text: str
    required: bool


@dataclass(frozen=True)
class QuestionType:
    """A kind of question: builds its form field."""

    name: str
    make_field: Callable[[AskedQuestion, Sequence[ScaleChoice]], Field]


def _scale_field(question: AskedQuestion, scale: Sequence[ScaleChoice]) -> Field:
    """One choice among the questionnaire's scale, as a native radio group."""
    validators = (
        [InputRequired(message=_l("Please choose an answer to this question."))]
        if question.required
        else [Optional()]
    )
    return RadioField(
        label=question.text,
        choices=[SelectChoice(option.code, option.label) for option in scale],
        validators=validators,
    )


QUESTION_TYPES: dict[str, QuestionType] = {
    "scale": QuestionType("scale", _scale_field),
}
