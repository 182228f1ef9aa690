"""A response and its answers of every kind, stored once by the statements the database allows:
on PostgreSQL one statement for the response and its answers (their choices after it), on SQLite
one for the response and one for its answers."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, AnswerChoice, Campaign, Question, Response, ScaleOption
from surveyapp.survey.services import SenderLimitError, SenderLimits, Submission, submit_response
from tests.test_query_counts import counted


@pytest.fixture()
def campaign(app: Flask, questionnaire: object) -> Iterator[Campaign]:
    """A published questionnaire asking one question of each stored kind, and its campaign."""
    from surveyapp.campaigns.services import create_campaign
    from surveyapp.questionnaires.services import publish_version, store_questionnaire
    from surveyapp.questionnaires.xlsform import read_xlsform
    from tests.questionnaires.workbooks import stored_kinds_sheets, workbook_bytes

    sheets = stored_kinds_sheets("stored_kinds", "各类答案", multiple=True)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        version, _new = store_questionnaire(read_xlsform(workbook_bytes(sheets), "k.xlsx"), "k.xlsx")
        publish_version(version)
        made = create_campaign(version, "stored kinds")
        db.session.commit()
        yield made


def _stored(campaign: Campaign) -> list[tuple[str, int, object]]:
    """Every stored answer as (submission id, question number, its value), choices as codes."""
    codes = {
        option_id: code for option_id, code in db.session.execute(select(ScaleOption.id, ScaleOption.code))
    }
    chosen: dict[int, list[str]] = {}
    for answer_id, option_id in db.session.execute(select(AnswerChoice.answer_id, AnswerChoice.option_id)):
        chosen.setdefault(answer_id, []).append(codes[option_id])
    rows = db.session.execute(
        select(Response.submission_id, Question.number, Answer)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(Response.campaign_id == campaign.id)
    ).all()
    stored = []
    for submission_id, number, answer in rows:
        value: object
        if answer.id in chosen:
            value = (sorted(chosen[answer.id]), answer.value_text)
        elif answer.option_id is not None:
            value = (
                codes[answer.option_id]
                if answer.value_text is None
                else (codes[answer.option_id], answer.value_text)
            )
        else:
            value = next(
                v for v in (answer.value_number, answer.value_date, answer.value_text) if v is not None
            )
        stored.append((submission_id, number, value))
    return sorted(stored, key=lambda row: (row[0], row[1]))


def _insert_kinds(statements: list[str]) -> list[str]:
    return [
        " ".join(s.split()[:3]).upper() for s in statements if not s.lstrip().upper().startswith("SELECT")
    ]


def test_every_kind_of_answer_is_stored_once_in_the_fewest_statements(app: Flask, campaign: Campaign) -> None:
    with app.test_request_context():
        campaign = db.session.get_one(Campaign, campaign.id)
        given = {1: "40", 2: "2500.5", 3: "2000-01-02", 4: "=1+1", 5: "other", 6: ["far", "other"]}
        texts = {5: "邻居代答", 6: "腿脚不便"}
        with counted(app) as statements:
            response, new = submit_response(campaign, Submission("kinds-1", given, other_texts=texts))
        assert new
        kinds = _insert_kinds(statements)
        if db.engine.dialect.name == "postgresql":
            # the response and its five plain answers, then the choice answer and its two choices
            assert kinds == ["WITH STORED AS", "INSERT INTO ANSWER", "INSERT INTO ANSWER_CHOICE"], statements
            combined = next(s for s in statements if s.lstrip().upper().startswith("WITH"))
            assert "INSERT INTO response" in combined and "INSERT INTO answer" in combined
        else:
            assert kinds[:2] == ["INSERT INTO RESPONSE", "INSERT INTO ANSWER"], statements
        again, new_again = submit_response(campaign, Submission("kinds-1", {1: "41"}))
        assert (again.id, new_again) == (response.id, False)
        db.session.commit()
        assert _stored(campaign) == [
            ("kinds-1", 1, Decimal(40)),
            ("kinds-1", 2, Decimal("2500.5")),
            ("kinds-1", 3, datetime.date(2000, 1, 2)),
            ("kinds-1", 4, "=1+1"),
            ("kinds-1", 5, "邻居代答"),  # "other" where the list has none: the text alone
            ("kinds-1", 6, (["far"], "腿脚不便")),
        ]


def test_a_response_with_one_answer_and_one_without_any(app: Flask, campaign: Campaign) -> None:
    """The one-statement insert of a single answer, and a response that answers nothing at all."""
    with app.test_request_context():
        campaign = db.session.get_one(Campaign, campaign.id)
        submit_response(campaign, Submission("one", {5: "B"}))
        submit_response(campaign, Submission("none", {}))
        db.session.commit()
        assert _stored(campaign) == [("one", 5, "B")]
        ids = db.session.scalars(select(Response.submission_id).where(Response.campaign_id == campaign.id))
        assert sorted(ids) == ["none", "one"]


def test_a_refused_sender_stores_neither_the_response_nor_its_answers(app: Flask, campaign: Campaign) -> None:
    with app.test_request_context():
        campaign = db.session.get_one(Campaign, campaign.id)
        limits = SenderLimits(device=1)
        submit_response(campaign, Submission("first", {5: "A"}, device_id="phone", limits=limits))
        with pytest.raises(SenderLimitError):
            submit_response(
                campaign, Submission("second", {5: "C", 1: "3"}, device_id="phone", limits=limits)
            )
        db.session.commit()
        assert _stored(campaign) == [("first", 5, "A")]
        assert db.session.scalar(select(func.count()).select_from(AnswerChoice)) == 0
