"""The data-quality flags: too fast, a burst from one address, the same answer to every question."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from surveyapp.extensions import db
from surveyapp.models import Campaign
from surveyapp.quality.services import _in_bursts, campaign_quality
from tests.accounts.conftest import sign_in
from tests.ballots.test_signed_ids_and_limits import _open_form


def test_the_reports_answers_same_answer_count(app: Flask, report_campaign: Campaign) -> None:
    """Respondents 0-30 answered A throughout (the smallest A count is 31), 34-40 B throughout: 38."""
    with app.app_context():
        quality = campaign_quality(db.session.get(Campaign, report_campaign.id))  # type: ignore[arg-type]
        assert quality.counts == {"too_fast": 0, "burst": 0, "same_answer": 38}
        assert quality.fast_seconds == 20


def test_a_scripted_burst_is_flagged_fast_and_burst(
    app: Flask, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        phone = app.test_client()
        data = {**_open_form(phone, campaign.slug), "q10": "B"}
        assert phone.post(f"/s/{campaign.slug}", data=data).status_code == 303
    careful = app.test_client()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 300)
    data = {**_open_form(careful, campaign.slug), "q10": "B"}
    monkeypatch.undo()
    assert (
        careful.post(f"/s/{campaign.slug}", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        == 303
    )
    with app.app_context():
        quality = campaign_quality(db.session.get(Campaign, campaign.id))  # type: ignore[arg-type]
    assert quality.counts == {"too_fast": 5, "burst": 5, "same_answer": 0}
    assert quality.flagged == 5
    assert all(row.flags == ["too_fast", "burst"] for row in quality.rows)


def _at(minutes: float) -> datetime:
    return datetime(2026, 5, 3, 10, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def test_burst_window_by_hand() -> None:
    spread = [(n, "a", _at(m)) for n, m in enumerate([0, 3, 6, 9, 11])]
    assert _in_bursts(spread) == set()  # never 5 within 10 minutes
    tight = [(n, "a", _at(m)) for n, m in enumerate([0, 2, 4, 6, 8, 30])]
    assert _in_bursts(tight) == {0, 1, 2, 3, 4}
    two_addresses = [(n, "a" if n < 3 else "b", _at(n)) for n in range(6)]
    assert _in_bursts(two_addresses) == set()


def test_the_panel_is_on_the_evaluators_page(
    client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = client.get(f"/evaluation/campaigns/{report_campaign.slug}").get_data(as_text=True)
    assert 'id="quality-heading">数据质量' in page
    assert "每题都选同一答案（满意的受访者常常如此，是最弱的提示）：38" in page
    assert page.count('name="reason"') == 38
