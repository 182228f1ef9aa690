"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from surveyapp.accounts.passwords import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    """User name and password."""

    username = StringField(
        _l("User name"),
        validators=[InputRequired(message=_l("Please enter your user name.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


def _new_password_validators() -> list:
    return [
        InputRequired(message=_l("Please enter a new password.")),
        Length(
            min=MIN_PASSWORD_LENGTH,
            max=1024,
            message=_l("The password needs at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
        ),
    ]


class NewPasswordMixin:
    """A new password, typed twice."""

    new_password = PasswordField(
        _l("New password"), validators=_new_password_validators(), render_kw={"autocomplete": "new-password"}
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Please type the new password again.")),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(FlaskForm, NewPasswordMixin):
    """The signed-in user's current password and a new one."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Please enter your current password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
