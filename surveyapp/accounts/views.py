"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts import cookies, devices, throttle
from surveyapp.accounts.forms import PasswordChangeForm, SignInForm
from surveyapp.accounts.services import attempt_sign_in, change_password
from surveyapp.extensions import db, login_manager
from surveyapp.models import User
from surveyapp.survey.views import _safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, from the id and password stamp kept in the session cookie."""
    user_id, _sep, stamp = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or stamp != user.session_stamp:
        return None  # disabled, or the password changed since: the session ends
    return user


def wait_message(retry_after: int) -> str:
    """Too many attempts, and how many minutes (rounded up) to wait."""
    minutes = max(1, -(-retry_after // 60))
    return ngettext(
        "Too many attempts. Please wait %(num)d minute and try again.",
        "Too many attempts. Please wait %(num)d minutes and try again.",
        minutes,
    )


def _too_many(form: SignInForm, retry_after: int) -> tuple[str, int, dict[str, str]]:
    form.password.errors = [wait_message(retry_after)]
    page = render_template("accounts/login.html", form=form)
    return page, 429, {"Retry-After": str(retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        username = form.username.data or ""
        result = attempt_sign_in(
            username, form.password.data or "", request.remote_addr, trusted=devices.is_known(username)
        )
        if result.retry_after:
            return _too_many(form, result.retry_after)
        if result.user is not None:
            login_user(result.user)
            return devices.remember(redirect(_safe_next(request.args.get("next")), code=303), username)
        # One message for an unknown user and a wrong password: nothing to learn from it.
        form.password.errors = [_("The user name or password is not correct.")]
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form), (422 if form.is_submitted() else 200)


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out (a POST, so another site cannot sign a user out), ending every copy of the session.

    A copied cookie (a shared phone, a backup) stays signed in with a cookie-only session, so the
    account's session epoch is raised: every session made before this moment ends.
    """
    if current_user.is_authenticated:
        current_user.end_sessions()
    logout_user()
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Change one's own password; other sessions of the account end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        # Guessing the current password here is guessing a sign-in: the same throttle applies.
        username, address = current_user.username, request.remote_addr
        wait = throttle.seconds_blocked(username, address, trusted=devices.is_known(username))
        if wait:
            form.current_password.errors = [wait_message(wait)]
            page = render_template("accounts/password.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = current_user._get_current_object()
        if change_password(user, form.current_password.data or "", form.new_password.data or ""):
            login_user(current_user._get_current_object())  # this session carries the new stamp
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("survey.index"), code=303)
        throttle.count_failure(username, address)
        form.current_password.errors = [_("The current password is not correct.")]
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form), status


def init_app(app: Flask) -> None:
    """Configure Flask-Login's sign-in page and message, and the session cookie."""
    cookies.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the sign-in page explains itself
    # No session protection by address: field staff's phones change network (and address) all the
    # time, and "strong" protection would sign them out mid-interview. Sessions end server-side
    # instead: the stamp in the cookie changes on sign-out, disabling and password change.
    login_manager.session_protection = None
