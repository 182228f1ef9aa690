"""The campaign row behind the public pages, kept per process for a moment, and never trusted to
store a response in a campaign that was closed meanwhile."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from surveyapp.campaigns.services import close_campaign
from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from surveyapp.survey import pages
from surveyapp.survey.services import CampaignClosedError, Submission, submit_response
from tests.survey.test_form import ALL_A
from tests.survey.test_kept_pages import _fresh_tokens, _post, _stored
from tests.test_query_counts import counted

CLOSED = "本调查已结束"


def _answers(tokens: tuple[str, str]) -> dict[str, str]:
    return {"csrf_token": tokens[0], "submission_id": tokens[1], **{f"q{n}": c for n, c in ALL_A.items()}}


def _campaign_reads(statements: list[str]) -> list[str]:
    """The statements that read the campaign table."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM campaign" in s]


def _closed_elsewhere(app: Flask, campaign: Campaign) -> None:
    """Close the campaign as another process would: a plain UPDATE, no flush of this process."""
    with app.app_context():
        db.session.execute(update(Campaign).where(Campaign.id == campaign.id).values(status="closed"))
        db.session.commit()


def test_a_new_respondent_costs_two_statements(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    """Once the row is kept, a new respondent's form and thank-you page run no statement, and
    the POST two: the response's insert, which counts the phone's and the address's responses
    itself, and its answers'. On PostgreSQL the two are one statement, one round trip."""
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 60
    _fresh_tokens(app.test_client(), campaign.slug)  # reads the row and keeps it
    with counted(app) as on_form:
        tokens = _fresh_tokens(client, campaign.slug)
    with counted(app) as on_post:
        assert _post(client, campaign.slug, tokens) == 303
    with counted(app) as on_thanks:
        assert client.get(f"/s/{campaign.slug}/thanks").status_code == 200
    assert on_form == [] and on_thanks == []
    assert _campaign_reads(on_post) == []
    kinds = [" ".join(statement.split()[:3]).upper() for statement in on_post]
    with app.app_context():
        one_statement = db.engine.dialect.name == "postgresql"
    if one_statement:
        assert kinds == ["WITH STORED AS"], on_post
        assert "INSERT INTO response" in on_post[0] and "INSERT INTO answer" in on_post[0]
    else:
        assert kinds == ["INSERT INTO RESPONSE", "INSERT INTO ANSWER"], on_post
    assert on_post[0].lower().count("count(*)") == 2  # the phone's and the address's limits
    assert _stored(app) == 1


def test_a_campaign_closed_in_this_process_is_closed_at_once(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 60
    tokens = _fresh_tokens(client, campaign.slug)
    with app.app_context():
        close_campaign(db.session.get_one(Campaign, campaign.id))
        db.session.commit()
    assert _post(client, campaign.slug, tokens) == 200  # the closed page, nothing stored
    assert _stored(app) == 0
    assert CLOSED in client.get(f"/s/{campaign.slug}").get_data(as_text=True)


def test_a_campaign_closed_by_another_process_stores_nothing_more(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """This process still holds the row that says open; the insert itself finds it closed."""
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 60
    tokens = _fresh_tokens(client, campaign.slug)
    _closed_elsewhere(app, campaign)
    response = client.post(f"/s/{campaign.slug}", data=_answers(tokens))
    assert response.status_code == 200 and CLOSED in response.get_data(as_text=True)
    assert _stored(app) == 0
    # Once the kept row is older than the setting, the form itself says the campaign is closed.
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 0
    assert CLOSED in client.get(f"/s/{campaign.slug}").get_data(as_text=True)


def test_the_insert_refuses_a_closed_campaign_whatever_the_caller_read(
    app: Flask, campaign: Campaign
) -> None:
    """A service given a campaign object that still says open (read before another request
    closed it) raises, and stores nothing."""
    with app.app_context():
        stale = db.session.get_one(Campaign, campaign.id)
        table = Campaign.__table__
        db.session.execute(update(table).where(table.c.id == campaign.id).values(status="closed"))
        assert stale.status == "open"
        submission = Submission(submission_id="stale-read-1", answers=dict(ALL_A), channel="qr")
        with pytest.raises(CampaignClosedError):
            submit_response(stale, submission)
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_sent_again_after_the_campaign_closed_the_respondent_is_thanked(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """A second tap that arrives after the campaign closed finds the stored response: thanks, once."""
    tokens = _fresh_tokens(client, campaign.slug)
    assert _post(client, campaign.slug, tokens) == 303
    with app.app_context():
        close_campaign(db.session.get_one(Campaign, campaign.id))
        db.session.commit()
    again = client.post(f"/s/{campaign.slug}", data=_answers(tokens))
    assert again.status_code == 303 and again.headers["Location"].endswith("/thanks")
    assert _stored(app) == 1


def test_sent_again_at_the_phone_limit_the_respondent_is_thanked(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """The response that reached the phone's limit, sent again, is thanked, not refused."""
    with app.app_context():
        db.session.get_one(Campaign, campaign.id).device_limit = 1
        db.session.commit()
    tokens = _fresh_tokens(client, campaign.slug)
    assert _post(client, campaign.slug, tokens) == 303
    assert _post(client, campaign.slug, tokens) == 303  # the limit counts it, but it is this one
    assert _stored(app) == 1
    client.post(f"/s/{campaign.slug}/again", data={})
    client.delete_cookie("session")  # another person on the same phone: refused
    assert _post(client, campaign.slug, _fresh_tokens(client, campaign.slug)) == 429
    assert _stored(app) == 1


def test_every_page_drawn_from_the_kept_row_shows_its_questionnaire(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """The form and the thank-you page take the kept row without adding it to the session; the
    pages drawn from it (nothing kept yet, answered already, closed) still read its version."""
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 60
    with app.app_context():
        title = db.session.get_one(Campaign, campaign.id).questionnaire_version.title
    tokens = _fresh_tokens(client, campaign.slug)  # reads the row and keeps it
    app.extensions.pop(pages._PAGES, None)  # nothing kept of the pages: each is drawn again
    assert title in client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert _post(client, campaign.slug, tokens) == 303
    app.extensions.pop(pages._PAGES, None)
    assert client.get(f"/s/{campaign.slug}/thanks").status_code == 200
    answered = client.get(f"/s/{campaign.slug}")
    assert answered.status_code == 200 and title in answered.get_data(as_text=True)
    _closed_elsewhere(app, campaign)
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 0
    client.get(f"/s/{campaign.slug}")  # reads the closed row and keeps it
    app.config["PUBLIC_CAMPAIGN_SECONDS"] = 60
    with counted(app) as statements:
        closed = app.test_client().get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert CLOSED in closed and title in closed
    assert _campaign_reads(statements) == []  # drawn from the kept row, its version loaded
