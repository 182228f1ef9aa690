"""A questionnaire with optional questions marks the required ones and accepts a skipped optional one."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.campaigns.services import create_campaign
from surveyapp.extensions import db
from surveyapp.questionnaires.reading import parse_questionnaire
from surveyapp.questionnaires.services import publish_version, store_questionnaire
from tests.conftest import csrf_token


def test_optional_question_may_be_skipped(app: Flask, client: FlaskClient) -> None:
    spec = parse_questionnaire(
        {
            "id": "optional-test",
            "version": 1,
            "title": "可选题测试",
            "scale": [
                {"code": "A", "label": "满意", "weight": 1},
                {"code": "B", "label": "不满意", "weight": 0},
            ],
            "questions": [
                {"number": 1, "text": "必答题"},
                {"number": 2, "text": "选答题", "required": False},
            ],
        },
        "optional.yaml",
    )
    with app.app_context():
        version, _ = store_questionnaire(spec, "optional.yaml")
        publish_version(version)
        slug = create_campaign(version, "可选题").slug
        db.session.commit()
    page = client.get(f"/s/{slug}").get_data(as_text=True)
    assert "标有“必答”的题目必须回答" in page
    assert page.count("(必答)") == 1
    submission_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)
    assert submission_id
    response = client.post(
        f"/s/{slug}",
        data={"csrf_token": csrf_token(page), "submission_id": submission_id.group(1), "q1": "A"},
    )
    assert response.status_code == 303
