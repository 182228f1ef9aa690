"""Field staff's data entry: interviews, paper batches, corrections, and their own entries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from surveyapp.accounts.permissions import FIELD_STAFF, role_required
from surveyapp.distribution.codes import CodeUnknownError, CodeUsedError
from surveyapp.extensions import db
from surveyapp.fieldwork import sync
from surveyapp.fieldwork.capture import SerialTakenError, build_form, serial_message, store_entry
from surveyapp.fieldwork.corrections import correct_entry, correction_data
from surveyapp.fieldwork.forms import ENTRY_FIELDS, PAPER_FIELDS, new_submission_id
from surveyapp.fieldwork.services import (
    entry_campaign_or_404,
    entry_campaigns,
    own_entries,
    respondent_area_root,
)
from surveyapp.models import Campaign, FieldDetail, Response
from surveyapp.survey import display
from surveyapp.survey.forms import ResponseFormBase
from surveyapp.survey.services import CampaignClosedError, SubmissionError

bp = Blueprint("fieldwork", __name__, url_prefix="/entry", template_folder="templates")


@bp.get("/")
@role_required(FIELD_STAFF)
def index() -> str:
    """The campaigns open for entry, and the user's own entries."""
    return render_template(
        "fieldwork/index.html", campaigns=entry_campaigns(current_user), entries=own_entries(current_user)
    )


def _page(
    campaign: Campaign, form: ResponseFormBase, kind: str, status: int = 200, **extra: object
) -> tuple[str, int]:
    template, action, fields = {
        "interview": ("fieldwork/entry.html", url_for(".entry", slug=campaign.slug), ENTRY_FIELDS),
        "paper": ("fieldwork/paper.html", url_for(".paper", slug=campaign.slug), PAPER_FIELDS),
    }[kind]
    return render_template(
        template,
        campaign=campaign,
        form=form,
        form_action=action,
        entry_fields=fields,
        kind=kind,
        sync_url=url_for(".sync", slug=campaign.slug, kind=kind),
        **extra,
    ), status


def _store(campaign: Campaign, form: ResponseFormBase, kind: str) -> tuple[Response, bool] | int:
    """Store the entry, or put the reason on the form and return the page's HTTP status."""
    try:
        return store_entry(campaign, form, kind, current_user.id)
    except SerialTakenError as taken:
        form["sheet_serial"].errors = [serial_message(taken.first)]
        return 409
    except CodeUnknownError:
        form["personal_code"].errors = [_("There is no such personal code in this campaign.")]
        return 422
    except CodeUsedError:
        form["personal_code"].errors = [
            _("This personal code has already answered; the entry was not stored.")
        ]
        return 409
    except CampaignClosedError:
        form.submission_id.errors = [_("This campaign is closed and accepts no more responses.")]
        return 409
    except SubmissionError:
        form.submission_id.errors = [_("The answers could not be stored. Please check them.")]
        return 422


def _flash_saved(response: Response, created: bool) -> None:
    if created:
        flash(
            _("Entry saved (number %(id)s). The form is ready for the next one.", id=response.id), "success"
        )
    else:
        flash(
            _("This entry was already saved (number %(id)s); it was not stored twice.", id=response.id),
            "info",
        )


@bp.get("/<slug>")
@role_required(FIELD_STAFF)
def entry(slug: str) -> tuple[str, int]:
    """An empty interview form; its submission id is made now, so sending it twice stores it once."""
    campaign = entry_campaign_or_404(current_user, slug)
    root = respondent_area_root(current_user, campaign)
    form = build_form(
        campaign,
        current_user,
        "interview",
        submission_id=new_submission_id(current_user.id),
        respondent_area=str(root or ""),
    )
    return _page(campaign, form, "interview")


@bp.post("/<slug>")
@role_required(FIELD_STAFF)
def save(slug: str) -> tuple[str, int] | BaseResponse:
    """Store the entry once, then offer an empty form for the next one."""
    campaign = entry_campaign_or_404(current_user, slug)
    form = build_form(campaign, current_user, "interview")
    if display.chosen_in_form():  # a display button: the same entry again, in the new mode
        return _page(campaign, form, "interview")
    if not form.validate():
        return _page(campaign, form, "interview", 422)
    stored = _store(campaign, form, "interview")
    if isinstance(stored, int):
        return _page(campaign, form, "interview", stored)
    _flash_saved(*stored)
    return redirect(url_for(".entry", slug=slug), code=303)


