"""A satisfaction row follows its campaign: new answers and a new weight scheme change it."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import Campaign, WeightScheme, WeightSchemeEntry
from tests.conftest import csrf_token
from tests.indicators.conftest import add_response, store_report_responses
from tests.indicators.test_pages import _cell, _edit, _summary

SATISFACTION = "C.3.1.1"


def _link(client: FlaskClient, key: str, node: str, kind: str, slug: str) -> tuple[int, str]:
    url = f"/indicators/{key}/leaves/{node}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        f"{url}/link", data={"link-csrf_token": csrf_token(page), "link-kind": kind, "link-campaign": slug}
    )
    return response.status_code, response.get_data(as_text=True)


def _leaf(client: FlaskClient, key: str, node: str) -> dict:
    data = json.loads(client.get(f"/indicators/{key}/export.json").get_data(as_text=True))
    stack = list(data["levels"])
    while stack:
        item = stack.pop()
        if item["id"] == node:
            return item
        stack.extend(item["children"])
    raise AssertionError(node)


def test_linked_satisfaction_follows_answers_and_weights(
    app: Flask, evaluator: FlaskClient, report_table: str, campaign: Campaign
) -> None:
    store_report_responses(app, campaign)
    assert _link(evaluator, report_table, SATISFACTION, "campaign_score", campaign.slug)[0] == 303
    # Ask for 100% so the row's score shows the value: 10 x 98.00 / 100 = 9.80.
    assert _edit(evaluator, report_table, SATISFACTION, target="≥ 100%", reason="", evidence="")[0] == 303
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    assert _cell(page, SATISFACTION, 4).startswith("98.00 %")
    assert "取值时间" in _cell(page, SATISFACTION, 4) and campaign.name in page
    # C: 57.00 - 0.20 = 56.80; total 95.00, still 优.
    assert _cell(page, SATISFACTION, 5) == "9.80" and _summary(page)[3][2] == "95.00"

    # A late respondent answers B (满意, 90%) everywhere: (328 + 0.9 x 92) / 42 x 10 = 97.8095... -> 97.81;
    # the row scores 10 x 97.81 / 100 = 9.781 -> 9.78, the total 94.981 -> 94.98.
    add_response(app, campaign, "late-1", "B")
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    assert _cell(page, SATISFACTION, 4).startswith("97.81 %")
    assert _cell(page, SATISFACTION, 5) == "9.78" and _summary(page)[3][2] == "94.98"
    leaf = _leaf(evaluator, report_table, SATISFACTION)
    assert leaf["actual"] == 97.81 and leaf["source"]["respondents"] == 42
    assert leaf["source"]["latest_response_at"] is not None

    # A weight scheme valuing B at 80%: (328 + 0.8 x 92) / 42 x 10 = 401.6 / 42 x 10 = 95.619... -> 95.62.
    with app.app_context():
        scheme = WeightScheme(key="b-80", name="B 80%")
        scheme.entries = [
            WeightSchemeEntry(code=c, weight=Decimal(w))
            for c, w in zip("ABCDE", ("1", "0.8", "0.6", "0.3", "0"), strict=True)
        ]
        stored = db.session.get(Campaign, campaign.id)
        assert stored is not None
        stored.weight_scheme = scheme
        db.session.commit()
    assert _leaf(evaluator, report_table, SATISFACTION)["actual"] == 95.62


def test_satisfaction_rate_and_response_count_links(
    app: Flask, evaluator: FlaskClient, report_table: str, campaign: Campaign
) -> None:
    store_report_responses(app, campaign)
    # Every answer is 非常满意 or 满意, both satisfied: the rate is 410 / 410 = 100.00%.
    assert _link(evaluator, report_table, SATISFACTION, "campaign_satisfaction_rate", campaign.slug)[0] == 303
    assert _leaf(evaluator, report_table, SATISFACTION)["actual"] == 100.0
    # 补助人数 following the number of responses: 41 against ≥ 20000 人
    # scores 10 x 41 / 20000 = 0.0205 -> 0.02.
    assert _link(evaluator, report_table, "C.1.1.1", "campaign_responses", campaign.slug)[0] == 303
    people = _leaf(evaluator, report_table, "C.1.1.1")
    assert people["actual"] == 41.0 and people["score"] == 0.02
    # Unlinking gives back the typed value, 23186 人.
    assert _link(evaluator, report_table, "C.1.1.1", "none", "")[0] == 303
    assert _leaf(evaluator, report_table, "C.1.1.1")["actual"] == 23186.0


def test_a_link_that_does_not_fit_is_refused(
    evaluator: FlaskClient, report_table: str, campaign: Campaign
) -> None:
    status, page = _link(evaluator, report_table, "C.1.1.1", "campaign_score", campaign.slug)
    assert status == 422 and "该取值来源与此指标的类型不匹配。" in page
    status, page = _link(evaluator, report_table, SATISFACTION, "campaign_score", "")
    assert status == 422 and "请选择调查批次。" in page


def test_a_linked_campaign_without_responses_leaves_the_row_unassessed(
    evaluator: FlaskClient, report_table: str, campaign: Campaign
) -> None:
    assert _link(evaluator, report_table, SATISFACTION, "campaign_score", campaign.slug)[0] == 303
    page = evaluator.get(f"/indicators/{report_table}").get_data(as_text=True)
    # 10 points wait for answers: the total counts them 0 (95.20 - 10 = 85.20) and no grade is given.
    assert _cell(page, SATISFACTION, 5) == "" and _summary(page)[3][2] == "85.20"
    assert "评价等级 未完成" in page


def test_national_framework_satisfaction_needs_a_target(
    app: Flask, evaluator: FlaskClient, campaign: Campaign
) -> None:
    from surveyapp.indicators.services import create_table

    store_report_responses(app, campaign)
    with app.app_context():
        create_table("national-framework", key="national-2024")
        db.session.commit()
    assert _link(evaluator, "national-2024", "D.1.2.1", "campaign_score", campaign.slug)[0] == 303
    page = evaluator.get("/indicators/national-2024").get_data(as_text=True)
    assert "请先设置指标值，才能对该值评分。" in page
    assert _edit(evaluator, "national-2024", "D.1.2.1", target="≥ 90%", reason="", evidence="")[0] == 303
    page = evaluator.get("/indicators/national-2024").get_data(as_text=True)
    # 98.00 against ≥ 90%: full marks, 10.00.
    assert _cell(page, "D.1.2.1", 5) == "10.00"
