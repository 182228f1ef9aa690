"""Forms of the indicator pages. Numbers are read as text and checked here, with our own messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from surveyapp.validation import INT_MAX, BoundedNumber, CleanText, NotBlank, number_text, parse_bounded


def decimal_or_none(field: Field) -> Decimal | None:
    """The field's number, or None when left empty (call after validation)."""
    text = number_text(field.data)
    return parse_bounded(text) if text else None


#: The largest amount (元 or 万元) and the largest indicator value the columns hold.
MAX_AMOUNT = Decimal(10) ** 9
MAX_VALUE = Decimal(10) ** 13


def _number(
    message: Any, whole: bool = False, minimum: Decimal | None = None, maximum: Decimal | int | None = None
) -> Any:
    """A plain number within bounds, checked before conversion (see :mod:`surveyapp.validation`)."""
    top = maximum if maximum is not None else (INT_MAX if whole else MAX_AMOUNT)
    return BoundedNumber(message, minimum=minimum, maximum=top, whole=whole)


LONG_TEXT = [Length(max=4000), CleanText(multiline=True)]
NUMBER = _l("Enter a number, e.g. 23186 or 98.5.")
WHOLE = _l("Enter a whole number, e.g. 23186.")


class CreateTableForm(FlaskForm):
    """Make a table from a shipped template."""

    template = SelectField(_l("Template"), validators=[InputRequired()])
    area = SelectField(_l("Area the evaluation covers"), validators=[Optional()])
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300), CleanText()])
    key = StringField(
        _l("Key in addresses (optional)"),
        validators=[Optional(), Length(max=64), CleanText()],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class LeafForm(FlaskForm):
    """The values of one leaf; which fields show depends on its rule."""

    target = StringField(_l("Target (指标值)"), validators=[Length(max=100), CleanText()])
    actual = StringField(
        _l("Actual value"),
        validators=[_number(NUMBER, minimum=Decimal(0), maximum=MAX_VALUE)],
        render_kw={"inputmode": "decimal"},
    )
    unit = StringField(_l("Unit"), validators=[Length(max=32), CleanText()])
    band = SelectField(_l("Band"), validate_choice=False)
    percent = StringField(
        _l("Percent of the points within the band"),
        validators=[_number(NUMBER, minimum=Decimal(0), maximum=100)],
        render_kw={"inputmode": "decimal"},
    )
    manual_score = StringField(
        _l("Score"),
        validators=[_number(NUMBER, minimum=Decimal(0), maximum=1000)],
        render_kw={"inputmode": "decimal"},
    )
    reason = TextAreaField(
        _l("Reason for the deduction (扣分原因)"), validators=[Length(max=4000), CleanText(multiline=True)]
    )
    evidence = TextAreaField(
        _l("Evidence (评价依据)"), validators=[Length(max=4000), CleanText(multiline=True)]
    )


class LinkForm(FlaskForm):
    """Make a leaf follow a campaign figure."""

    kind = SelectField(_l("Follow"), validators=[InputRequired()], validate_choice=False)
    campaign = SelectField(_l("Campaign"), validate_choice=False)


class GradesForm(FlaskForm):
    """The table's grade bands as text."""

    grades = StringField(
        _l("Grades, highest first: name and lowest total"),
        validators=[InputRequired(), Length(max=300), CleanText()],
    )


class FundsRowForm(FlaskForm):
    """One county row of the funds sheet."""

    county = StringField(
        _l("County"), validators=[InputRequired(_l("Enter the county's name.")), Length(max=100), CleanText()]
    )
    funds = StringField(
        _l("City funds (万元)"),
        validators=[NotBlank(NUMBER), _number(NUMBER, minimum=Decimal(0))],
        render_kw={"inputmode": "decimal"},
    )
    people = StringField(
        _l("People subsidised"),
        validators=[NotBlank(WHOLE), _number(WHOLE, whole=True, minimum=Decimal(0))],
        render_kw={"inputmode": "numeric"},
    )
    share = SelectField(
        _l("Cost share, city : county"),
        choices=[SelectChoice(f"{c}:{10 - c}") for c in range(0, 11)],
        default="5:5",
    )


class FundsSettingsForm(FlaskForm):
    """Standard per person, people target and the printed totals of the sheet."""

    standard = StringField(
        _l("Subsidy per person per year (元)"),
        validators=[NotBlank(NUMBER), _number(NUMBER, minimum=Decimal("0.01"))],
        render_kw={"inputmode": "decimal"},
    )
    people_target = StringField(
        _l("People to subsidise (target)"),
        validators=[_number(WHOLE, whole=True, minimum=Decimal(1))],
        render_kw={"inputmode": "numeric"},
    )
    printed_funds = StringField(
        _l("Printed total funds (万元)"),
        validators=[_number(NUMBER, minimum=Decimal(0))],
        render_kw={"inputmode": "decimal"},
    )
    printed_people = StringField(
        _l("Printed total people"),
        validators=[_number(WHOLE, whole=True, minimum=Decimal(0))],
        render_kw={"inputmode": "numeric"},
    )


class FundsImportForm(FlaskForm):
    """A CSV or XLSX file that replaces the sheet's rows."""

    file = FileField(_l("CSV or XLSX file"))
