"""The evaluator's page kept ready as responses are stored (surveyapp/scoring/upkeep.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError

from surveyapp.extensions import db
from surveyapp.models import Campaign, KeptAggregate, Response
from surveyapp.models.base import utcnow
from surveyapp.scoring import kept, upkeep
from surveyapp.survey.services import Submission, response_row, submit_response
from tests.scoring.conftest import load
from tests.scoring.test_kept_aggregates import _figures, fresh, viewed
from tests.survey.test_form import ALL_A
from tests.survey.test_kept_pages import _fresh_tokens


def _answer(app: Flask, slug: str, codes: dict[int, str] = ALL_A) -> None:
    """A new respondent answers on their phone."""
    client = app.test_client()
    csrf, submission = _fresh_tokens(client, slug)
    data = {"csrf_token": csrf, "submission_id": submission, **{f"q{n}": c for n, c in codes.items()}}
    with client.post(f"/s/{slug}", data=data) as answer:  # closed once sent, as a server does
        assert answer.status_code == 303


def _counted(app: Flask, campaign: Campaign) -> int | None:
    """The most responses any database copy of the campaign's aggregates counts."""
    with app.app_context():
        return db.session.scalar(
            select(func.max(KeptAggregate.response_count)).where(KeptAggregate.campaign_id == campaign.id)
        )


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_a_respondents_answer_brings_the_page_up_to_date_after_it_is_sent(
    app: Flask, report_campaign: Campaign
) -> None:
    assert _counted(app, report_campaign) is None  # nobody viewed the page yet
    _answer(app, report_campaign.slug)
    # The upkeep ran once the answer was sent and counts the 42nd response in the database copy.
    assert _counted(app, report_campaign) == 42
    with app.app_context():
        kept.forget_kept(in_database=False)  # the evaluator's page is served by another worker
        campaign = load(report_campaign)
        shown, seen = viewed(campaign)
        assert seen == []  # nothing counted on the page: all of it was kept
        # 42 respondents, 338 A, 82 B: 10 x (338 + 0.9 x 82) / 42 = 4118 / 42 = 98.047... -> 98.05.
        assert shown["respondents"] == 42 and shown["score"] == 98.05
        assert shown == fresh(campaign)


def test_answers_within_the_interval_wait_for_the_next_upkeep_and_the_page_adds_them(
    app: Flask, report_campaign: Campaign
) -> None:
    app.config[upkeep.UPKEEP_SETTING] = 3600
    _answer(app, report_campaign.slug)
    _answer(app, report_campaign.slug, {**ALL_A, 1: "E"})
    assert _counted(app, report_campaign) == 42  # the second came within the hour: not yet
    with app.app_context():
        campaign = load(report_campaign)
        shown, seen = viewed(campaign)
        assert seen and all("response_id >" in s or "response.id >" in s for s in seen)  # the new one only
        # 43 respondents: 347 A, 82 B, one E (weight 0): 10 x (347 + 73.8) / 43 = 97.86.
        assert shown["respondents"] == 43 and shown["score"] == 97.86
        assert shown == fresh(campaign)


def test_with_no_interval_every_storing_request_keeps_the_page_up(
    app: Flask, report_campaign: Campaign
) -> None:
    app.config[upkeep.UPKEEP_SETTING] = 0
    for number in (42, 43, 44):
        _answer(app, report_campaign.slug)
        with app.app_context():
            campaign = load(report_campaign)
            shown, seen = viewed(campaign)
            assert seen == [] and shown["respondents"] == number  # all kept already
    # The database copy is written again only every thousand responses (another worker adds the
    # rest itself): it still counts the first.
    assert _counted(app, report_campaign) == 42


def test_the_upkeep_can_be_turned_off(app: Flask, report_campaign: Campaign) -> None:
    app.config[upkeep.UPKEEP_SETTING] = None
    _answer(app, report_campaign.slug)
    assert _stored(app) == 42 and _counted(app, report_campaign) is None


