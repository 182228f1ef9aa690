"""One response per respondent on the public form: signed ids, replays, per-phone and per-address limits."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from tests.conftest import csrf_token

ALL_A = {f"q{n}": "A" for n in range(1, 11)}
SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')


def _open_form(client: FlaskClient, slug: str) -> dict[str, str]:
    page = client.get(f"/s/{slug}").get_data(as_text=True)
    found = SUBMISSION.search(page)
    assert found, "no submission id in the form"
    return {"csrf_token": csrf_token(page), "submission_id": found.group(1), **ALL_A}


def _stored(app: Flask) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def _set_limits(app: Flask, campaign: Campaign, device: int | None, address: int | None) -> None:
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.device_limit, stored.address_daily_limit = device, address
        db.session.commit()


def test_a_client_made_id_stores_nothing_and_keeps_the_answers(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    data = _open_form(client, campaign.slug)
    issued = data["submission_id"]
    for forged in ("abcdefgh12345678", issued.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAA"):
        response = client.post(f"/s/{campaign.slug}", data={**data, "submission_id": forged})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert page.count(" checked") == 10
        assert "您的答案已保留" in page
        fresh = SUBMISSION.search(page)
        assert fresh and fresh.group(1) != forged
    assert _stored(app) == []


def test_an_id_of_another_campaign_is_refused(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    with app.app_context():
        version = find_version("kunming-2022-pension-satisfaction")
        assert version is not None
        other = create_campaign(version, "another")
        db.session.commit()
        other_slug = other.slug
    data = _open_form(client, other_slug)
    response = client.post(f"/s/{campaign.slug}", data={**data, "csrf_token": data["csrf_token"]})
    assert response.status_code == 422
    assert _stored(app) == []


def test_a_replayed_id_from_another_phone_stores_nothing_new(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    data = _open_form(client, campaign.slug)
    assert client.post(f"/s/{campaign.slug}", data=data).status_code == 303
    stranger = app.test_client()
    token = csrf_token(stranger.get(f"/s/{campaign.slug}").get_data(as_text=True))
    replay = stranger.post(f"/s/{campaign.slug}", data={**data, "csrf_token": token, "q1": "E"})
    assert replay.status_code == 303
    stored = _stored(app)
    assert len(stored) == 1


def test_the_stored_id_is_the_nonce_and_the_form_time_is_recorded(
    app: Flask, client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 95)
    data = _open_form(client, campaign.slug)
    monkeypatch.undo()
    client.post(f"/s/{campaign.slug}", data=data)
    (stored,) = _stored(app)
    assert stored.submission_id == data["submission_id"].split(".")[0]
    assert stored.form_seconds is not None and 95 <= stored.form_seconds < 160
    assert stored.device_id is not None
    assert stored.address_hash is not None and stored.address_hash != "127.0.0.1"
    assert len(stored.address_hash) == 32


def test_one_scripted_phone_is_stopped_at_the_device_limit(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """A script answering again and again on one phone (cookies kept) stores 10, then is thanked."""
    statuses = []
    for _ in range(15):
        again = client.post(f"/s/{campaign.slug}/again", data={})
        assert again.status_code in (303, 400)
        client.delete_cookie("session")  # a new respondent on the same phone
        response = client.post(f"/s/{campaign.slug}", data=_open_form(client, campaign.slug))
        statuses.append(response.status_code)
    assert statuses == [303] * 10 + [429] * 5
    assert len(_stored(app)) == 10
    last = client.post(f"/s/{campaign.slug}", data=_open_form(client, campaign.slug))
    assert "这部手机提交的答卷已经达到" in last.get_data(as_text=True)


def test_a_script_dropping_its_cookies_is_stopped_at_the_address_limit(
    app: Flask, campaign: Campaign
) -> None:
    _set_limits(app, campaign, None, 5)
    statuses = []
    for _ in range(8):
        fresh = app.test_client()  # no cookies at all: a new "phone" every time
        statuses.append(fresh.post(f"/s/{campaign.slug}", data=_open_form(fresh, campaign.slug)).status_code)
    assert statuses == [303] * 5 + [429] * 3
    assert len(_stored(app)) == 5
    # Another address is not affected.
    other = app.test_client()
    data = _open_form(other, campaign.slug)
    response = other.post(f"/s/{campaign.slug}", data=data, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 303


def test_limits_can_be_turned_off(app: Flask, campaign: Campaign) -> None:
    _set_limits(app, campaign, None, None)
    client = app.test_client()
    for _ in range(12):
        client.delete_cookie("session")
        assert client.post(f"/s/{campaign.slug}", data=_open_form(client, campaign.slug)).status_code == 303
    assert len(_stored(app)) == 12


def test_limit_message_in_english(app: Flask, campaign: Campaign) -> None:
    _set_limits(app, campaign, None, 1)
    client = app.test_client()
    headers = {"Accept-Language": "en"}
    client.post(f"/s/{campaign.slug}", data=_open_form(client, campaign.slug), headers=headers)
    client.delete_cookie("session")
    refused = client.post(f"/s/{campaign.slug}", data=_open_form(client, campaign.slug), headers=headers)
    assert refused.status_code == 429
    assert "Many answers to this survey have come from this network today" in refused.get_data(as_text=True)


def test_staff_entries_keep_their_own_ids(app: Flask, campaign: Campaign) -> None:
    from surveyapp.survey.services import Submission, submit_response

    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.device_limit = stored.address_daily_limit = 1
        for n in range(3):
            submit_response(stored, Submission(f"entry-{n:08d}", {n: "B" for n in range(1, 11)}, "paper"))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Response)) == 3
