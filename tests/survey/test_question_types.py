"""The bundled second questionnaire: every question type, groups, notes, relevant, languages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import Answer, Campaign, Response
from tests.accounts.conftest import make_user, sign_in

__all__ = ["make_user"]


@pytest.fixture()
def survey(app: Flask, questionnaire: object) -> Campaign:
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import find_version

    with app.app_context():
        version = find_version("kunming-2022-pension-survey")
        assert version is not None
        made = create_campaign(version, "profile survey")
        db.session.commit()
        db.session.refresh(made)
        db.session.expunge(made)
        return made


def _submission_id(page: str) -> str:
    match = re.search(r'name="submission_id"[^>]*value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def _base(page: str) -> dict[str, object]:
    answers: dict[str, object] = {
        "submission_id": _submission_id(page),
        "q1": "self",
        "q2": "f",
        "q3": "45_59",
    }
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        answers["csrf_token"] = token.group(1)
    answers["q6"] = "g3"
    for number in range(7, 17):
        answers[f"q{number}"] = "A"
    return answers


def test_form_shows_groups_notes_hints_and_types(client: FlaskClient, survey: Campaign) -> None:
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "一、基本信息" in page and "以下信息仅用于统计分析。" in page
    assert "例如：五华区" in page
    assert 'type="checkbox" name="q17"' in page
    assert '<textarea class="answer" name="q18"' in page
    assert "不了解" in page


def test_english_switch_changes_the_questionnaires_own_texts(client: FlaskClient, survey: Campaign) -> None:
    client.get("/language/en")
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "Part 1. About you" in page and "Very satisfied" in page and "Don&#39;t know" in page
    assert "Do you have any other comments or suggestions about the project?" in page


def test_follow_up_is_not_required_nor_stored_when_not_relevant(
    app: Flask, client: FlaskClient, survey: Campaign
) -> None:
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    data = _base(page)
    data["q17"] = "slow"  # sent although question 1 was answered "A": not relevant, dropped
    data["q18"] = "希望简化手续"
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.query(Response).filter_by(campaign_id=survey.id).one()
        numbers = sorted(a.question_id for a in stored.answers)
        texts = [a.value_text for a in stored.answers if a.value_text]
        assert len(numbers) == 15  # 4 profile choices + 10 rated + the open answer; no follow-up
        assert texts == ["希望简化手续"]


def test_follow_up_is_required_of_the_dissatisfied_with_its_message(
    app: Flask, client: FlaskClient, survey: Campaign
) -> None:
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    data = _base(page)
    data["q7"] = "D"
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "请选择至少一个原因。" in body
    assert 'value="D" checked' in body  # the other answers are kept
    data["q17"] = ["slow", "other"]
    data["q17_other"] = "路太远"
    response = client.post(f"/s/{survey.slug}", data=data)
    assert response.status_code == 303
    with app.app_context():
        follow_up = [a for a in db.session.query(Answer).filter_by(campaign_id=survey.id) if a.choices]
        assert len(follow_up) == 1 and len(follow_up[0].choices) == 1
        assert follow_up[0].value_text == "路太远"


def test_evaluator_sees_open_answers_searchable_and_profile_breakdowns(
    app: Flask, client: FlaskClient, survey: Campaign, make_user: Callable[..., int]
) -> None:
    from surveyapp.survey.services import Submission, submit_response

    with app.app_context():
        stored = db.session.get(Campaign, survey.id)
        assert stored is not None
        base = {1: "self", 3: "60p", 6: "g3", **{n: "A" for n in range(7, 17)}}
        for i, (gender, text) in enumerate([("f", "希望简化手续"), ("m", "补助标准偏低"), ("f", None)]):
            answers = {**base, 2: gender, **({18: text} if text else {})}
            submit_response(stored, Submission(f"open-answer-{i}", answers))
        db.session.commit()
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = client.get(f"/evaluation/campaigns/{survey.slug}").get_data(as_text=True)
    assert "希望简化手续" in page and "补助标准偏低" in page and "2 条回答" in page
    assert "性别：" in page  # the breakdown by gender
    found = client.get(f"/evaluation/campaigns/{survey.slug}?search=手续").get_data(as_text=True)
    assert "希望简化手续" in found and "补助标准偏低" not in found
    assert "2 条回答中有 1 条包含“手续”。" in found
