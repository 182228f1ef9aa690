"""Administrators add field staff and evaluators, change roles and areas, and disable accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts.permissions import ADMIN, OutOfReach, reaches_area, role_required
from surveyapp.accounts.services import (
    AccountError,
    create_user,
    unlock_account,
    update_user,
)
from surveyapp.accounts.services import (
    reset_password as reset_account_password,
)
from surveyapp.accounts.throttle import lockout_seconds
from surveyapp.areas.choices import bind_area_field, chosen_area_id
from surveyapp.extensions import db
from surveyapp.models import Area, User
from surveyapp.users.forms import EditUserForm, NewUserForm, ResetPasswordForm, role_choices

bp = Blueprint("users", __name__, url_prefix="/admin/users", template_folder="templates")

Page = str | tuple[str, int] | BaseResponse


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not reaches_area(current_user, user.area_id):
        abort(404)
    return user


def _show(form: FlaskForm, error: AccountError, default: str) -> None:
    """The service's refusal next to the field it is about (``default`` when it names none)."""
    field = form._fields.get(error.field or default) or form._fields[default]
    field.errors = [str(error)]


def _with_choices(form: NewUserForm | EditUserForm) -> NewUserForm | EditUserForm:
    form.role.choices = role_choices()
    bind_area_field(form.area, current_user)
    return form


def _account_data(user: User) -> dict[str, object]:
    return {
        "display_name": user.display_name,
        "role": user.role,
        "area": str(user.area_id or ""),
        "active": user.active,
    }


def _area(form: NewUserForm | EditUserForm) -> Area | None:
    area_id = chosen_area_id(form.area.data)
    return db.session.get(Area, area_id) if area_id else None


@bp.get("/")
@role_required(ADMIN)
def index() -> str:
    """Every staff account."""
    users = db.session.scalars(
        select(User).options(joinedload(User.area)).order_by(User.active.desc(), User.username)
    ).all()
    return render_template(
        "users/index.html", users=[u for u in users if reaches_area(current_user, u.area_id)]
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new() -> Page:
    """Add an account: field staff of a county, an evaluator, another administrator."""
    form = _with_choices(NewUserForm())
    assert isinstance(form, NewUserForm)
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data or "",
                form.new_password.data or "",
                form.role.data or "",
                area=_area(form),
                display_name=form.display_name.data or None,
            )
        except OutOfReach as error:
            form.area.errors = [str(error)]
        except AccountError as error:
            _show(form, error, "username")
        else:
            flash(_("The account %(name)s has been added.", name=user.username), "success")
            return redirect(url_for(".index"), code=303)
    return render_template("users/new.html", form=form), (422 if form.is_submitted() else 200)


def _refuses_self_lockout(user: User, form: EditUserForm) -> bool:
    if user.id != current_user.id or (form.active.data and form.role.data == ADMIN):
        return False
    form.active.errors = [_("You cannot disable your own account or give up your own administrator role.")]
    return True


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit(user_id: int) -> Page:
    """Change an account's name, role, area or state."""
    user = _user_or_404(user_id)
    form = _with_choices(EditUserForm(data=_account_data(user)))
    assert isinstance(form, EditUserForm)
    if form.validate_on_submit() and not _refuses_self_lockout(user, form):
        try:
            update_user(
                user,
                role=form.role.data or "",
                area=_area(form),
                display_name=form.display_name.data,
                active=bool(form.active.data),
            )
        except OutOfReach as error:
            form.area.errors = [str(error)]
        except AccountError as error:
            _show(form, error, "role")
        else:
            flash(_("The account %(name)s has been saved.", name=user.username), "success")
            return redirect(url_for(".index"), code=303)
    return _edit_page(user, form, ResetPasswordForm(prefix="reset"), 422 if form.is_submitted() else 200)


def _edit_page(user: User, form: EditUserForm, reset: ResetPasswordForm, status: int) -> tuple[str, int]:
    locked = lockout_seconds(user.username)
    page = render_template(
        "users/edit.html",
        form=form,
        user=user,
        reset=reset,
        locked_minutes=-(-locked // 60) if locked else 0,
        unlock=FlaskForm(prefix="unlock"),
    )
    return page, status


@bp.post("/<int:user_id>/password")
@role_required(ADMIN)
def reset_password(user_id: int) -> Page:
    """Give an account a new password (for a user who forgot theirs)."""
    user = _user_or_404(user_id)
    reset = ResetPasswordForm(prefix="reset")
    if not reset.validate_on_submit():
        form = _with_choices(EditUserForm(data=_account_data(user)))
        assert isinstance(form, EditUserForm)
        return _edit_page(user, form, reset, 422)
    reset_account_password(user, reset.new_password.data or "")
    flash(_("The password of %(name)s has been changed.", name=user.username), "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/<int:user_id>/unlock")
@role_required(ADMIN)
def unlock(user_id: int) -> Page:
    """Lift the account's sign-in lockout (after the owner mistyped their password too often)."""
    user = _user_or_404(user_id)
    if not FlaskForm(prefix="unlock").validate_on_submit():
        abort(400)
    unlock_account(user)
    flash(_("%(name)s can sign in again.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id), code=303)
