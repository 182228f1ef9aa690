"""Storing an interview or a paper sheet with its details, once, from a page, a device or a file.

The plain form, the offline device's sync and the administrator's import of a device's file all
come here with the same fields, so they check the answers and store them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from surveyapp.areas.choices import INDENT, chosen_area_id
from surveyapp.areas.services import ordered_areas
from surveyapp.campaigns.forms import start_of_day
from surveyapp.database import begin_writing
from surveyapp.distribution.codes import CodeUnknownError, CodeUsedError, submit_with_personal_code
from surveyapp.extensions import db
from surveyapp.fieldwork.forms import entry_form_class, paper_form_class
from surveyapp.fieldwork.services import respondent_area_root
from surveyapp.models import Campaign, FieldDetail, Response
from surveyapp.survey.forms import ResponseFormBase
from surveyapp.survey.services import (
    CampaignClosedError,
    Submission,
    SubmissionError,
    find_response,
)

KINDS = ("interview", "paper")


class SerialTakenError(SubmissionError):
    """A paper sheet with this serial number is already stored in the campaign."""

    def __init__(self, first: Response) -> None:
        super().__init__("serial taken")
        self.first = first


@dataclass(frozen=True)
class Refusal:
    """Why an entry is not stored: an HTTP status, a message in the user's language, field errors."""

    status: int
    reason: str
    errors: dict[str, list[str]]


def bound_to(user_id: int, submission_id: str) -> bool:
    """Whether the submission id was made for this account (``u<id>-...``)."""
    return submission_id.startswith(f"u{user_id}-")


def build_form(
    campaign: Campaign, user: Any, kind: str, formdata: MultiDict | None = None, **data: Any
) -> ResponseFormBase:
    """The interview or paper form of ``campaign`` for ``user``, its areas limited to theirs."""
    version = campaign.questionnaire_version
    cls = paper_form_class(version) if kind == "paper" else entry_form_class(version)
    meta = {} if formdata is None else {"csrf": False}
    form = cls(formdata=formdata, meta=meta, **data) if formdata is not None else cls(**data)
    root = respondent_area_root(user, campaign)
    levels = ("township",) if kind == "paper" else None
    choices = [] if root is not None else [SelectChoice("", _("Not known"))]
    if kind == "paper":
        choices = [SelectChoice("", _("Not known"))]
    form["respondent_area"].choices = choices + [
        SelectChoice(str(area.id), f"{INDENT * depth}{area.name}")
        for area, depth in ordered_areas(root)
        if levels is None or area.level in levels
    ]
    return form


def _detail(form: ResponseFormBase, kind: str) -> dict[str, Any]:
    if kind == "paper":
        return {"sheet_serial": form["sheet_serial"].data.strip(), "batch": form["batch"].data or None}
    return {"note": (form["note"].data or "").strip() or None}


def _submission(form: ResponseFormBase, kind: str, user_id: int) -> Submission:
    channel = "paper" if kind == "paper" else form["channel"].data
    return Submission(
        submission_id=form.submission_id.data,
        answers=form.answers(),
        channel=channel,
        mode=form["mode"].data if channel == "interview" else None,
        area_id=chosen_area_id(form["respondent_area"].data),
        submitted_at=start_of_day(form["answered_on"].data),
        entered_by_id=user_id,
    )


def serial_holder(campaign: Campaign, serial: str) -> Response | None:
    """The response already stored under this sheet serial in the campaign, if any."""
    return db.session.scalars(
        select(Response)
        .join(FieldDetail, FieldDetail.response_id == Response.id)
        .where(FieldDetail.campaign_id == campaign.id, FieldDetail.sheet_serial == serial)
    ).first()


def store_entry(campaign: Campaign, form: ResponseFormBase, kind: str, user_id: int) -> tuple[Response, bool]:
    """Store a validated form once with its details; a repeated submission id returns the first.

    Raises ``SerialTakenError`` when another response already has the sheet's serial number.
    """
    submission = _submission(form, kind, user_id)
    existing = find_response(campaign, submission.submission_id)
    if existing is not None:
        return existing, False
    detail = _detail(form, kind)
    serial = detail.get("sheet_serial")
    first = serial_holder(campaign, serial) if serial else None
    if first is not None:
        raise SerialTakenError(first)
    begin_writing()  # the savepoint below reads before it writes
    try:
        with db.session.begin_nested():
            code_text = form["personal_code"].data if "personal_code" in form else None
            response, created = submit_with_personal_code(campaign, submission, code_text)
            if created:
                db.session.add(FieldDetail(response_id=response.id, campaign_id=campaign.id, **detail))
                db.session.flush()
    except IntegrityError:
        # Another request stored this serial (or this submission) between our checks and our insert.
        stored = find_response(campaign, submission.submission_id)
        if stored is not None:
            return stored, False
        holder = serial_holder(campaign, serial) if serial else None
        if holder is None:
            raise
        raise SerialTakenError(holder) from None
    return response, created


def serial_message(first: Response) -> str:
    """The refusal of a second sheet with a serial, naming the first one."""
    return _(
        "A sheet with this serial number is already stored: number %(id)s, dated %(day)s.",
        id=first.id,
        day=to_user_timezone(first.submitted_at).date().isoformat(),
    )


def accept(campaign: Campaign, user: Any, kind: str, formdata: MultiDict) -> tuple[Response, bool] | Refusal:
    """Check and store one entry sent by a device or a file; a refusal says why in words."""
    if kind not in KINDS:
        return Refusal(400, _("Unknown kind of entry."), {})
    form = build_form(campaign, user, kind, formdata)
    if not form.validate():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        first = next(iter(errors.values()))[0]
        return Refusal(422, _("The answers could not be stored: %(error)s", error=first), errors)
    if not bound_to(user.id, form.submission_id.data):
        return Refusal(
            403,
            _("This entry was made by another account. Sign in with that account, or save it as a file."),
            {},
        )
    try:
        return store_entry(campaign, form, kind, user.id)
    except SerialTakenError as taken:
        return Refusal(409, serial_message(taken.first), {"sheet_serial": [serial_message(taken.first)]})
    except CodeUnknownError:
        message = _("There is no such personal code in this campaign.")
        return Refusal(422, message, {"personal_code": [message]})
    except CodeUsedError:
        message = _("This personal code has already answered; the entry was not stored.")
        return Refusal(409, message, {"personal_code": [message]})
    except CampaignClosedError:
        return Refusal(409, _("This campaign is closed and accepts no more responses."), {})
    except SubmissionError:
        return Refusal(422, _("The answers could not be stored. Please check them."), {})
