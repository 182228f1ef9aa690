"""A respondent answers the form; the answer is stored exactly once."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, Response
from tests.conftest import csrf_token


def _form_data(client: FlaskClient, slug: str, answers: dict[int, str]) -> dict[str, str]:
    page = client.get(f"/s/{slug}").get_data(as_text=True)
    import re

    submission_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)
    assert submission_id
    data = {"csrf_token": csrf_token(page), "submission_id": submission_id.group(1)}
    data.update({f"q{n}": code for n, code in answers.items()})
    return data


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


ALL_A = {n: "A" for n in range(1, 11)}


def test_form_shows_questionnaire_in_chinese_by_default(client: FlaskClient, campaign: Campaign) -> None:
    page = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "昆明市残联2022年残疾人养老保险补助经费支出社会公众满意度调查问卷" in page
    assert "您对该项目2022年工作的总体评价是：" in page
    assert page.count("<fieldset") == 10
    assert page.count('type="radio"') == 50
    assert "提交" in page


def test_form_in_english_when_chosen(client: FlaskClient, campaign: Campaign) -> None:
    switched = client.get(f"/language/en?next=/s/{campaign.slug}")
    assert switched.status_code == 302
    assert switched.headers["Location"] == f"/s/{campaign.slug}"
    page = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Submit" in page


def test_language_switch_refuses_other_hosts(client: FlaskClient) -> None:
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_complete_answer_is_stored_and_thanked(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    response = client.post(f"/s/{campaign.slug}", data=_form_data(client, campaign.slug, ALL_A))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{campaign.slug}/thanks")
    assert "谢谢您" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _count(app, Response) == 1
    assert _count(app, Answer) == 10
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert stored.channel == "qr"
        assert stored.questionnaire_version_id == campaign.questionnaire_version_id


def test_missing_answers_keep_the_others_and_name_the_questions(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    answers = {n: "B" for n in range(1, 11) if n not in (3, 7)}
    response = client.post(f"/s/{campaign.slug}", data=_form_data(client, campaign.slug, answers))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#q3-group"' in page and 'href="#q7-group"' in page
    assert page.count('class="error-message"') == 2
    assert page.count(" checked") == 8
    assert _count(app, Response) == 0


def test_unknown_option_is_refused(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    data = _form_data(client, campaign.slug, {**ALL_A, 4: "Z"})
    response = client.post(f"/s/{campaign.slug}", data=data)
    assert response.status_code == 422
    assert _count(app, Response) == 0


def test_resubmitting_the_same_form_stores_once(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    data = _form_data(client, campaign.slug, ALL_A)
    first = client.post(f"/s/{campaign.slug}", data=data)
    second = client.post(f"/s/{campaign.slug}", data=data)
    assert first.status_code == second.status_code == 303
    assert _count(app, Response) == 1


def test_back_button_then_new_page_load_keeps_the_same_submission(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    client.post(f"/s/{campaign.slug}", data=_form_data(client, campaign.slug, ALL_A))
    page = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert "这部手机已经提交过答案" in page
    assert _count(app, Response) == 1


def test_answer_again_for_another_person(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    client.post(f"/s/{campaign.slug}", data=_form_data(client, campaign.slug, ALL_A))
    thanks = client.get(f"/s/{campaign.slug}/thanks").get_data(as_text=True)
    again = client.post(f"/s/{campaign.slug}/again", data={"csrf_token": csrf_token(thanks)})
    assert again.status_code == 303
    client.post(f"/s/{campaign.slug}", data=_form_data(client, campaign.slug, {n: "B" for n in range(1, 11)}))
    assert _count(app, Response) == 2


def test_missing_csrf_token_keeps_answers(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    data = _form_data(client, campaign.slug, ALL_A)
    del data["csrf_token"]
    response = client.post(f"/s/{campaign.slug}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "您的答案已保留" in page
    assert page.count(" checked") == 10
    assert _count(app, Response) == 0
    data["csrf_token"] = csrf_token(page)  # the page that came back carries a token that is accepted
    assert client.post(f"/s/{campaign.slug}", data=data).status_code == 303
    assert _count(app, Response) == 1


def test_closed_campaign_shows_closed_page(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    data = _form_data(client, campaign.slug, ALL_A)
    with app.app_context():
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.close()
        db.session.commit()
    assert "本调查已结束" in client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    posted = client.post(f"/s/{campaign.slug}", data=data)
    assert "本调查已结束" in posted.get_data(as_text=True)
    assert _count(app, Response) == 0


def test_unknown_address_is_a_404_page_in_chinese(client: FlaskClient) -> None:
    response = client.get("/s/doesnotexist")
    assert response.status_code == 404
    assert "找不到页面" in response.get_data(as_text=True)


def test_unknown_address_in_english_for_english_browsers(client: FlaskClient) -> None:
    response = client.get("/s/doesnotexist", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Page not found" in response.get_data(as_text=True)


def test_404_as_json_for_api_clients(client: FlaskClient) -> None:
    response = client.get("/s/doesnotexist", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_pages_are_compressed_and_carry_security_headers(client: FlaskClient, campaign: Campaign) -> None:
    response = client.get(f"/s/{campaign.slug}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_response_is_committed_before_the_answers_headers_are_made(
    client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit runs first of the after-request hooks: a write holds SQLite's one write lock
    for the writing only, not while the answer's headers and cookies are made."""
    from surveyapp import web

    in_transaction: list[bool] = []
    policy = web.content_security_policy

    def recorded() -> str:
        in_transaction.append(db.session.registry.has() and db.session().in_transaction())
        return policy()

    data = _form_data(client, campaign.slug, ALL_A)
    monkeypatch.setattr(web, "content_security_policy", recorded)
    assert client.post(f"/s/{campaign.slug}", data=data).status_code == 303
    assert in_transaction == [False]
