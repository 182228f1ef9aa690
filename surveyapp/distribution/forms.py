"""The staff forms of distribution."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, IntegerField, RadioField, SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional


class RosterUploadForm(FlaskForm):
    """A roster file and whether to keep names and phones."""

    file = FileField(_l("Roster file (CSV or XLSX)"))
    keep_contacts = BooleanField(_l("Keep names and phone numbers, encrypted, for interviews"))


class AccessForm(FlaskForm):
    """Who may answer the campaign."""

    access = RadioField(
        _l("Who may answer"),
        choices=[
            SelectChoice("anyone", _l("Anyone with the address or the poster's QR code")),
            SelectChoice("code", _l("Only people with a personal code")),
            SelectChoice("both", _l("Both: personal codes, and anyone with the address")),
        ],
        validators=[InputRequired(message=_l("Please choose who may answer."))],
    )


class DrawForm(FlaskForm):
    """How to draw the sample."""

    per_county = IntegerField(
        _l("People per county (or township)"),
        validators=[Optional(), NumberRange(min=1, message=_l("At least 1."))],
    )
    fraction = DecimalField(
        _l("Or a share of each county, e.g. 0.02 for 2 %"),
        places=None,
        validators=[Optional(), NumberRange(min=0.0001, max=1, message=_l("Above 0 and at most 1."))],
    )
    seed = IntegerField(
        _l("Seed (any whole number; write it in the report so anyone can draw the same sample)"),
        validators=[
            InputRequired(message=_l("Please give a seed.")),
            NumberRange(min=0, max=2**62, message=_l("A whole number of 0 or more.")),
        ],
    )
    by_township = BooleanField(_l("Draw within each township, not only each county"))

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Exactly one of the number and the share."""
        valid = super().validate(extra_validators)
        if (self.per_county.data is None) == (self.fraction.data is None):
            self.per_county.errors = [
                *self.per_county.errors,
                _l("Give either a number per county or a share, not both."),
            ]
            return False
        return valid


class CalculatorForm(FlaskForm):
    """The wanted margin of error, in percentage points."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    margin = DecimalField(
        _l("Wanted margin of error (percentage points, at 95 per cent confidence)"),
        places=None,
        default=5,
        validators=[Optional(), NumberRange(min=0.1, max=50, message=_l("Between 0.1 and 50."))],
    )


class CrossCheckForm(FlaskForm):
    """Two lists to match."""

    file_a = FileField(_l("List A (e.g. the federation's roster)"))
    file_b = FileField(_l("List B (e.g. another department's list)"))
