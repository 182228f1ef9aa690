"""Field staff type in interviews and paper questionnaires of their area; a double submit stores once."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.areas.services import add_area, load_areas
from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.models import Area, Campaign, QuestionnaireVersion, Response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token

ALL_B = {f"q{n}": "B" for n in range(1, 11)}


@pytest.fixture
def county_campaign(app: Flask, questionnaire: QuestionnaireVersion) -> str:
    """A campaign in 寻甸县 with one township below the county."""
    with app.app_context():
        load_areas()
        county = db.session.scalars(select(Area).where(Area.code == "530129")).one()
        add_area(county, "仁德街道", "530129001")
        version = db.session.get(QuestionnaireVersion, questionnaire.id)
        made = create_campaign(version, "寻甸县访谈", area_id=county.id, target_responses=41)  # type: ignore[arg-type]
        db.session.commit()
        return made.slug


@pytest.fixture
def field_staff(client: FlaskClient, make_user: Callable[..., int], county_campaign: str) -> FlaskClient:
    make_user("xd.field", "field_staff", "530129")
    assert sign_in(client, "xd.field") == 303
    return client


def _open_form(client: FlaskClient, slug: str) -> dict[str, str]:
    page = client.get(f"/entry/{slug}").get_data(as_text=True)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)
    assert submission
    return {"csrf_token": csrf_token(page), "submission_id": submission.group(1)}


def _area_id(app: Flask, code: str) -> str:
    with app.app_context():
        return str(db.session.scalars(select(Area).where(Area.code == code)).one().id)


def _responses(app: Flask) -> list[Response]:
    with app.app_context():
        rows = db.session.scalars(select(Response)).all()
        db.session.expunge_all()
        return list(rows)


def test_interview_by_a_guardian_is_stored_once(
    app: Flask, field_staff: FlaskClient, county_campaign: str
) -> None:
    form = {
        **_open_form(field_staff, county_campaign),
        "channel": "interview",
        "mode": "proxy",
        "respondent_area": _area_id(app, "530129001"),
        "answered_on": "2026-11-20",
        **ALL_B,
    }
    first = field_staff.post(f"/entry/{county_campaign}", data=form)
    second = field_staff.post(f"/entry/{county_campaign}", data=form)  # the double tap
    assert (first.status_code, second.status_code) == (303, 303)
    assert "没有重复保存" in field_staff.get(second.headers["Location"]).get_data(as_text=True)
    [stored] = _responses(app)
    assert (stored.channel, stored.mode, str(stored.area_id)) == (
        "interview",
        "proxy",
        _area_id(app, "530129001"),
    )
    assert (
        stored.submitted_at.date().isoformat() == "2026-11-19"
    )  # midnight in Kunming is 16:00 UTC the day before
    listing = field_staff.get("/entry/").get_data(as_text=True)
    assert "寻甸县访谈" in listing and "代答" in listing and "仁德街道" in listing


def test_paper_questionnaire_has_no_mode(app: Flask, field_staff: FlaskClient, county_campaign: str) -> None:
    form = {**_open_form(field_staff, county_campaign), "channel": "paper", "mode": "self", **ALL_B}
    form["respondent_area"] = _area_id(app, "530129")
    assert field_staff.post(f"/entry/{county_campaign}", data=form).status_code == 303
    [stored] = _responses(app)
    assert (stored.channel, stored.mode) == ("paper", None)


def test_interview_without_mode_is_explained_and_answers_kept(
    app: Flask, field_staff: FlaskClient, county_campaign: str
) -> None:
    form = {**_open_form(field_staff, county_campaign), "channel": "interview", **ALL_B}
    form["respondent_area"] = _area_id(app, "530129")
    response = field_staff.post(f"/entry/{county_campaign}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "访谈请选择作答方式" in page
    assert page.count(" checked") == 11  # ten answers and the channel stay chosen
    assert _responses(app) == []


def test_respondent_of_another_county_is_refused(
    app: Flask, field_staff: FlaskClient, county_campaign: str
) -> None:
    form = {**_open_form(field_staff, county_campaign), "channel": "paper", **ALL_B}
    form["respondent_area"] = _area_id(app, "530128")  # 禄劝县
    assert field_staff.post(f"/entry/{county_campaign}", data=form).status_code == 422
    assert _responses(app) == []


def test_staff_see_only_their_own_entries(
    app: Flask, field_staff: FlaskClient, make_user: Callable[..., int], county_campaign: str
) -> None:
    make_user("xd.other", "field_staff", "530129")
    other = app.test_client()
    sign_in(other, "xd.other")
    form = {**_open_form(other, county_campaign), "channel": "paper", **ALL_B}
    form["respondent_area"] = _area_id(app, "530129")
    assert other.post(f"/entry/{county_campaign}", data=form).status_code == 303
    assert "我的录入" in field_staff.get("/entry/").get_data(as_text=True)
    assert "您还没有录入任何答卷" in field_staff.get("/entry/").get_data(as_text=True)


def test_closed_campaign_refuses_entries(app: Flask, field_staff: FlaskClient, county_campaign: str) -> None:
    form = {**_open_form(field_staff, county_campaign), "channel": "paper", **ALL_B}
    form["respondent_area"] = _area_id(app, "530129")
    with app.app_context():
        db.session.scalars(select(Campaign)).one().close()
        db.session.commit()
    response = field_staff.post(f"/entry/{county_campaign}", data=form)
    assert response.status_code == 409
    assert "该调查批次已关闭" in response.get_data(as_text=True)
