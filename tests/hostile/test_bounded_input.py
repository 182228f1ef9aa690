"""Each finding of hostile staff input, checked by itself: the shared bounded checks refuse it.

The Hypothesis test posts such values to every form at random; these pin each one down.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from flask import Flask
from wtforms import DateField, Form, IntegerField, StringField

from surveyapp.validation import (
    INT_MAX,
    BoundedNumber,
    CleanText,
    NotBlank,
    SaneDate,
    WithinColumn,
    parse_bounded,
)


class Sample(Form):
    """One field per shared check, as the staff forms use them."""

    amount = StringField(validators=[BoundedNumber("number")])
    count = IntegerField(validators=[WithinColumn()])
    day = DateField(validators=[SaneDate()])
    name = StringField(validators=[NotBlank("name"), CleanText()])


def _errors(app: Flask, **sent: str) -> dict[str, list[str]]:
    data = {"name": "ok", **sent}
    with app.test_request_context():
        form = Sample(formdata=_MultiDict(data))
        form.validate()
        return {name: errors for name, errors in form.errors.items() if name in sent}


class _MultiDict(dict[str, str]):
    def getlist(self, key: str) -> list[str]:
        return [self[key]] if key in self else []


@pytest.mark.parametrize("text", ["1e1000000", "9" * 400, "inf", "-Infinity", "NaN", "1e309", "0x10"])
def test_numbers_are_bounded_before_conversion_and_quickly(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError):
        parse_bounded(text)
    assert time.perf_counter() - started < 0.1


def test_a_plain_number_passes() -> None:
    assert parse_bounded("12.5") == Decimal("12.5")


@pytest.mark.parametrize("text", ["1e1000000", "inf", "NaN"])
def test_a_number_field_refuses_exponents_and_infinity(app: Flask, text: str) -> None:
    assert _errors(app, amount=text)["amount"]


@pytest.mark.parametrize("text", [str(INT_MAX + 1), "9" * 40])
def test_integers_stay_within_their_column(app: Flask, text: str) -> None:
    assert _errors(app, count=text)["count"]
    assert not _errors(app, count=str(INT_MAX))


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_dates_stay_within_sane_years(app: Flask, text: str) -> None:
    assert _errors(app, day=text)["day"]
    assert not _errors(app, day="2022-06-30")


@pytest.mark.parametrize("text", ["   ", "", "name\n", "a\x00b", "\x1b[31m"])
def test_names_not_only_spaces_nor_with_line_breaks_or_control_characters(app: Flask, text: str) -> None:
    assert _errors(app, name=text)["name"]
    assert not _errors(app, name="石林县")
