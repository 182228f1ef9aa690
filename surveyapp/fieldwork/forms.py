"""The data-entry form: how the answers were collected, then the questionnaire's own questions."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from surveyapp.campaigns.forms import start_of_day
from surveyapp.models import QuestionnaireVersion, utcnow
from surveyapp.survey.forms import ResponseFormBase, response_form_class
from surveyapp.validation import SaneDate

ENTRY_FIELDS = ("channel", "mode", "respondent_area", "answered_on", "note", "personal_code")
PAPER_FIELDS = ("batch_size", "respondent_area", "sheet_serial", "batch", "answered_on")
SERIAL = r"^[A-Za-z0-9_./-]{1,32}$"


class EntryChecks:
    """Checks that look at several entry fields at once."""

    def validate(self, extra_validators: dict | None = None) -> bool:
        """An interview needs its mode; a paper questionnaire has none."""
        valid = super().validate(extra_validators)  # type: ignore[misc]
        form: Any = self
        if form.channel.data == "interview" and not form.mode.data:
            form.mode.errors = [
                *form.mode.errors,
                _l("For an interview, please say how the answers were given."),
            ]
            return False
        return bool(valid)


def _check_date(form: ResponseFormBase, field: DateField) -> None:
    day = start_of_day(field.data)
    if day is not None and day > utcnow():
        raise ValidationError(_l("The date cannot be in the future."))


def entry_form_class(version: QuestionnaireVersion) -> type[ResponseFormBase]:
    """The respondent form of ``version`` plus the fields field staff fill in."""
    fields = {
        "channel": RadioField(
            _l("How the questionnaire was collected"),
            choices=[
                SelectChoice("interview", _l("Face-to-face interview")),
                SelectChoice("paper", _l("Paper questionnaire")),
            ],
            validators=[InputRequired(message=_l("Please choose interview or paper."))],
        ),
        "mode": RadioField(
            _l("For interviews: who answered"),
            choices=[
                SelectChoice("self", _l("The beneficiary, on their own")),
                SelectChoice("read_aloud", _l("The beneficiary, with the questions read aloud")),
                SelectChoice("proxy", _l("A guardian or family member on their behalf")),
            ],
            validators=[Optional()],
        ),
        "respondent_area": SelectField(_l("Township and village of the respondent"), validators=[Optional()]),
        "answered_on": DateField(
            _l("Date of the interview or on the paper"), validators=[Optional(), SaneDate(), _check_date]
        ),
        "note": TextAreaField(
            _l("Interview note (optional)"),
            validators=[
                Optional(),
                Length(max=4000, message=_l("Please keep the note under 4000 characters.")),
            ],
        ),
        # A sampled person's code closes it: the person no longer appears among those to visit.
        "personal_code": StringField(
            _l("Personal code, if the person was sampled"), validators=[Optional(), Length(max=16)]
        ),
    }
    return type("EntryForm", (EntryChecks, response_form_class(version)), fields)


def paper_form_class(version: QuestionnaireVersion) -> type[ResponseFormBase]:
    """One paper sheet of a batch: the batch's size and township, the sheet's serial, its answers."""
    fields = {
        "batch_size": IntegerField(
            _l("Sheets in this batch"),
            validators=[Optional(), NumberRange(min=1, max=10000, message=_l("Between 1 and 10000 sheets."))],
        ),
        "respondent_area": SelectField(_l("Township of this batch"), validators=[Optional()]),
        "sheet_serial": StringField(
            _l("Serial number on the sheet"),
            validators=[
                InputRequired(message=_l("Please type the serial number written on the sheet.")),
                Regexp(SERIAL, message=_l("Serial numbers use up to 32 letters, digits, and . _ / -")),
            ],
        ),
        "batch": HiddenField(validators=[Optional(), Length(max=64)]),
        "answered_on": DateField(_l("Date on the paper"), validators=[Optional(), _check_date]),
    }
    return type("PaperForm", (response_form_class(version),), fields)


def new_submission_id(user_id: int) -> str:
    """An id bound to the account: ``u<user id>-`` and a random part.

    The server accepts from a signed-in staff member only ids carrying their own account id, so an
    id made on the device while offline (the same shape, random part from the browser's
    cryptographic generator) can be trusted without asking the server first.
    """
    return f"u{user_id}-{secrets.token_urlsafe(16)}"
