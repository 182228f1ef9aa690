"""Forms of the indicator pages. Numbers are read as text and checked here, with our own messages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError


def decimal_or_none(field: Field) -> Decimal | None:
    """The field's number, or None when left empty (call after validation)."""
    text = (field.data or "").strip().replace(",", "")
    return Decimal(text) if text else None


def _number(message: Any, whole: bool = False, minimum: Decimal | None = None) -> Any:
    def check(form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip().replace(",", "")
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(message) from None
        if not value.is_finite() or (whole and value != value.to_integral_value()):
            raise ValidationError(message)
        if minimum is not None and value < minimum:
            raise ValidationError(message)

    return check


NUMBER = _l("Enter a number, e.g. 23186 or 98.5.")
WHOLE = _l("Enter a whole number, e.g. 23186.")


class CreateTableForm(FlaskForm):
    """Make a table from a shipped template."""

    template = SelectField(_l("Template"), validators=[InputRequired()])
    area = SelectField(_l("Area the evaluation covers"), validators=[Optional()])
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])
    key = StringField(
        _l("Key in addresses (optional)"),
        validators=[Optional(), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class LeafForm(FlaskForm):
    """The values of one leaf; which fields show depends on its rule."""

    target = StringField(_l("Target (指标值)"), validators=[Length(max=100)])
    actual = StringField(
        _l("Actual value"),
        validators=[_number(NUMBER, minimum=Decimal(0))],
        render_kw={"inputmode": "decimal"},
    )
    unit = StringField(_l("Unit"), validators=[Length(max=32)])
    band = SelectField(_l("Band"), validate_choice=False)
    percent = StringField(
        _l("Percent of the points within the band"),
        validators=[_number(NUMBER, minimum=Decimal(0))],
        render_kw={"inputmode": "decimal"},
    )
    manual_score = StringField(
        _l("Score"), validators=[_number(NUMBER, minimum=Decimal(0))], render_kw={"inputmode": "decimal"}
    )
    reason = TextAreaField(_l("Reason for the deduction (扣分原因)"), validators=[Length(max=4000)])
    evidence = TextAreaField(_l("Evidence (评价依据)"), validators=[Length(max=4000)])


class LinkForm(FlaskForm):
    """Make a leaf follow a campaign figure."""

    kind = SelectField(_l("Follow"), validators=[InputRequired()], validate_choice=False)
    campaign = SelectField(_l("Campaign"), validate_choice=False)


class GradesForm(FlaskForm):
    """The table's grade bands as text."""

    grades = StringField(
        _l("Grades, highest first: name and lowest total"), validators=[InputRequired(), Length(max=300)]
    )


class FundsRowForm(FlaskForm):
    """One county row of the funds sheet."""

    county = StringField(
        _l("County"), validators=[InputRequired(_l("Enter the county's name.")), Length(max=100)]
    )
    funds = StringField(
        _l("City funds (万元)"),
        validators=[InputRequired(NUMBER), _number(NUMBER, minimum=Decimal(0))],
        render_kw={"inputmode": "decimal"},
    )
    people = StringField(
        _l("People subsidised"),
        validators=[InputRequired(WHOLE), _number(WHOLE, whole=True, minimum=Decimal(0))],
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
        validators=[InputRequired(NUMBER), _number(NUMBER, minimum=Decimal("0.01"))],
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
