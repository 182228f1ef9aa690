"""Correcting an entry typed in wrongly, with what it was and what it became in the audit log."""

from __future__ import annotations

from typing import Any

from flask_babel import to_user_timezone

from surveyapp.audit.services import record
from surveyapp.campaigns.forms import start_of_day
from surveyapp.extensions import db
from surveyapp.fieldwork.capture import SerialTakenError, serial_holder
from surveyapp.models import Answer, Campaign, FieldDetail, Response
from surveyapp.scoring.kept import carried_over
from surveyapp.scoring.upkeep import bring_up_to_date
from surveyapp.survey.forms import ResponseFormBase, field_name
from surveyapp.survey.services import Submission, check_answers


def _detail(response: Response) -> FieldDetail | None:
    return db.session.get(FieldDetail, response.id)


def _codes(response: Response) -> dict[str, str]:
    version = _version(response)
    questions = {q.id: q.number for q in version.questions}
    options = {o.id: o.code for o in version.scale}
    return {field_name(questions[a.question_id]): options[a.option_id] for a in response.answers}


def _version(response: Response) -> Any:
    campaign = db.session.get(Campaign, response.campaign_id)
    assert campaign is not None
    return campaign.questionnaire_version


def _state(response: Response) -> dict[str, Any]:
    detail = _detail(response)
    return {
        "answers": _codes(response),
        "mode": response.mode,
        "area_id": response.area_id,
        "submitted_at": response.submitted_at,
        "note": detail.note if detail else None,
        "sheet_serial": detail.sheet_serial if detail else None,
    }


def correction_data(response: Response) -> dict[str, Any]:
    """The entry as form data, to show it for correction."""
    state = _state(response)
    data: dict[str, Any] = {
        **state["answers"],
        "submission_id": response.submission_id,
        "channel": response.channel,
        "mode": response.mode,
        "respondent_area": str(response.area_id or ""),
        "answered_on": to_user_timezone(response.submitted_at).date(),
        "note": state["note"],
        "sheet_serial": state["sheet_serial"],
    }
    return {k: v for k, v in data.items() if v is not None}


def correct_entry(campaign: Campaign, response: Response, form: ResponseFormBase, kind: str) -> None:
    """Replace the entry's answers and details with the form's (flushes); audit both versions.

    The evaluator's page keeps its figures: this response's part is taken out of them and its
    corrected part put in (:func:`surveyapp.scoring.kept.carried_over`), instead of every answer
    of the campaign being counted again at its next view.
    """
    before = _state(response)
    serial = form["sheet_serial"].data.strip() if kind == "paper" else None
    if serial:
        holder = serial_holder(campaign, serial)
        if holder is not None and holder.id != response.id:
            raise SerialTakenError(holder)
    with carried_over(campaign, [response.id], bring_up_to_date):
        _replace(campaign, response, form, kind, serial)
    record("response.correct", response, before=before, after=_state(response))


def _replace(
    campaign: Campaign, response: Response, form: ResponseFormBase, kind: str, serial: str | None
) -> None:
    submission = Submission(submission_id=response.submission_id, answers=form.answers())
    answers: list[Answer] = check_answers(campaign, submission)
    response.answers.clear()
    db.session.flush()
    response.answers.extend(answers)
    if kind == "interview":
        response.channel = form["channel"].data
        response.mode = form["mode"].data if response.channel == "interview" else None
    area = form["respondent_area"].data
    response.area_id = int(area) if area and area.isdigit() else None
    day = start_of_day(form["answered_on"].data)
    if day is not None:
        response.submitted_at = day
    detail = _detail(response) or FieldDetail(response_id=response.id, campaign_id=campaign.id)
    if kind == "paper":
        detail.sheet_serial = serial
    else:
        detail.note = (form["note"].data or "").strip() or None
    db.session.add(detail)
    db.session.flush()
