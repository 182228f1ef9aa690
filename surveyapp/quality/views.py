"""The evaluator's actions on the data-quality panel: exclude a response, restore it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from surveyapp.accounts.permissions import EVALUATOR, role_required
from surveyapp.campaigns.services import campaign_or_404
from surveyapp.quality.services import ExclusionError, exclude_response, restore_response

bp = Blueprint("quality", __name__, url_prefix="/evaluation", template_folder="templates")


class ExcludeForm(FlaskForm):
    """Why a response is left out."""

    reason = StringField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Please give the reason for excluding this response.")),
            Length(max=500, message=_l("Please keep the reason under 500 characters.")),
        ],
        filters=[lambda value: " ".join(value.split()) if isinstance(value, str) else value],
    )


def _back(slug: str) -> BaseResponse:
    return redirect(url_for("evaluation.campaign", slug=slug) + "#quality", code=303)


@bp.post("/campaigns/<slug>/responses/<int:response_id>/exclude")
@role_required(EVALUATOR)
def exclude(slug: str, response_id: int) -> BaseResponse:
    """Leave one response out of the figures, with a reason."""
    campaign = campaign_or_404(slug)
    form = ExcludeForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return _back(slug)
    try:
        exclude_response(campaign, response_id, form.reason.data or "", current_user)
    except ExclusionError:
        flash(_("This response cannot be excluded: it is not in this campaign or already excluded."), "error")
        return _back(slug)
    flash(_("Response %(id)s is excluded from the figures.", id=response_id), "success")
    return _back(slug)


@bp.post("/campaigns/<slug>/responses/<int:response_id>/restore")
@role_required(EVALUATOR)
def restore(slug: str, response_id: int) -> BaseResponse:
    """Count an excluded response again."""
    campaign = campaign_or_404(slug)
    if not FlaskForm().validate_on_submit():
        flash(_("This form has expired. Please go back, reload the page and send it again."), "error")
        return _back(slug)
    try:
        restore_response(campaign, response_id)
    except ExclusionError:
        flash(_("This response cannot be restored: it is not in this campaign or not excluded."), "error")
        return _back(slug)
    flash(_("Response %(id)s counts again.", id=response_id), "success")
    return _back(slug)
