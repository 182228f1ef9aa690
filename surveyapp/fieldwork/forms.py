"""The data-entry form: how the answers were collected, then the questionnaire's own questions."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from surveyapp.campaigns.forms import start_of_day
from surveyapp.models import QuestionnaireVersion, utcnow
from surveyapp.survey.forms import ResponseFormBase, response_form_class

ENTRY_FIELDS = ("channel", "mode", "respondent_area", "answered_on", "personal_code")


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
        "respondent_area": SelectField(_l("Where the respondent lives"), validators=[Optional()]),
        "answered_on": DateField(
            _l("Date of the interview or on the paper"), validators=[Optional(), _check_date]
        ),
        # A sampled person's code closes it: the person no longer appears among those to visit.
        "personal_code": StringField(_l("Personal code, if the person was sampled"), validators=[Optional()]),
    }
    return type("EntryForm", (EntryChecks, response_form_class(version)), fields)


def new_submission_id() -> str:
    """Made when the entry form is opened, so a double submit of it stores one response."""
    return secrets.token_urlsafe(16)