def test_a_large_campaign_nobody_viewed_is_left_to_its_first_view(
    app: Flask, report_campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upkeep, "MAX_BEHIND", 40)  # 41 stored before, not counted by any copy
    _answer(app, report_campaign.slug)
    assert _stored(app) == 42 and _counted(app, report_campaign) is None
    with app.app_context():
        assert upkeep.responses_behind(report_campaign.id) == 42
        _figures(load(report_campaign))  # the page counts it all once
        db.session.commit()
        assert upkeep.responses_behind(report_campaign.id) == 0


def test_a_database_error_in_the_upkeep_costs_the_respondent_nothing(
    app: Flask, report_campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(_campaign: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(upkeep, "bring_up_to_date", busy)
    _answer(app, report_campaign.slug)
    assert _stored(app) == 42 and _counted(app, report_campaign) is None


def test_a_refused_answer_keeps_nothing_up(app: Flask, report_campaign: Campaign) -> None:
    client = app.test_client()
    csrf, submission = _fresh_tokens(client, report_campaign.slug)
    data = {"csrf_token": csrf, "submission_id": submission, "q1": "Z"}
    with client.post(f"/s/{report_campaign.slug}", data=data) as refused:
        assert refused.status_code == 422
    assert _stored(app) == 41 and _counted(app, report_campaign) is None


def test_an_import_brings_the_page_up_to_date(app: Flask, campaign: Campaign, tmp_path: Path) -> None:
    rows = ["q1,q2,q3,q4,q5,q6,q7,q8,q9,q10", *(["A,A,A,A,A,A,A,A,A,B"] * 3), "B,B,B,B,B,B,B,B,B,B"]
    sheet = tmp_path / "paper.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["responses", "import", campaign.slug, str(sheet)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "paper.csv: 4 rows, 4 added, 0 already imported"
    assert _counted(app, campaign) == 4
    with app.app_context():
        kept.forget_kept(in_database=False)
        found = load(campaign)
        shown, seen = viewed(found)
        assert seen == []
        # 27 A and 13 B over 4 respondents: 10 x (27 + 0.9 x 13) / 4 = 387 / 4 = 96.75.
        assert shown["respondents"] == 4 and shown["score"] == 96.75
        assert shown == fresh(found)


def test_responses_stored_outside_a_request_are_noted_nowhere(app: Flask, report_campaign: Campaign) -> None:
    with app.app_context():
        submit_response(load(report_campaign), Submission("from-a-script", ALL_A))
        db.session.commit()
    assert _counted(app, report_campaign) is None


def _stored_with_id(campaign: Campaign, response_id: int) -> None:
    """A response (without answers) stored under a chosen id, as a commit out of order leaves it."""
    row = response_row(campaign, Submission(f"id-{response_id}", {}), utcnow())
    db.session.execute(insert(Response).values(id=response_id, **row))


def test_a_copy_that_a_late_commit_went_below_is_read_again_in_full(
    app: Flask, report_campaign: Campaign
) -> None:
    with app.app_context():
        campaign = load(report_campaign)
        _stored_with_id(campaign, 1000)
        _figures(campaign)
        db.session.commit()  # kept at 42 responses, the highest id 1000
        assert upkeep.responses_behind(campaign.id) == 0
        _stored_with_id(campaign, 1001)
        db.session.commit()
        assert upkeep.responses_behind(campaign.id) == 1  # added to the copy
        # A response holding an id below the copy's highest commits only now (PostgreSQL can).
        _stored_with_id(campaign, 500)
        db.session.commit()
        assert upkeep.responses_behind(campaign.id) == 44  # the copy cannot be added to: all again


def test_the_upkeep_writes_its_copies_together_once_it_has_computed(
    app: Flask, report_campaign: Campaign
) -> None:
    """On SQLite a transaction that writes holds the one write lock until it ends: the copies are
    written at the end, so respondents' answers never wait while the page is computed."""
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.lstrip().upper())

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            upkeep.bring_up_to_date(load(report_campaign))
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        writes = [i for i, s in enumerate(statements) if s.startswith(("INSERT", "DELETE", "UPDATE"))]
        reads = [i for i, s in enumerate(statements) if "FROM ANSWER" in s or "FROM RESPONSE" in s]
        assert writes and reads and max(reads) < min(writes)
