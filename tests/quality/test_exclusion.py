"""An evaluator excludes a response with a reason, every figure follows, and restores it.

Hand computation (seed facts §2): respondent r answered A to question q when r < the report's
A count of q, else B. Respondent 0 answered A to all ten questions. Without it, 40 respondents:
A answers 328 - 10 = 318, B answers 82, so the score is (318 x 10 x 1.0 + 82 x 10 x 0.9) / 40
= (3180 + 738) / 40 = 97.95; question 1 has 33 A (33/40 = 82.50 %, 8.25 points) and 7 B
(17.50 %, 1.575 -> 1.58 points), 9.825 -> 9.83 in total.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Campaign, Response
from tests.accounts.conftest import sign_in
from tests.conftest import csrf_token


def _response_id(app: Flask, submission_id: str) -> int:
    with app.app_context():
        found = db.session.scalars(select(Response.id).where(Response.submission_id == submission_id)).one()
        return int(found)


def _evaluator(client: FlaskClient, make_user: Callable[..., int], campaign: Campaign) -> str:
    make_user("evaluator1")
    sign_in(client, "evaluator1")
    page = client.get(f"/evaluation/campaigns/{campaign.slug}")
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def _exclude(client: FlaskClient, campaign: Campaign, response_id: int, token: str, reason: str) -> str:
    address = f"/evaluation/campaigns/{campaign.slug}/responses/{response_id}/exclude"
    posted = client.post(address, data={"csrf_token": token, "reason": reason})
    assert posted.status_code == 303
    return client.get(posted.headers["Location"]).get_data(as_text=True)


def _json(client: FlaskClient, campaign: Campaign, query: str = "") -> dict:
    return json.loads(client.get(f"/evaluation/campaigns/{campaign.slug}/report.json{query}").data)


def test_excluding_one_all_a_response_gives_the_hand_computed_figures(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    token = _evaluator(client, make_user, report_campaign)
    first = _response_id(app, "report-0000")
    page = _exclude(client, report_campaign, first, token, "  interviewer  entered it twice ")
    assert '<strong class="figure" id="final-score">97.95</strong>' in page
    assert "已剔除：interviewer entered it twice" in page

    data = _json(client, report_campaign)
    assert data["respondents"] == 40
    assert data["score"] == 97.95
    q1 = data["questions"][0]
    assert [(o["code"], o["count"], o["percent"], o["points"]) for o in q1["options"][:2]] == [
        ("A", 33, 82.5, 8.25),
        ("B", 7, 17.5, 1.58),
    ]
    assert q1["score"] == 9.83
    assert data["excluded"] == {"responses": 1, "counted": False}
    assert data["intervals"]["score"]["respondents"] == 40

    both = _json(client, report_campaign, "?excluded=include")
    assert (both["respondents"], both["score"], both["excluded"]) == (
        41,
        98.0,
        {"responses": 1, "counted": True},
    )
    shown_both = client.get(f"/evaluation/campaigns/{report_campaign.slug}?excluded=include").get_data(
        as_text=True
    )
    assert '<strong class="figure" id="final-score">98.00</strong>' in shown_both


def test_exports_and_the_command_line_state_the_exclusion(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    make_user: Callable[..., int],
    report_campaign: Campaign,
) -> None:
    token = _evaluator(client, make_user, report_campaign)
    _exclude(client, report_campaign, _response_id(app, "report-0000"), token, "duplicate")
    table = client.get(f"/evaluation/campaigns/{report_campaign.slug}/report.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    assert ["剔除答卷", "1", "未计入"] in rows
    assert ["有效问卷", "40", ""] in rows
    assert rows[-1][-1] == "97.95"
    listed = client.get(f"/evaluation/campaigns/{report_campaign.slug}/responses.csv").data.decode(
        "utf-8-sig"
    )
    assert len(list(csv.reader(io.StringIO(listed)))) == 1 + 40
    listed_all = client.get(f"/evaluation/campaigns/{report_campaign.slug}/responses.csv?excluded=include")
    assert len(list(csv.reader(io.StringIO(listed_all.data.decode("utf-8-sig"))))) == 1 + 41

    with client.get(f"/evaluation/campaigns/{report_campaign.slug}/report.xlsx") as as_xlsx:
        workbook = load_workbook(io.BytesIO(as_xlsx.data))
    notes = [[cell.value for cell in row] for row in workbook["说明"].iter_rows()]
    assert ["剔除答卷", 1, "未计入"] in notes
    assert workbook["答卷"].max_row == 1 + 40

    default = json.loads(runner.invoke(args=["report", report_campaign.slug]).output)
    counted = json.loads(runner.invoke(args=["report", report_campaign.slug, "--include-excluded"]).output)
    assert (default["score"], default["respondents"], default["excluded"]["responses"]) == (97.95, 40, 1)
    assert (counted["score"], counted["respondents"], counted["excluded"]["counted"]) == (98.0, 41, True)


def test_restoring_counts_it_again_and_both_are_audited(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    token = _evaluator(client, make_user, report_campaign)
    first = _response_id(app, "report-0000")
    _exclude(client, report_campaign, first, token, "duplicate")
    restored = client.post(
        f"/evaluation/campaigns/{report_campaign.slug}/responses/{first}/restore", data={"csrf_token": token}
    )
    assert restored.status_code == 303
    assert _json(client, report_campaign)["score"] == 98.0
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["response.exclude", "response.restore"]))
        ).all()
        assert [(e.action, e.target_id, e.actor) for e in events] == [
            ("response.exclude", str(first), "evaluator1"),
            ("response.restore", str(first), "evaluator1"),
        ]
        assert events[0].details["reason"] == "duplicate"
        assert events[1].details["reason_was"] == "duplicate"


def test_an_exclusion_needs_a_reason(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    token = _evaluator(client, make_user, report_campaign)
    page = _exclude(client, report_campaign, _response_id(app, "report-0000"), token, "   ")
    assert "请填写剔除这份答卷的原因" in page
    assert '<strong class="figure" id="final-score">98.00</strong>' in page


def test_field_staff_cannot_exclude(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], report_campaign: Campaign
) -> None:
    make_user("field1", role="field_staff")
    sign_in(client, "field1")
    token = csrf_token(client.get("/entry/").get_data(as_text=True))
    first = _response_id(app, "report-0000")
    address = f"/evaluation/campaigns/{report_campaign.slug}/responses/{first}/exclude"
    assert client.post(address, data={"csrf_token": token, "reason": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(Response, first).excluded_at is None  # type: ignore[union-attr]
