"""The administrator's page of areas: the tree, and adding townships and villages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from surveyapp.accounts.permissions import ADMIN, reaches_everything, role_required
from surveyapp.areas.choices import area_choices, chosen_area_id
from surveyapp.areas.services import AreaError, add_area, ordered_areas
from surveyapp.extensions import db
from surveyapp.models import Area
from surveyapp.validation import CleanText, NotBlank, strip

bp = Blueprint("areas", __name__, url_prefix="/admin/areas", template_folder="templates")


class AreaForm(FlaskForm):
    """A township below a county, or a village below a township."""

    parent = SelectField(
        _l("Lies in"), validators=[InputRequired(message=_l("Please choose where it lies."))]
    )
    name = StringField(
        _l("Name"),
        validators=[NotBlank(_l("Please enter the name.")), Length(max=100), CleanText()],
        filters=[strip],
    )
    code = StringField(
        _l("Code (optional)"),
        validators=[Optional(), Length(max=32), CleanText()],
        description=_l("The administrative division code if there is one; left empty, one is made up."),
    )


def _form() -> AreaForm:
    form = AreaForm()
    form.parent.choices = area_choices(current_user, whole_city=False, levels=("county", "township"))
    return form


def _page(form: AreaForm, status: int = 200) -> tuple[str, int]:
    within = None if reaches_everything(current_user) else current_user.area_id
    return render_template("areas/index.html", form=form, areas=ordered_areas(within)), status


@bp.get("/")
@role_required(ADMIN)
def index() -> tuple[str, int]:
    """The tree of areas and the form to add one."""
    return _page(_form())


@bp.post("/")
@role_required(ADMIN)
def add() -> tuple[str, int] | BaseResponse:
    """Add a township or village."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 422)
    parent = db.session.get(Area, chosen_area_id(form.parent.data) or 0)
    if parent is None:
        form.parent.errors = [_("Please choose where it lies.")]
        return _page(form, 422)
    try:
        area = add_area(parent, form.name.data or "", form.code.data)
    except AreaError as error:
        field = form._fields.get(error.field or "code") or form.code
        field.errors = [str(error)]
        return _page(form, 422)
    flash(_("%(name)s has been added below %(parent)s.", name=area.name, parent=parent.name), "success")
    return redirect(url_for(".index"), code=303)
