"""The weight scheme selector."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from surveyapp.scoring.schemes import QUESTIONNAIRE_WEIGHTS, all_schemes


class SchemeForm(FlaskForm):
    """Pick the weights a campaign scores with."""

    scheme = SelectField(_l("Weight scheme"), validators=[InputRequired()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        own = (QUESTIONNAIRE_WEIGHTS, str(_l("The questionnaire's own weights")))
        self.scheme.choices = [own, *[(s.key, s.name) for s in all_schemes()]]
