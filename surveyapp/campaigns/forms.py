"""The form that starts a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from surveyapp.i18n import local_zone
from surveyapp.validation import CleanText, NotBlank, SaneDate, WithinColumn, strip

FROM_ONE = _l("Please enter a whole number from 1.")


class CampaignForm(FlaskForm):
    """Name, questionnaire version, area, target, population, dates and weight scheme."""

    name = StringField(
        _l("Name"),
        validators=[NotBlank(_l("Please give the campaign a name.")), Length(max=200), CleanText()],
        filters=[strip],
    )
    version = SelectField(
        _l("Questionnaire version"), validators=[InputRequired(message=_l("Please choose a questionnaire."))]
    )
    area = SelectField(_l("Area"), validators=[Optional()])
    target_responses = IntegerField(
        _l("Target number of responses"),
        validators=[
            Optional(),
            WithinColumn(),
            NumberRange(min=1, message=_l("Please enter a whole number from 1.")),
        ],
    )
    population_size = IntegerField(
        _l("Number of people the sample is drawn from"),
        validators=[
            Optional(),
            WithinColumn(),
            NumberRange(min=1, message=_l("Please enter a whole number from 1.")),
        ],
    )
    opens_on = DateField(_l("Opening date"), validators=[Optional(), SaneDate()])
    closes_on = DateField(_l("Closing date (last day)"), validators=[Optional(), SaneDate()])
    weight_scheme = SelectField(_l("Weight scheme"), validators=[Optional()])

    def validate_closes_on(self, field: DateField) -> None:
        """The last day cannot come before the first."""
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must not be before the opening date."))


def start_of_day(day: date | None, *, next_day: bool = False) -> datetime | None:
    """Midnight (local time) at the start of ``day``, or of the day after, in UTC."""
    if day is None:
        return None
    zone = local_zone()
    local = datetime.combine(day + timedelta(days=1 if next_day else 0), time.min, tzinfo=zone)
    return local.astimezone(UTC)
