"""Indicator table fixtures: a signed-in evaluator and the report's table stored from its template."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.indicators.services import create_table
from surveyapp.models import Campaign
from surveyapp.survey.services import Submission, submit_response
from tests.accounts.conftest import make_user, sign_in  # noqa: F401  (fixture re-exported)

REPORT_TEMPLATE = "kunming-2022-pension-subsidy"
# Per question, how many of the report's 41 respondents chose A (the rest chose B); seed facts §2.
REPORT_A_COUNTS = {1: 34, 2: 33, 3: 33, 4: 33, 5: 32, 6: 31, 7: 33, 8: 34, 9: 33, 10: 32}


def store_report_responses(app: Flask, campaign: Campaign) -> None:
    """41 responses whose answers add up to the report's counts (score 98.00)."""
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        for respondent in range(41):
            answers = {q: ("A" if respondent < a else "B") for q, a in REPORT_A_COUNTS.items()}
            submit_response(stored, Submission(f"report-{respondent:04d}", answers, channel="paper"))
        db.session.commit()


def add_response(app: Flask, campaign: Campaign, submission_id: str, code: str) -> None:
    """One more response answering ``code`` to every question."""
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        submit_response(stored, Submission(submission_id, {q: code for q in range(1, 11)}, channel="paper"))
        db.session.commit()


@pytest.fixture
def report_table(app: Flask) -> str:
    """The source report's table stored from its template, with the area tree; returns its key.

    The areas are loaded as ``surveyapp init`` loads them: funds rows point to their county.
    """
    with app.app_context():
        load_areas()
        record = create_table(REPORT_TEMPLATE, key="kunming-2022")
        db.session.commit()
        return record.key


@pytest.fixture
def evaluator(client: FlaskClient, make_user: Callable[..., int]) -> FlaskClient:  # noqa: F811
    """The test client, signed in as an evaluator, pages in Chinese."""
    make_user("evaluator1", "evaluator")
    assert sign_in(client, "evaluator1") == 303
    return client
