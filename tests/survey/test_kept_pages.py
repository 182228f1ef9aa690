"""Whole kept pages: each respondent gets their own tokens, and staff pages are never kept."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.accounts.services import create_user
from surveyapp.extensions import db
from surveyapp.models import Campaign, Response
from surveyapp.survey import pages
from tests.accounts.conftest import PASSWORD, sign_in
from tests.conftest import csrf_token
from tests.survey.test_form import ALL_A

SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
TOKENS = re.compile(
    r'((?:name="(?:csrf_token|submission_id)" type="hidden"|name="csrf_token") value=)"[^"]+"'
)


def _tokens(page: str) -> tuple[str, str]:
    found = SUBMISSION.search(page)
    assert found is not None
    return csrf_token(page), found.group(1)


def _fresh_tokens(client: FlaskClient, slug: str) -> tuple[str, str]:
    return _tokens(client.get(f"/s/{slug}").get_data(as_text=True))


def _post(client: FlaskClient, slug: str, tokens: tuple[str, str]) -> int:
    data = {"csrf_token": tokens[0], "submission_id": tokens[1], **{f"q{n}": c for n, c in ALL_A.items()}}
    return client.post(f"/s/{slug}", data=data).status_code


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_respondents_served_one_kept_page_each_get_their_own_tokens(app: Flask, campaign: Campaign) -> None:
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    pages_seen = [c.get(f"/s/{campaign.slug}").get_data(as_text=True) for c in (first, second, third)]
    assert len(app.extensions[pages._PAGES]) == 1  # one page kept, served to the second and third
    tokens = [_tokens(page) for page in pages_seen]
    assert len({t[0] for t in tokens}) == 3 and len({t[1] for t in tokens}) == 3
    assert len({TOKENS.sub(r'\1"…"', page) for page in pages_seen}) == 1
    # Another browser's tokens are refused (each page's were made for its own session) ...
    assert _post(second, campaign.slug, tokens[2]) == 422
    assert _stored(app) == 0
    # ... and each browser's own are taken, once each.
    for client, own in zip((first, second, third), tokens, strict=True):
        assert _post(client, campaign.slug, own) == 303
    assert _post(first, campaign.slug, tokens[0]) == 303  # sent again: stored once
    assert _stored(app) == 3


def test_the_kept_thank_you_page_carries_each_browsers_own_token(app: Flask, campaign: Campaign) -> None:
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert _post(client, campaign.slug, _fresh_tokens(client, campaign.slug)) == 303
    thanks = [c.get(f"/s/{campaign.slug}/thanks").get_data(as_text=True) for c in (first, second)]
    assert sum(key[0] == "thanks" for key in app.extensions[pages._PAGES]) == 1
    own = [csrf_token(page) for page in thanks]
    assert own[0] != own[1]
    assert second.post(f"/s/{campaign.slug}/again", data={"csrf_token": own[0]}).status_code == 400
    answered = second.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert SUBMISSION.search(answered) is None  # this browser's response is stored
    assert second.post(f"/s/{campaign.slug}/again", data={"csrf_token": own[1]}).status_code == 303
    assert _post(second, campaign.slug, _fresh_tokens(second, campaign.slug)) == 303
    assert _stored(app) == 3


def test_a_signed_in_users_page_is_never_kept_nor_shown_to_respondents(
    app: Flask, campaign: Campaign
) -> None:
    with app.app_context():
        create_user("kept.staff", PASSWORD, "admin")
        db.session.commit()
    staff, respondent = app.test_client(), app.test_client()
    assert sign_in(staff, "kept.staff") in (302, 303)
    staff_page = staff.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert "kept.staff" in staff_page and 'class="sign-out"' in staff_page
    assert not app.extensions.get(pages._PAGES)
    public = respondent.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert "kept.staff" not in public and 'class="sign-out"' not in public
    assert len(app.extensions[pages._PAGES]) == 1
    # The kept page is the respondents': staff still get their own.
    again = staff.get(f"/s/{campaign.slug}").get_data(as_text=True)
    assert "kept.staff" in again and 'class="sign-out"' in again


def test_a_kept_page_follows_the_address_it_was_asked_at(app: Flask, campaign: Campaign) -> None:
    client = app.test_client()
    plain = client.get(f"/s/{campaign.slug}").get_data(as_text=True)
    asked = client.get(f"/s/{campaign.slug}?from=poster").get_data(as_text=True)
    assert "from%3Dposter" in asked and "from%3Dposter" not in plain
    assert len(app.extensions[pages._PAGES]) == 2


def test_kept_pages_are_bounded(app: Flask, campaign: Campaign) -> None:
    client = app.test_client()
    for n in range(pages.MAX_PAGES + 10):
        assert client.get(f"/s/{campaign.slug}?n={n}").status_code == 200
    assert len(app.extensions[pages._PAGES]) == pages.MAX_PAGES


def test_a_token_that_could_not_be_cut_out_is_never_kept() -> None:
    assert pages.cut("<p>abc</p>", {"a": "short"}) is None  # too short to be told apart from text
    assert pages.cut("<p>x</p>", {"a": "same-value-0123456789", "b": "same-value-0123456789"}) is None
    assert pages.cut("<p>x</p>", {"a": 'quote"d-value-0123456789'}) is None
    token = "TOKEN-0123456789abcdef"
    kept = pages.cut(f"<a>{token}</a><b>{token}</b>", {"t": token})
    assert kept is not None and kept.filled({"t": "NEW"}) == "<a>NEW</a><b>NEW</b>"
