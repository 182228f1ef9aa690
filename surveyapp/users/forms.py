"""Forms for adding and changing staff accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from surveyapp.accounts.forms import NewPasswordMixin
from surveyapp.accounts.services import USERNAME
from surveyapp.validation import CleanText, strip


def role_choices() -> list[SelectChoice]:
    """The roles, named in the user's language."""
    return [
        SelectChoice(
            "field_staff", str(_l("Field staff: enter interviews and paper questionnaires of their area"))
        ),
        SelectChoice("evaluator", str(_l("Evaluator: read, score and export the data of their areas"))),
        SelectChoice("admin", str(_l("Administrator: everything"))),
    ]


class AccountFieldsMixin:
    """What an administrator decides about an account."""

    display_name = StringField(
        _l("Name shown in pages"), validators=[Optional(), Length(max=100), CleanText()], filters=[strip]
    )
    role = SelectField(_l("Role"), validators=[InputRequired()])
    area = SelectField(_l("Area"), validators=[Optional()])


class NewUserForm(FlaskForm, AccountFieldsMixin, NewPasswordMixin):
    """A new account."""

    username = StringField(
        _l("User name"),
        validators=[
            InputRequired(message=_l("Please enter a user name.")),
            Regexp(USERNAME, message=_l("User names use 2 to 64 letters, digits and . _ @ -")),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )


class EditUserForm(FlaskForm, AccountFieldsMixin):
    """Changes to an account."""

    active = BooleanField(_l("Account active (can sign in)"))


class ResetPasswordForm(FlaskForm, NewPasswordMixin):
    """A new password set by an administrator."""
