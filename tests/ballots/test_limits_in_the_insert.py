"""The phone's and the address's limits are checked by the response's insert itself: one statement
counts and stores, and a refusal says whether a limit or a closed campaign refused it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from surveyapp.extensions import db
from surveyapp.models import Campaign, Response, utcnow
from surveyapp.survey.services import (
    CampaignClosedError,
    SenderLimitError,
    SenderLimits,
    Submission,
    submit_response,
)
from tests.survey.test_form import ALL_A


def _sent(
    submission_id: str,
    phone: str | None = None,
    address: str | None = None,
    limits: SenderLimits | None = None,
) -> Submission:
    return Submission(
        submission_id=submission_id,
        answers=dict(ALL_A),
        device_id=phone,
        address_hash=address,
        limits=limits or SenderLimits(),
    )


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_a_phone_at_its_limit_is_refused_by_the_insert(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        stored = db.session.get_one(Campaign, campaign.id)
        two = SenderLimits(device=2)
        for n in (1, 2):
            submit_response(stored, _sent(f"phone-{n}", "phone-a", limits=two), look_up=False)
        with pytest.raises(SenderLimitError):
            submit_response(stored, _sent("phone-3", "phone-a", limits=two), look_up=False)
        submit_response(stored, _sent("phone-b-1", "phone-b", limits=two), look_up=False)  # another phone
        submit_response(stored, _sent("no-limit", "phone-a"), look_up=False)  # no limit given
        # A repeat of a stored response is that response, limit or not.
        again, created = submit_response(stored, _sent("phone-2", "phone-a", limits=two), look_up=False)
        assert not created and again.submission_id == "phone-2"
        assert _stored() == 4


def test_an_address_counts_only_its_window(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        stored = db.session.get_one(Campaign, campaign.id)
        since = utcnow() - timedelta(hours=24)
        one = SenderLimits(address=1, since=since)
        submit_response(stored, _sent("address-1", address="addr", limits=one), look_up=False)
        with pytest.raises(SenderLimitError):
            submit_response(stored, _sent("address-2", address="addr", limits=one), look_up=False)
        # The first response falls out of a window that starts after it.
        later = SenderLimits(address=1, since=utcnow() + timedelta(seconds=1))
        submit_response(stored, _sent("address-3", address="addr", limits=later), look_up=False)
        assert _stored() == 2


def test_a_closed_campaign_is_closed_not_a_limit(app: Flask, campaign: Campaign) -> None:
    """A sender at its limit, to a campaign closed meanwhile: the campaign's refusal wins."""
    with app.app_context():
        stored = db.session.get_one(Campaign, campaign.id)
        one = SenderLimits(device=1)
        submit_response(stored, _sent("closing-1", "phone-c", limits=one), look_up=False)
        table = Campaign.__table__
        db.session.execute(update(table).where(table.c.id == campaign.id).values(status="closed"))
        with pytest.raises(CampaignClosedError) as refused:
            submit_response(stored, _sent("closing-2", "phone-c", limits=one), look_up=False)
        assert not isinstance(refused.value, SenderLimitError)
        assert _stored() == 1
