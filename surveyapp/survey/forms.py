"""The response form, built at run time from the stored questionnaire version."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from surveyapp.models import QuestionnaireVersion
from surveyapp.questionnaires.question_types import QUESTION_TYPES

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
#: The public form's id is signed by the server: nonce, issue time and signature, dot-separated.
SIGNED_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}\.[A-Za-z0-9_-]{4,12}\.[A-Za-z0-9_-]{16,64}\Z")
INCOMPLETE = _l("This form is incomplete. Please reload the page.")


class ResponseFormBase(FlaskForm):
    """Fields every response form has; question fields are added per version."""

    submission_id = HiddenField(
        validators=[
            InputRequired(message=INCOMPLETE),
            Regexp(SUBMISSION_ID, message=INCOMPLETE),
        ]
    )

    def question_fields(self) -> list:
        """The question fields, in questionnaire order."""
        return [self[name] for name in self._question_names]

    def answers(self) -> dict[int, str]:
        """The chosen option code per question number (unanswered questions left out)."""
        return {int(field.name[1:]): field.data for field in self.question_fields() if field.data}


def field_name(number: int) -> str:
    """The form field name of question ``number``."""
    return f"q{number}"


def response_form_class(version: QuestionnaireVersion) -> type[ResponseFormBase]:
    """A form class with one field per question of the version."""
    attrs: dict[str, object] = {"_question_names": [field_name(q.number) for q in version.questions]}
    for question in version.questions:
        attrs[field_name(question.number)] = QUESTION_TYPES[question.type].make_field(question, version.scale)
    return type("ResponseForm", (ResponseFormBase,), attrs)


def public_form_class(version: QuestionnaireVersion) -> type[ResponseFormBase]:
    """The respondent's form: the questions, and a submission id in the server's signed format."""
    checks = [InputRequired(message=INCOMPLETE), Regexp(SIGNED_SUBMISSION_ID, message=INCOMPLETE)]
    field = HiddenField(validators=checks)
    return type("PublicResponseForm", (response_form_class(version),), {"submission_id": field})
