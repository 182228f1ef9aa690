"""Storing responses exactly once. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import CHANNELS, MODES, Answer, Campaign, Response, utcnow


class SubmissionError(ValueError):
    """A response cannot be stored as given."""


class CampaignClosedError(SubmissionError):
    """The campaign does not accept responses now."""


@dataclass(frozen=True)
class Submission:
    """A response as it arrives from a form, a field device or an import."""

    submission_id: str
    answers: dict[int, str]
    channel: str = "qr"
    mode: str | None = None
    area_id: int | None = None
    submitted_at: datetime | None = None
    entered_by_id: int | None = None
    #: public form only: seconds the form was open, keyed hash of the address, the phone's id
    form_seconds: int | None = None
    address_hash: str | None = None
    device_id: str | None = None


def find_response(campaign: Campaign, submission_id: str) -> Response | None:
    """The response stored under this submission id, if any."""
    return db.session.scalars(
        select(Response).where(Response.campaign_id == campaign.id, Response.submission_id == submission_id)
    ).first()


def _answers(campaign: Campaign, submission: Submission) -> list[Answer]:
    version = campaign.questionnaire_version
    questions = {q.number: q for q in version.questions}
    options = {o.code: o for o in version.scale}
    unknown_questions = sorted(set(submission.answers) - set(questions))
    if unknown_questions:
        raise SubmissionError(f"no question numbered {unknown_questions[0]}")
    missing = [n for n, q in questions.items() if q.required and n not in submission.answers]
    if missing:
        raise SubmissionError(f"question {missing[0]} is not answered")
    answers = []
    for number, code in sorted(submission.answers.items()):
        if code not in options:
            raise SubmissionError(f"question {number}: '{code}' is not an option")
        answers.append(
            Answer(campaign_id=campaign.id, question_id=questions[number].id, option_id=options[code].id)
        )
    return answers


def check_answers(campaign: Campaign, submission: Submission) -> list[Answer]:
    """The answers of ``submission`` as rows to store; ``SubmissionError`` if one does not fit."""
    return _answers(campaign, submission)


def _check(campaign: Campaign, submission: Submission) -> None:
    if submission.channel not in CHANNELS:
        raise SubmissionError(f"unknown channel '{submission.channel}'")
    if submission.mode is not None and submission.mode not in MODES:
        raise SubmissionError(f"unknown mode '{submission.mode}'")
    if not campaign.is_accepting():
        raise CampaignClosedError("the campaign is closed")


def submit_response(campaign: Campaign, submission: Submission) -> tuple[Response, bool]:
    """Store a response once; return it and whether it is new.

    A repeat of a submission id (a double tap, a reloaded POST, a resent offline queue) returns the
    response already stored. The unique constraint decides, so this holds across workers and servers.
    """
    existing = find_response(campaign, submission.submission_id)
    if existing is not None:
        return existing, False
    _check(campaign, submission)
    now = utcnow()
    response = Response(
        campaign_id=campaign.id,
        questionnaire_version_id=campaign.questionnaire_version_id,
        submission_id=submission.submission_id,
        channel=submission.channel,
        mode=submission.mode,
        area_id=submission.area_id,
        submitted_at=submission.submitted_at or now,
        received_at=now,
        entered_by_id=submission.entered_by_id,
        form_seconds=submission.form_seconds,
        address_hash=submission.address_hash,
        device_id=submission.device_id,
        answers=_answers(campaign, submission),
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        # Another worker stored the same submission between our look-up and our insert.
        stored = find_response(campaign, submission.submission_id)
        if stored is None:
            raise
        return stored, False
    return response, True