def _batch_count(campaign: Campaign, batch: str | None) -> int:
    if not batch:
        return 0
    return int(
        db.session.scalar(
            select(func.count()).where(FieldDetail.campaign_id == campaign.id, FieldDetail.batch == batch)
        )
        or 0
    )


@bp.get("/<slug>/paper")
@role_required(FIELD_STAFF)
def paper(slug: str) -> tuple[str, int]:
    """The batch screen: the batch's size and township, then one sheet after another."""
    campaign = entry_campaign_or_404(current_user, slug)
    batch = request.args.get("batch") or new_submission_id(current_user.id)[:40]
    form = build_form(
        campaign,
        current_user,
        "paper",
        submission_id=new_submission_id(current_user.id),
        batch=batch,
        batch_size=request.args.get("size", type=int),
        respondent_area=request.args.get("area", ""),
    )
    return _page(campaign, form, "paper", entered=_batch_count(campaign, batch))


@bp.post("/<slug>/paper")
@role_required(FIELD_STAFF)
def paper_save(slug: str) -> tuple[str, int] | BaseResponse:
    """Store one sheet (the page without JavaScript), then offer the next sheet of the batch."""
    campaign = entry_campaign_or_404(current_user, slug)
    form = build_form(campaign, current_user, "paper")
    batch = form["batch"].data or None
    if not form.validate():
        return _page(campaign, form, "paper", 422, entered=_batch_count(campaign, batch))
    stored = _store(campaign, form, "paper")
    if isinstance(stored, int):
        return _page(campaign, form, "paper", stored, entered=_batch_count(campaign, batch))
    _flash_saved(*stored)
    args = {"batch": batch, "size": form["batch_size"].data, "area": form["respondent_area"].data}
    return redirect(url_for(".paper", slug=slug, **{k: v for k, v in args.items() if v}), code=303)


def _own_response_or_404(campaign: Campaign, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.campaign_id != campaign.id:
        abort(404)
    if current_user.role != "admin" and response.entered_by_id != current_user.id:
        abort(404)
    return response


@bp.route("/<slug>/responses/<int:response_id>/correct", methods=["GET", "POST"])
@role_required(FIELD_STAFF)
def correct(slug: str, response_id: int) -> tuple[str, int] | BaseResponse:
    """Correct an entry typed in wrongly; the audit log keeps what it was and what it became."""
    campaign = entry_campaign_or_404(current_user, slug)
    response = _own_response_or_404(campaign, response_id)
    kind = "paper" if response.channel == "paper" else "interview"
    if request.method == "GET":
        form = build_form(campaign, current_user, kind, **correction_data(response))
        return _correction_page(campaign, response, form, kind)
    form = build_form(campaign, current_user, kind)
    if not form.validate():
        return _correction_page(campaign, response, form, kind, 422)
    try:
        correct_entry(campaign, response, form, kind)
    except SerialTakenError as taken:
        form["sheet_serial"].errors = [serial_message(taken.first)]
        return _correction_page(campaign, response, form, kind, 409)
    except SubmissionError:
        form.submission_id.errors = [_("The answers could not be stored. Please check them.")]
        return _correction_page(campaign, response, form, kind, 422)
    flash(
        _("Entry number %(id)s corrected; the audit log keeps the earlier answers.", id=response.id),
        "success",
    )
    return redirect(url_for(".index"), code=303)


def _correction_page(
    campaign: Campaign, response: Response, form: ResponseFormBase, kind: str, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "fieldwork/correct.html",
        campaign=campaign,
        response=response,
        form=form,
        kind=kind,
        form_action=url_for(".correct", slug=campaign.slug, response_id=response.id),
    ), status


bp.add_url_rule("/<slug>/sync", view_func=sync.sync, methods=["POST"])
bp.add_url_rule("/sync/token", view_func=sync.token, methods=["GET"])
bp.add_url_rule("/sw.js", view_func=sync.service_worker, methods=["GET"])
