"""Storing responses: once per submission id, whatever the route."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from surveyapp.survey.services import Submission, SubmissionError, submit_response

ALL_B = {n: "B" for n in range(1, 11)}


def _campaign(app: Flask, campaign: Campaign) -> Campaign:
    found = db.session.get(Campaign, campaign.id)
    assert found is not None
    return found


def test_same_submission_id_returns_the_stored_response(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        stored = _campaign(app, campaign)
        first, created_first = submit_response(
            stored, Submission("abcdefgh-1", ALL_B, channel="interview", mode="proxy")
        )
        again, created_again = submit_response(stored, Submission("abcdefgh-1", ALL_B, channel="interview"))
        db.session.commit()
        assert (created_first, created_again) == (True, False)
        assert first.id == again.id
        assert first.mode == "proxy"
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**ALL_B, 11: "A"}, "no question numbered 11"),
        ({n: "B" for n in range(1, 10)}, "question 10 is not answered"),
        ({**ALL_B, 2: "X"}, "question 2: 'X' is not an option"),
    ],
)
def test_bad_submissions_are_refused(
    app: Flask, campaign: Campaign, answers: dict[int, str], message: str
) -> None:
    with app.app_context():
        with pytest.raises(SubmissionError, match=message):
            submit_response(_campaign(app, campaign), Submission("abcdefgh-2", answers))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_unknown_channel_is_refused(app: Flask, campaign: Campaign) -> None:
    with app.app_context(), pytest.raises(SubmissionError, match="unknown channel"):
        submit_response(_campaign(app, campaign), Submission("abcdefgh-3", ALL_B, channel="fax"))
