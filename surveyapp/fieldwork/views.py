"""Field staff's data entry: interviews and paper questionnaires, and the list of their own entries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from surveyapp.accounts.permissions import FIELD_STAFF, role_required
from surveyapp.areas.choices import INDENT, chosen_area_id
from surveyapp.areas.services import ordered_areas
from surveyapp.campaigns.forms import start_of_day
from surveyapp.distribution.codes import CodeUnknownError, CodeUsedError, submit_with_personal_code
from surveyapp.fieldwork.forms import ENTRY_FIELDS, entry_form_class, new_submission_id
from surveyapp.fieldwork.services import (
    entry_campaign_or_404,
    entry_campaigns,
    own_entries,
    respondent_area_root,
)
from surveyapp.models import Campaign
from surveyapp.survey.forms import ResponseFormBase
from surveyapp.survey.services import CampaignClosedError, Submission, SubmissionError

bp = Blueprint("fieldwork", __name__, url_prefix="/entry", template_folder="templates")


@bp.get("/")
@role_required(FIELD_STAFF)
def index() -> str:
    """The campaigns open for entry, and the user's own entries."""
    return render_template(
        "fieldwork/index.html", campaigns=entry_campaigns(current_user), entries=own_entries(current_user)
    )


def _form(campaign: Campaign, **data: object) -> ResponseFormBase:
    form = entry_form_class(campaign.questionnaire_version)(**data)
    root = respondent_area_root(current_user, campaign)
    choices = [] if root is not None else [SelectChoice("", _("Not known"))]
    form["respondent_area"].choices = choices + [
        SelectChoice(str(area.id), f"{INDENT * depth}{area.name}") for area, depth in ordered_areas(root)
    ]
    return form


def _page(campaign: Campaign, form: ResponseFormBase, status: int = 200) -> tuple[str, int]:
    action = url_for(".entry", slug=campaign.slug)
    return render_template(
        "fieldwork/entry.html", campaign=campaign, form=form, form_action=action, entry_fields=ENTRY_FIELDS
    ), status


@bp.get("/<slug>")
@role_required(FIELD_STAFF)
def entry(slug: str) -> tuple[str, int]:
    """An empty entry form; its submission id is made now, so sending it twice stores it once."""
    campaign = entry_campaign_or_404(current_user, slug)
    root = respondent_area_root(current_user, campaign)
    form = _form(campaign, submission_id=new_submission_id(), respondent_area=str(root or ""))
    return _page(campaign, form)


def _submission(form: ResponseFormBase) -> Submission:
    channel = form["channel"].data
    return Submission(
        submission_id=form.submission_id.data,
        answers=form.answers(),
        channel=channel,
        mode=form["mode"].data if channel == "interview" else None,
        area_id=chosen_area_id(form["respondent_area"].data),
        submitted_at=start_of_day(form["answered_on"].data),
        entered_by_id=current_user.id,
    )


@bp.post("/<slug>")
@role_required(FIELD_STAFF)
def save(slug: str) -> tuple[str, int] | BaseResponse:
    """Store the entry once, then offer an empty form for the next one."""
    campaign = entry_campaign_or_404(current_user, slug)
    form = _form(campaign)
    if not form.validate():
        return _page(campaign, form, 422)
    try:
        response, created = submit_with_personal_code(campaign, _submission(form), form["personal_code"].data)
    except CodeUnknownError:
        form["personal_code"].errors = [_("There is no such personal code in this campaign.")]
        return _page(campaign, form, 422)
    except CodeUsedError:
        form["personal_code"].errors = [
            _("This personal code has already answered; the entry was not stored.")
        ]
        return _page(campaign, form, 409)
    except CampaignClosedError:
        form.submission_id.errors = [_("This campaign is closed and accepts no more responses.")]
        return _page(campaign, form, 409)
    except SubmissionError:
        form.submission_id.errors = [_("The answers could not be stored. Please check them.")]
        return _page(campaign, form, 422)
    if created:
        flash(
            _("Entry saved (number %(id)s). The form is ready for the next one.", id=response.id), "success"
        )
    else:
        flash(
            _("This entry was already saved (number %(id)s); it was not stored twice.", id=response.id),
            "info",
        )
    return redirect(url_for(".entry", slug=slug), code=303)
