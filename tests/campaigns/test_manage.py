"""Administrators start, open and close campaigns; staff see responses against target and get QR codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.areas.services import load_areas
from surveyapp.extensions import db
from surveyapp.models import Area, AuditEvent, Campaign, QuestionnaireVersion
from surveyapp.survey.services import Submission, submit_response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token


@pytest.fixture
def admin(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], questionnaire: QuestionnaireVersion
) -> FlaskClient:
    with app.app_context():
        load_areas()
        db.session.commit()
    make_user("admin1", "admin")
    assert sign_in(client, "admin1") == 303
    return client


def _area(app: Flask, code: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Area).where(Area.code == code)).one().id


def _start(client: FlaskClient, **fields: str) -> tuple[int, str, str]:
    page = client.get("/campaigns/new").get_data(as_text=True)
    response = client.post("/campaigns/new", data={"csrf_token": csrf_token(page), **fields})
    return response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True)


def test_admin_starts_a_county_campaign_with_dates(
    app: Flask, admin: FlaskClient, questionnaire: QuestionnaireVersion
) -> None:
    xundian = _area(app, "530129")
    status, location, _page = _start(
        admin,
        name="寻甸县2022年满意度调查",
        version=str(questionnaire.id),
        area=str(xundian),
        target_responses="41",
        population_size="4752",
        opens_on="2026-12-01",
        closes_on="2026-12-31",
        weight_scheme="",
    )
    assert status == 303
    with app.app_context():
        campaign = db.session.scalars(select(Campaign)).one()
        assert location == f"/campaigns/{campaign.slug}"
        assert (campaign.area_id, campaign.target_responses, campaign.population_size) == (xundian, 41, 4752)
        # Kunming is UTC+8: 1 December 00:00 there is 30 November 16:00 UTC; the closing day is
        # included, so it closes at 1 January 00:00 local, 31 December 16:00 UTC.
        assert campaign.opens_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
        assert campaign.closes_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.create")).one()
        assert event.actor == "admin1" and event.details["area_id"] == xundian


def test_closing_before_opening_is_refused_and_entries_kept(
    admin: FlaskClient, questionnaire: QuestionnaireVersion
) -> None:
    status, _location, page = _start(
        admin,
        name="倒过来的日期",
        version=str(questionnaire.id),
        opens_on="2026-12-31",
        closes_on="2026-12-01",
    )
    assert status == 422
    assert "结束日期不能早于开始日期" in page
    assert 'value="倒过来的日期"' in page


def test_close_and_open_from_the_campaign_page(app: Flask, admin: FlaskClient, campaign: Campaign) -> None:
    page = admin.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert (
        admin.post(f"/campaigns/{campaign.slug}/close", data={"csrf_token": csrf_token(page)}).status_code
        == 303
    )
    assert admin.get(f"/s/{campaign.slug}").get_data(as_text=True).count("<fieldset") == 0  # closed page
    assert (
        admin.post(f"/campaigns/{campaign.slug}/open", data={"csrf_token": csrf_token(page)}).status_code
        == 303
    )
    with app.app_context():
        assert db.session.get(Campaign, campaign.id).status == "open"  # type: ignore[union-attr]
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["campaign.close", "campaign.open"]


def test_responses_against_target_on_the_dashboard(
    app: Flask, admin: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        for n in range(3):
            submit_response(stored, Submission(f"phone-{n:04d}", dict.fromkeys(range(1, 11), "A")))  # type: ignore[arg-type]
        db.session.commit()
    page = admin.get("/").get_data(as_text=True)
    assert "3 / 41 (7%)" in page  # 3 of a target of 41: 300 / 41 = 7.3, shown as a whole 7 %


def test_qr_code_and_poster_need_sign_in(app: Flask, admin: FlaskClient, campaign: Campaign) -> None:
    svg = admin.get(f"/campaigns/{campaign.slug}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert admin.get(f"/campaigns/{campaign.slug}/qr.png").data.startswith(b"\x89PNG")
    assert f"/s/{campaign.slug}" in admin.get(f"/campaigns/{campaign.slug}/poster").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(f"/campaigns/{campaign.slug}/qr.svg").status_code == 302


def test_poster_speaks_the_questionnaires_language_whatever_the_staff_language(
    admin: FlaskClient, campaign: Campaign
) -> None:
    admin.get("/language/en")
    assert "Sign out" in admin.get("/").get_data(as_text=True)  # the staff member reads English
    poster = admin.get(f"/campaigns/{campaign.slug}/poster").get_data(as_text=True)
    assert '<html lang="zh-CN">' in poster
    assert "请用手机相机或微信扫描二维码" in poster


def test_home_page_lists_no_campaign_to_the_public(app: Flask, campaign: Campaign) -> None:
    page = app.test_client().get("/").get_data(as_text=True)
    assert campaign.slug not in page
    assert "扫码作答" in page and "/login" in page


def test_dashboard_leads_evaluators_to_scoring_and_the_indicator_table(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user("eval1", "evaluator")
    assert sign_in(client, "eval1") == 303
    page = client.get("/").get_data(as_text=True)
    assert 'href="/evaluation/"' in page and "计分并导出问卷统计表" in page
    assert 'href="/indicators/"' in page and "填写绩效评价指标体系" in page
    assert 'href="/campaigns/new"' not in page  # starting campaigns is the administrator's
