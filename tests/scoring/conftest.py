"""A campaign holding the source report's 41 responses."""

from __future__ import annotations

import pytest
from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import Campaign
from tests.scoring.test_campaign_statistics import store_report_responses


@pytest.fixture
def report_campaign(app: Flask, campaign: Campaign) -> Campaign:
    """The campaign with the report's 41 responses (A/B counts of seed facts §2), committed."""
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        store_report_responses(stored)
        db.session.commit()
    return campaign


def load(campaign: Campaign) -> Campaign:
    """The campaign in the current session."""
    found = db.session.get(Campaign, campaign.id)
    assert found is not None
    return found
