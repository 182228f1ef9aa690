"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts.forms import SignInForm
from surveyapp.accounts.services import authenticate
from surveyapp.extensions import db, login_manager
from surveyapp.models import User
from surveyapp.survey.views import _safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, from the id kept in the session cookie."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse | tuple[str, int]:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
        # One message for an unknown user and a wrong password: nothing to learn from it.
        form.password.errors = [_("The user name or password is not correct.")]
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form), (422 if form.is_submitted() else 200)


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out (a POST, so another site cannot sign a user out)."""
    logout_user()
    return redirect(url_for("accounts.login"), code=303)


def init_app() -> None:
    """Configure Flask-Login's sign-in page and message."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the sign-in page explains itself
    login_manager.session_protection = "strong"
