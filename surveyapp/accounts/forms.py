"""Sign-in form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


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
